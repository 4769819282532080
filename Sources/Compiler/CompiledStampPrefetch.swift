import Dispatch
import Foundation
import Glibc
import Project
import Synchronization

/// Reads the compiled-file index and the current stamp of every file it lists on a thread of
/// its own while the project compiles, so the writer finds unchanged files without
/// a `stat` each (300,000 of them at 100,000 models: most of a warm compile's writing).
///
/// The thread runs at idle priority: it takes the cores only while compiling leaves one
/// idle, and what it has not done when the writer starts, the writer does itself.
/// A stamp read early must still hold when the writer uses it: each folder is watched with
/// inotify before its files are stamped, and any change in it afterwards (a file written,
/// created, removed or moved, the folder itself removed or moved, lost events) makes the
/// writer stamp those files again; so does a folder no longer being the one that was watched.
public final class CompiledStampPrefetch: @unchecked Sendable {
  /// What the thread found; read by the writer once the thread has stopped.
  struct Found {
    /// The index, as `CompiledFileIndex.load` reads it.
    var index = CompiledFileIndex()
    /// Stamps by index record, for records before `stamped`.
    var stamps: [FileSystem.Stamp?] = []
    var stamped = 0
    /// Folders (relative to the root) whose stamps hold, with their inode.
    var folders: [String: UInt64] = [:]
    /// Files (relative to the root) that changed after they were stamped.
    var changed: Set<String> = []
  }

  /// The index file this prefetch read: the writer uses it only for this one.
  let indexPath: String
  private let root: String
  private let stopRequested = Atomic<Bool>(false)
  private let done = DispatchSemaphore(value: 0)
  /// Written by the thread only, read after `done`.
  private var found = Found()
  private var watcher: Int32 = -1
  private var watched: [Int32: String] = [:]

  /// Starts reading `<root>/<targetPath>/.swdbt-compiled-index` and stamping its files.
  public init(root: String, targetPath: String) {
    self.root = root
    self.indexPath = FileSystem.resolve(targetPath, under: root) + "/.swdbt-compiled-index"
    Thread.detachNewThread { [self] in
      // SCHED_IDLE (5 on Linux; not exported by Glibc): runs only on an otherwise idle core.
      var parameters = sched_param()
      _ = sched_setscheduler(0, 5, &parameters)
      found = prefetch()
      done.signal()
    }
  }

  /// Waits until the thread has stamped every file (for tests: the writer stops it instead).
  func waitUntilStamped() {
    done.wait()
    done.signal()
  }

  /// Stops the thread and returns what it found (its stamps usable only for `indexPath`);
  /// changes since each folder was watched are read now, when the writer is about to use the
  /// stamps.
  func finish() -> Found {
    stopRequested.store(true, ordering: .relaxed)
    done.wait()
    // Signalled again, so a second call returns at once.
    done.signal()
    if watcher >= 0 {
      drain(watcher, watched: watched, into: &found)
      close(watcher)
      watcher = -1
    }
    return found
  }

  deinit {
    if watcher >= 0 { close(watcher) }
  }

  private func prefetch() -> Found {
    var found = Found()
    found.index = CompiledFileIndex.load(indexPath)
    let index = found.index
    guard index.count > 0 else { return found }
    let watcher = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
    guard watcher >= 0 else { return found }
    self.watcher = watcher
    found.stamps = [FileSystem.Stamp?](repeating: nil, count: index.count)
    var watched: [Int32: String] = [:]
    defer { self.watched = watched }
    var folder: [UInt8] = []
    var folderDescriptor: Int32 = -1
    defer { if folderDescriptor >= 0 { close(folderDescriptor) } }
    var name = [CChar](repeating: 0, count: 4096)
    let mask =
      UInt32(IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM)
      | UInt32(IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF)
    for record in 0..<index.count {
      if record % 64 == 0, stopRequested.load(ordering: .relaxed) { break }
      let stamp: FileSystem.Stamp? = index.withPath(at: record) { path in
        guard let slash = path.lastIndex(of: UInt8(ascii: "/")),
          path.count - slash < name.count
        else { return nil }
        // Files come folder by folder: a folder is opened and watched when it changes.
        if !path[..<slash].elementsEqual(folder) {
          if folderDescriptor >= 0 { close(folderDescriptor) }
          folder = Array(path[..<slash])
          folderDescriptor = watch(
            String(decoding: folder, as: UTF8.self), watcher: watcher, mask: mask,
            watched: &watched, folders: &found.folders)
        }
        guard folderDescriptor >= 0 else { return nil }
        // The name as a C string, without making a `String` of it.
        let nameLength = path.count - slash - 1
        return name.withUnsafeMutableBufferPointer { buffer in
          guard let start = buffer.baseAddress, let source = path.baseAddress else { return nil }
          UnsafeMutableRawPointer(start).copyMemory(
            from: source + slash + 1, byteCount: nameLength)
          start[nameLength] = 0
          return FileSystem.stamp(in: folderDescriptor, cName: start)
        }
      }
      found.stamps[record] = stamp
      found.stamped = record + 1
    }
    return found
  }

  /// Opens a folder for stamping, after watching it; -1 when it cannot be (its files are
  /// then stamped by the writer).
  private func watch(
    _ folder: String, watcher: Int32, mask: UInt32, watched: inout [Int32: String],
    folders: inout [String: UInt64]
  ) -> Int32 {
    let path = FileSystem.resolve(folder, under: root)
    let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { return -1 }
    let watch = inotify_add_watch(watcher, path, mask)
    var opened = stat()
    var current = stat()
    // The folder watched must be the one opened: compared by inode after the watch exists.
    guard watch >= 0, fstat(descriptor, &opened) == 0, stat(path, &current) == 0,
      opened.st_ino == current.st_ino, opened.st_dev == current.st_dev
    else {
      close(descriptor)
      return -1
    }
    watched[watch] = folder
    folders[folder] = UInt64(opened.st_ino)
    return descriptor
  }

  /// Reads the events of everything watched: a changed file is stamped again by the writer;
  /// a folder removed or moved, or events lost, and none of the stamps are used.
  private func drain(_ watcher: Int32, watched: [Int32: String], into found: inout Found) {
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(watcher, $0.baseAddress, $0.count) }
      guard count > 0 else { return }
      var offset = 0
      let header = MemoryLayout<inotify_event>.size
      while offset + header <= count {
        let event = buffer.withUnsafeBytes {
          $0.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
        }
        let nameBytes = buffer[(offset + header)..<min(count, offset + header + Int(event.len))]
        offset += header + Int(event.len)
        let selfOrLost = UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_Q_OVERFLOW)
        guard event.mask & selfOrLost == 0, let folder = watched[event.wd] else {
          found.stamped = 0
          return
        }
        let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
        found.changed.insert(folder + "/" + name)
      }
    }
  }
}
