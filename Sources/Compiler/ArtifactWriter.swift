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
  public static func writeCompiledSQL(
    _ compilation: Compilation, nodes indices: [Int], sink: any DiagnosticSink
  ) -> Summary {
    let root = compilation.project.root
    struct Job {
      let name: String
      let sql: String
    }
    // Grouped by directory: each thread works in its own directories, so creations do not
    // queue on one directory's lock.
    var directories: [String] = []
    var directoryNumbers: [String: Int] = [:]
    var jobs: [[Job]] = []
    for index in indices {
      guard let sql = compilation.nodes[index].sql else { continue }
      let path = root + "/" + compilation.compiledPath(of: index)
      guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { continue }
      let directory = String(path[..<slash])
      let number: Int
      if let known = directoryNumbers[directory] {
        number = known
      } else {
        number = directories.count
        directoryNumbers[directory] = number
        directories.append(directory)
        jobs.append([])
      }
      jobs[number].append(Job(name: String(path[path.index(after: slash)...]), sql: sql))
    }
    let opened: [(descriptor: Int32, isNew: Bool)] = directories.map { directory in
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
    // Creating files waits on the file system more than on a core: more threads than cores.
    let paths = directories
    let work = jobs
    let results: [Bool?] = Array(jobs.indices).blockingConcurrentMap(threads: 8) { number in
      let (descriptor, isNew) = opened[number]
      return work[number].map { job -> Bool? in
        let path = paths[number] + "/" + job.name
        guard descriptor >= 0 else { return nil }
        var sql = job.sql
        let outcome = sql.withUTF8 { bytes in
          Result { () throws(FileSystem.Failure) in
            try FileSystem.writeIfChanged(
              in: descriptor, job.name, UnsafeRawBufferPointer(bytes), path: path, isNew: isNew)
          }
        }
        switch outcome {
        case .success(let written): return written
        case .failure(let error):
          sink.emit(
            .error("write.failed", "cannot write compiled SQL: \(error.reason)", path: path))
          return nil
        }
      }
    }.flatMap { $0 }
    let written = results.filter { $0 == true }.count
    let unchanged = results.filter { $0 == false }.count
    return Summary(written: written, unchanged: unchanged)
  }
}
