import Diagnostics

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Minimal POSIX file access: listing thousands of model files through Foundation costs more
/// than reading them.
package enum FileSystem {
  /// `path` under `root`, or `path` itself when absolute: a `--target-path /tmp/x` stays
  /// `/tmp/x`, a relative one is below the project.
  package static func resolve(_ path: String, under root: String) -> String {
    path.utf8.first == UInt8(ascii: "/") ? path : root + "/" + path
  }

  /// An error from the operating system, with the path and `strerror` text.
  package struct Failure: Error, CustomStringConvertible {
    /// The path that failed.
    package let path: String
    /// The system's explanation.
    package let reason: String
    /// The `errno` value.
    package var code: Int32 = 0
    /// "path: reason".
    package var description: String { "\(path): \(reason)" }
  }

  /// Whether a regular file or directory exists at `path`.
  package static func exists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
  }

  /// Whether `path` is a directory.
  package static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// Relative paths of every file under `root` (recursively) whose name ends with one of
  /// `suffixes`, sorted. Hidden entries are skipped. A missing root yields no files.
  package static func files(under root: String, suffixes: [String]) -> [String] {
    // Directories are read level by level, each level's in parallel (100,000 models sit in
    // hundreds of folders), each one's entries sorted on its own; walking them in that order
    // lists the paths sorted, without sorting 100,000 paths at the end.
    let suffixBytes = suffixes.map { Array($0.utf8) }
    var listings: [String: [Entry]] = [:]
    var pending = [""]
    var depth = 0
    // A link to a folder above it would nest without end.
    while !pending.isEmpty, depth < 64 {
      let read = pending.concurrentMap { relative in
        (relative, entries(of: relative.isEmpty ? root : root + "/" + relative, suffixBytes))
      }
      pending = []
      for (relative, entries) in read {
        listings[relative] = entries
        for entry in entries where entry.isDirectory {
          pending.append(relative.isEmpty ? entry.name : relative + "/" + entry.name)
        }
      }
      depth += 1
    }
    var result: [String] = []
    func collect(_ relative: String) {
      for entry in listings[relative] ?? [] {
        let path = relative.isEmpty ? entry.name : relative + "/" + entry.name
        if entry.isDirectory { collect(path) } else { result.append(path) }
      }
    }
    collect("")
    return result
  }

  /// The names of the visible subdirectories of a directory (links to one included), sorted;
  /// none when it does not exist.
  package static func subdirectories(of directory: String) -> [String] {
    entries(of: directory, []).filter(\.isDirectory).map(\.name)
  }

  /// A directory entry kept by `files(under:suffixes:)`.
  private struct Entry: Sendable {
    let name: String
    let isDirectory: Bool
  }

  /// The visible subdirectories and matching files of one directory, in the order their paths
  /// sort: a directory's paths all continue with `/`, so it sorts as its name and a slash.
  private static func entries(of directory: String, _ suffixes: [[UInt8]]) -> [Entry] {
    guard let handle = opendir(directory) else { return [] }
    defer { closedir(handle) }
    var found: [(key: String, entry: Entry)] = []
    while let entry = readdir(handle) {
      let (name, matches) = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: UInt8.self, capacity: 256) { bytes -> (String?, Bool) in
          let length = strlen(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self))
          guard length > 0, bytes[0] != UInt8(ascii: ".") else { return (nil, false) }
          let name = UnsafeBufferPointer(start: bytes, count: length)
          let matches = suffixes.contains { suffix in
            suffix.count <= length && name[(length - suffix.count)...].elementsEqual(suffix)
          }
          return (String(decoding: name, as: UTF8.self), matches)
        }
      }
      guard let name else { continue }
      var isDirectory = entry.pointee.d_type == DT_DIR
      if entry.pointee.d_type == DT_UNKNOWN || entry.pointee.d_type == DT_LNK {
        isDirectory = self.isDirectory(directory + "/" + name)
      }
      if isDirectory {
        found.append((name + "/", Entry(name: name, isDirectory: true)))
      } else if matches {
        found.append((name, Entry(name: name, isDirectory: false)))
      }
    }
    found.sort { $0.key < $1.key }
    return found.map(\.entry)
  }

  /// The whole content of a file.
  package static func read(_ path: String) throws(Failure) -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw failure(path) }
    defer { close(descriptor) }
    // Most project files (models) are small: one read into scratch space, and a read that
    // comes back short is the whole file. No `fstat` for its size: a quarter of the system
    // calls of loading 10,000 models.
    let scratchSize = 16 * 1024
    let small = withUnsafeTemporaryAllocation(byteCount: scratchSize, alignment: 16) {
      scratch -> (count: Int, bytes: [UInt8]?) in
      guard let start = scratch.baseAddress else { return (0, nil) }
      let count = Glibc.read(descriptor, start, scratchSize)
      guard count >= 0, count < scratchSize else { return (count, nil) }
      return (count, Array(UnsafeRawBufferPointer(start: start, count: count)))
    }
    if let bytes = small.bytes { return bytes }
    if small.count < 0 { throw failure(path) }
    // Larger: from the start again, sized by `fstat`.
    guard lseek(descriptor, 0, SEEK_SET) == 0 else { throw failure(path) }
    var info = stat()
    fstat(descriptor, &info)
    // One byte more than the size: a regular file's read is short only at its end, so a short
    // first read is the whole file, without a second call to find the end.
    var bytes = [UInt8](repeating: 0, count: max(0, Int(info.st_size)) + 1)
    var total = 0
    while true {
      if total == bytes.count { bytes.append(contentsOf: [UInt8](repeating: 0, count: 4096)) }
      let requested = bytes.count - total
      let count = bytes.withUnsafeMutableBytes { buffer -> Int in
        guard let start = buffer.baseAddress else { return 0 }
        return Glibc.read(descriptor, start + total, requested)
      }
      if count < 0 { throw failure(path) }
      total += count
      if count < requested { break }
    }
    bytes.removeSubrange(total...)
    return bytes
  }

  /// Opens a directory for `writeIfChanged(in:...)`; close it with `closeDirectory`.
  package static func openDirectory(_ path: String) throws(Failure) -> Int32 {
    let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { throw failure(path) }
    return descriptor
  }

  /// The inode of an open file or directory.
  package static func inode(of descriptor: Int32) -> UInt64? {
    var info = stat()
    return fstat(descriptor, &info) == 0 ? UInt64(info.st_ino) : nil
  }

  /// Closes a directory opened by `openDirectory`.
  package static func closeDirectory(_ descriptor: Int32) {
    close(descriptor)
  }

  /// What changes whenever a file is written: its size, inode and change time (which, unlike
  /// the modification time, no tool can set back).
  package struct Stamp: Sendable, Equatable {
    package var size: Int
    package var inode: UInt64
    package var changeSeconds: Int
    package var changeNanoseconds: Int

    package init(size: Int, inode: UInt64, changeSeconds: Int, changeNanoseconds: Int) {
      self.size = size
      self.inode = inode
      self.changeSeconds = changeSeconds
      self.changeNanoseconds = changeNanoseconds
    }

    init?(_ info: stat) {
      guard info.st_mode & S_IFMT == S_IFREG else { return nil }
      self.init(
        size: Int(info.st_size), inode: UInt64(info.st_ino),
        changeSeconds: Int(info.st_ctim.tv_sec), changeNanoseconds: Int(info.st_ctim.tv_nsec))
    }
  }

  /// The stamp of the regular file named by a C string in an open directory, or nil.
  package static func stamp(in directory: Int32, cName: UnsafePointer<CChar>) -> Stamp? {
    var info = stat()
    guard fstatat(directory, cName, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
    return Stamp(info)
  }

  /// The stamp of the regular file `name` in an open directory, or nil.
  package static func stamp(in directory: Int32, _ name: String) -> Stamp? {
    var info = stat()
    guard fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
    return Stamp(info)
  }

  /// The stamp of the regular file at `path`, or nil.
  package static func stamp(_ path: String) -> Stamp? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Stamp(info)
  }

  private static func stamp(of descriptor: Int32) -> Stamp? {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { return nil }
    return Stamp(info)
  }

  /// Writes `bytes` to the file `name` of an open directory unless it already holds exactly
  /// them; returns whether it wrote, and the file's stamp afterwards. Opening relative to the
  /// directory spares the kernel a walk of the whole path for each of a compile's 30,000
  /// files. A new file is created in place. A changed one is rewritten in place too, as dbt
  /// does: replacing it through a temporary file and a rename allocates an inode and deletes
  /// one per file, which made rewriting 9,000 changed files slower than creating 30,000 (on
  /// ext4 without a journal, inodes deleted in the last minutes also slow every later
  /// creation). Only a file that is not a plain single-link file (a hard link, a symlink,
  /// unwritable) is replaced through a rename, so nothing outside `target/` is written.
  /// `path` names the file in errors; `differs` says the file is known to hold other bytes
  /// (it is then not read).
  package static func writeIfChanged(
    in directory: Int32, _ name: String, _ bytes: UnsafeRawBufferPointer, path: String,
    isNew: Bool = false, differs: Bool = false
  ) throws(Failure) -> (written: Bool, stamp: Stamp?) {
    // In a directory just created, every file is new: no lookup that can only fail first.
    if isNew {
      do throws(Failure) {
        return (true, try create(in: directory, name, bytes, path: path, exclusive: true))
      } catch  where error.code == EEXIST {}
    }
    let existing = openat(directory, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
    if existing < 0 {
      if errno == ENOENT { return (true, try create(in: directory, name, bytes, path: path)) }
      // A symlink, a read-only file or file system: compared through a read, as before.
      let readable = openat(directory, name, O_RDONLY | O_CLOEXEC)
      if readable >= 0 {
        defer { close(readable) }
        if holds(readable, bytes) { return (false, stamp(of: readable)) }
      }
      return (true, try replace(in: directory, name, bytes, path: path))
    }
    defer { close(existing) }
    if !differs, holds(existing, bytes) { return (false, stamp(of: existing)) }
    var info = stat()
    guard fstat(existing, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1
    else { return (true, try replace(in: directory, name, bytes, path: path)) }
    // Written over, then cut to length: the file is never empty in between.
    var written = 0
    while written < bytes.count, let start = bytes.baseAddress {
      let count = pwrite(existing, start + written, bytes.count - written, off_t(written))
      if count <= 0 { throw failure(path) }
      written += count
    }
    guard ftruncate(existing, off_t(bytes.count)) == 0 else { throw failure(path) }
    return (true, stamp(of: existing))
  }

  /// Whether an open file holds exactly `bytes`, read from its start.
  private static func holds(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    // One byte more than expected: a longer file fills it, a shorter one reads short, and a
    // regular file reads short only at its end (no `fstat`, no second `read`).
    withUnsafeTemporaryAllocation(byteCount: bytes.count + 1, alignment: 16) { buffer in
      guard let start = buffer.baseAddress else { return false }
      var total = 0
      while total < buffer.count {
        let requested = buffer.count - total
        let count = Glibc.read(descriptor, start + total, requested)
        if count <= 0 { break }
        total += count
        if count < requested { break }
      }
      guard total == bytes.count else { return false }
      guard let expected = bytes.baseAddress else { return true }
      return memcmp(start, expected, bytes.count) == 0
    }
  }

  /// Replaces the directory entry `name` with a new file through a temporary file and a
  /// rename: a symlink or hard link is replaced, not written through.
  private static func replace(
    in directory: Int32, _ name: String, _ bytes: UnsafeRawBufferPointer, path: String
  ) throws(Failure) -> Stamp? {
    let temporary = ".\(name).tmp\(getpid())"
    _ = try create(in: directory, temporary, bytes, path: path)
    guard renameat(directory, temporary, directory, name) == 0 else {
      let error = failure(path)
      unlinkat(directory, temporary, 0)
      throw error
    }
    // A rename changes the file's change time: stamped after it.
    return stamp(in: directory, name)
  }

  /// Creates (or truncates) and writes a file; returns its stamp once written.
  private static func create(
    in directory: Int32, _ name: String, _ bytes: UnsafeRawBufferPointer, path: String,
    exclusive: Bool = false
  ) throws(Failure) -> Stamp? {
    let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
    let descriptor = openat(directory, name, flags, 0o644)
    guard descriptor >= 0 else { throw failure(path) }
    var written = 0
    while written < bytes.count, let start = bytes.baseAddress {
      let count = Glibc.write(descriptor, start + written, bytes.count - written)
      if count <= 0 {
        let error = failure(path)
        close(descriptor)
        unlinkat(directory, name, 0)
        throw error
      }
      written += count
    }
    let result = stamp(of: descriptor)
    close(descriptor)
    return result
  }

  /// Writes `bytes` to `path`; `atomically` replaces it through a temporary file and rename,
  /// so a reader sees the old or the new content, never a mix.
  package static func write(_ path: String, _ bytes: [UInt8], atomically: Bool = true)
    throws(Failure)
  {
    try write(path, parts: [bytes[...]], atomically: atomically)
  }

  /// Writes the parts one after the other, as one file: large files assembled from pieces
  /// (the docs' data) need no copy into one buffer first.
  package static func write(_ path: String, parts: [ArraySlice<UInt8>], atomically: Bool = true)
    throws(Failure)
  {
    let temporary = atomically ? path + ".tmp\(getpid())" : path
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard descriptor >= 0 else { throw failure(path) }
    for bytes in parts {
      var written = 0
      while written < bytes.count {
        let count = bytes.withUnsafeBytes { buffer -> Int in
          guard let start = buffer.baseAddress else { return -1 }
          return Glibc.write(descriptor, start + written, buffer.count - written)
        }
        if count <= 0 {
          close(descriptor)
          unlink(temporary)
          throw failure(path)
        }
        written += count
      }
    }
    close(descriptor)
    guard atomically else { return }
    guard rename(temporary, path) == 0 else {
      unlink(temporary)
      throw failure(path)
    }
  }

  /// Creates a directory and its missing parents.
  /// Returns whether it created `path` itself (so it is empty).
  @discardableResult
  package static func createDirectory(_ path: String) throws(Failure) -> Bool {
    if isDirectory(path) { return false }
    let parent = parentDirectory(path)
    if !parent.isEmpty, parent != path { try createDirectory(parent) }
    if mkdir(path, 0o755) == 0 { return true }
    if errno != EEXIST { throw failure(path) }
    return false
  }

  /// The path without its last component ("" for a bare name).
  package static func parentDirectory(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// The current working directory.
  package static func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  private static func failure(_ path: String) -> Failure {
    let code = errno
    return Failure(path: path, reason: String(cString: strerror(code)), code: code)
  }
}
