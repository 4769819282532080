public import Diagnostics
import Project

/// Writes compiled SQL under `target/compiled/<project>/`, touching only files whose content
/// changed, so editors and incremental tools see real changes only.
public enum ArtifactWriter {
  /// Counts of what a write did.
  public struct Summary: Sendable {
    /// Files written because they were new or changed.
    public var written: Int
    /// Files left alone because they already held the same SQL.
    public var unchanged: Int
  }

  /// Writes the compiled SQL of the given nodes; a file that cannot be written is an error.
  /// `prefetched`, started before compiling, has stamped most files already.
  public static func writeCompiledSQL(
    _ compilation: Compilation, nodes indices: [Int], prefetched: CompiledStampPrefetch? = nil,
    sink: any DiagnosticSink
  ) -> Summary {
    let root = compilation.project.root
    struct Job {
      let name: String
      /// The path relative to the root, the index's key.
      let relativePath: String
      let sql: String
    }
    // Grouped by directory: each thread works in its own directories, so creations do not
    // queue on one directory's lock. Nodes of one directory mostly come one after the other.
    // Paths are made in parallel (300,000 of them at 100,000 models), then grouped.
    let prefix = compilation.compiledPathPrefix
    let located: [(directory: Substring, job: Job)?] = indices.concurrentMap { index in
      guard let sql = compilation.nodes[index].sql else { return nil }
      let location = compilation.compiledLocation(of: index, prefix: prefix)
      return (location.folder, Job(name: location.name, relativePath: location.path, sql: sql))
    }
    var directories: [Substring] = []
    var directoryNumbers: [Substring: Int] = [:]
    var jobs: [[Job]] = []
    var lastNumber = -1
    for item in located {
      guard let (directory, job) = item else { continue }
      let number: Int
      if lastNumber >= 0, directory == directories[lastNumber] {
        number = lastNumber
      } else if let known = directoryNumbers[directory] {
        number = known
      } else {
        number = directories.count
        directoryNumbers[directory] = number
        directories.append(directory)
        jobs.append([])
      }
      lastNumber = number
      jobs[number].append(job)
    }
    let opened: [(descriptor: Int32, isNew: Bool)] = directories.map { relative in
      let directory = FileSystem.resolve(prefix + relative, under: root)
      do throws(FileSystem.Failure) {
        let isNew = try FileSystem.createDirectory(directory)
        return (try FileSystem.openDirectory(directory), isNew)
      } catch {
        sink.emit(
          .error("write.failed", "cannot create directory: \(error.reason)", path: directory))
        return (-1, false)
      }
    }
    defer {
      for directory in opened where directory.descriptor >= 0 {
        FileSystem.closeDirectory(directory.descriptor)
      }
    }
    // Which files are known unchanged without reading them back (see `CompiledFileIndex`).
    let indexPath =
      compilation.project.projectFile.targetDirectory(root: root) + "/.swdbt-compiled-index"
    let writeOrder = jobs.flatMap { $0.map(\.relativePath) }
    let found = prefetched.flatMap { prefetch in
      let found = prefetch.finish()
      return prefetch.indexPath == indexPath ? found : nil
    }
    var loadedIndex = found?.index ?? CompiledFileIndex.load(indexPath)
    loadedIndex.align(with: writeOrder)
    let index = loadedIndex
    // Stamps read ahead are used in folders still the ones that were watched.
    let prefetchedFolders: [Bool] = directories.indices.map { number in
      guard let found, found.stamped > 0, opened[number].descriptor >= 0, !opened[number].isNew,
        let inode = found.folders[prefix + directories[number]]
      else { return false }
      return FileSystem.inode(of: opened[number].descriptor) == inode
    }
    let prefetchedStamps = found?.stamps ?? []
    let stamped = found?.stamped ?? 0
    let changed = found?.changed ?? []
    var starts: [Int] = []
    var position = 0
    for directoryJobs in jobs {
      starts.append(position)
      position += directoryJobs.count
    }
    let firstPositions = starts
    // Creating files waits on the file system more than on a core: more threads than cores.
    typealias Outcome = (written: Bool, entry: CompiledFileIndex.Entry?, trusted: Bool)
    let work = jobs
    let results: [Outcome?] = Array(jobs.indices).blockingConcurrentMap(threads: 8) { number in
      let (descriptor, isNew) = opened[number]
      return work[number].indices.map { jobIndex -> Outcome? in
        let job = work[number][jobIndex]
        guard descriptor >= 0 else { return nil }
        var sql = job.sql
        let outcome = sql.withUTF8 { utf8 -> Result<Outcome, FileSystem.Failure> in
          let bytes = UnsafeRawBufferPointer(utf8)
          let hash = StableHash.fnv1a(bytes)
          // Written by swdbt and untouched since: one stat (most read ahead by
          // `CompiledStampPrefetch`), no read. With this SQL, it stays; with other SQL, it is
          // rewritten without reading it back (from disk, once the page cache has dropped it).
          var differs = false
          if !isNew,
            let (record, entry) = index.trusted(
              at: firstPositions[number] + jobIndex, path: job.relativePath)
          {
            let current =
              prefetchedFolders[number] && record < stamped
                && (changed.isEmpty || !changed.contains(job.relativePath))
              ? prefetchedStamps[record] : FileSystem.stamp(in: descriptor, job.name)
            if current == entry.stamp {
              if entry.hash == hash, entry.stamp.size == bytes.count {
                return .success((false, entry, true))
              }
              differs = true
            }
          }
          return Result { () throws(FileSystem.Failure) in
            let (written, stamp) = try FileSystem.writeIfChanged(
              in: descriptor, job.name, bytes,
              path: FileSystem.resolve(job.relativePath, under: root), isNew: isNew,
              differs: differs)
            return (written, stamp.map { .init(hash: hash, stamp: $0) }, false)
          }
        }
        switch outcome {
        case .success(let result): return result
        case .failure(let error):
          sink.emit(
            .error(
              "write.failed", "cannot write compiled SQL: \(error.reason)",
              path: FileSystem.resolve(job.relativePath, under: root)))
          return nil
        }
      }
    }.flatMap { $0 }
    // A full compile records every file; a selective one leaves the index as it was (its
    // entries of rewritten files no longer match their stamps, so they are read back).
    let everyNode = indices.count == compilation.nodes.count
    if everyNode, results.contains(where: { $0?.trusted != true }) {
      CompiledFileIndex.save(indexPath, paths: writeOrder, entries: results.map { $0?.entry })
    }
    let written = results.filter { $0?.written == true }.count
    let unchanged = results.filter { $0?.written == false }.count
    return Summary(written: written, unchanged: unchanged)
  }
}
