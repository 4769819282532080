import Diagnostics
import Project

/// The compiled files swdbt wrote, with the hash of their SQL and the stamp each file had
/// right after. A file whose stamp is unchanged still holds that SQL, so an unchanged file is
/// known by one `stat` instead of being read back (three system calls, or a disk read once
/// the page cache has dropped it). Kept in `target/.swdbt-compiled-index`, in the order the
/// files are written, so each file finds its entry by position and one comparison of paths.
struct CompiledFileIndex: Sendable {
  struct Entry: Sendable, Equatable {
    /// FNV-1a of the SQL (the size is in the stamp).
    var hash: UInt64
    var stamp: FileSystem.Stamp
  }

  /// The file's bytes; paths are read from here, never copied into strings.
  private var bytes: [UInt8] = []
  /// Per entry: where its path starts and ends in `bytes`, and the entry.
  private var records: [(pathStart: Int, pathEnd: Int, entry: Entry)] = []
  /// Positions by path, only when paths do not line up with the files to write.
  private var positions: [String: Int]?
  /// The index file's own change time: entries stamped less than `racyWindow` before it are
  /// not trusted, since a change within the same clock tick may leave a stamp as it was (the
  /// problem git calls "racily clean"). File times tick with the kernel's clock, at most every
  /// 10 ms: the window is two ticks.
  private var savedSeconds = 0
  private var savedNanoseconds = 0
  static let racyWindowNanoseconds = 20_000_000
  static let magic = Array("swdbt compiled index 2\n".utf8)
  static let recordSize = 44

  /// Reads the index; a missing, foreign or damaged one is empty.
  static func load(_ path: String) -> CompiledFileIndex {
    guard let bytes = try? FileSystem.read(path), let stamp = FileSystem.stamp(path),
      bytes.starts(with: magic)
    else { return CompiledFileIndex() }
    var index = CompiledFileIndex()
    index.savedSeconds = stamp.changeSeconds
    index.savedNanoseconds = stamp.changeNanoseconds
    var records: [(pathStart: Int, pathEnd: Int, entry: Entry)] = []
    // Files are written in order, each path about 60 bytes.
    records.reserveCapacity(bytes.count / (recordSize + 40))
    let complete = bytes.withUnsafeBytes { raw -> Bool in
      var offset = magic.count
      func integer(_ at: Int) -> UInt64 {
        UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))
      }
      while offset < raw.count {
        guard offset + recordSize <= raw.count else { return false }
        let length = Int(
          UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 40, as: UInt32.self)))
        let pathStart = offset + recordSize
        guard pathStart + length <= raw.count else { return false }
        let entry = Entry(
          hash: integer(offset),
          stamp: FileSystem.Stamp(
            size: Int(truncatingIfNeeded: integer(offset + 8)), inode: integer(offset + 16),
            changeSeconds: Int(truncatingIfNeeded: integer(offset + 24)),
            changeNanoseconds: Int(truncatingIfNeeded: integer(offset + 32))))
        records.append((pathStart, pathStart + length, entry))
        offset = pathStart + length
      }
      return true
    }
    guard complete else { return CompiledFileIndex() }
    index.bytes = bytes
    index.records = records
    return index
  }

  /// Prepares lookups for files to be written in this order: if their paths are not where
  /// the index has them, positions are looked up by path instead.
  mutating func align(with paths: [String]) {
    let frozen = self
    // Checked in parallel chunks: 300,000 paths at 100,000 models.
    let chunk = 4096
    let aligned =
      paths.count == records.count
      && Array(stride(from: 0, to: paths.count, by: chunk)).concurrentMap { start in
        (start..<min(start + chunk, paths.count)).allSatisfy {
          frozen.path(at: $0, is: paths[$0])
        }
      }.allSatisfy { $0 }
    guard !aligned else { return }
    var positions: [String: Int] = [:]
    positions.reserveCapacity(records.count)
    for position in records.indices {
      let record = records[position]
      positions[String(decoding: bytes[record.pathStart..<record.pathEnd], as: UTF8.self)] =
        position
    }
    self.positions = positions
  }

  private func path(at position: Int, is path: String) -> Bool {
    guard position < records.count else { return false }
    let record = records[position]
    var path = path
    // A plain loop over the buffers: `elementsEqual` went through generic iterators, about
    // 2,000 instructions for each file's path.
    return path.withUTF8 { utf8 in
      guard utf8.count == record.pathEnd - record.pathStart else { return false }
      return bytes.withUnsafeBufferPointer { stored in
        var offset = 0
        while offset < utf8.count {
          if stored[record.pathStart &+ offset] != utf8[offset] { return false }
          offset &+= 1
        }
        return true
      }
    }
  }

  /// The trusted entry of the file at `position` (in write order) with `path`, if any, and
  /// where the index has it.
  func trusted(at position: Int, path: String) -> (record: Int, entry: Entry)? {
    let found: Int?
    if let positions { found = positions[path] } else { found = position }
    guard let found, found < records.count else { return nil }
    let entry = records[found].entry
    let age =
      (savedSeconds - entry.stamp.changeSeconds) * 1_000_000_000 + savedNanoseconds
      - entry.stamp.changeNanoseconds
    return age > CompiledFileIndex.racyWindowNanoseconds ? (found, entry) : nil
  }

  /// The number of files the index lists.
  var count: Int { records.count }

  /// The path of the file at `record`, relative to the project root, as UTF-8 bytes.
  func withPath<Result>(
    at record: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result
  ) -> Result {
    bytes.withUnsafeBufferPointer { buffer in
      body(
        UnsafeBufferPointer(rebasing: buffer[records[record].pathStart..<records[record].pathEnd]))
    }
  }

  /// Writes an index of these files, in write order (atomically; failing to is harmless:
  /// the next compile reads the files back).
  static func save(_ path: String, paths: [String], entries: [Entry?]) {
    var output = magic
    output.reserveCapacity(magic.count + paths.count * (recordSize + 80))
    for (file, entry) in zip(paths, entries) {
      guard let entry else { continue }
      for value in [
        entry.hash, UInt64(entry.stamp.size), entry.stamp.inode,
        UInt64(truncatingIfNeeded: entry.stamp.changeSeconds),
        UInt64(truncatingIfNeeded: entry.stamp.changeNanoseconds),
      ] {
        withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) }
      }
      withUnsafeBytes(of: UInt32(file.utf8.count).littleEndian) { output.append(contentsOf: $0) }
      output.append(contentsOf: file.utf8)
    }
    try? FileSystem.write(path, output)
  }
}
