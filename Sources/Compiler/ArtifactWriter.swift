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
    let jobs: [(path: String, sql: String)] = indices.compactMap { index in
      let node = compilation.nodes[index]
      guard let sql = node.sql else { return nil }
      return (root + "/" + compilation.compiledPath(of: node), sql)
    }
    let directories = Set(jobs.map { FileSystem.parentDirectory($0.path) })
    for directory in directories.sorted() {
      do throws(FileSystem.Failure) {
        try FileSystem.createDirectory(directory)
      } catch {
        sink.emit(
          .error("write.failed", "cannot create directory: \(error.reason)", path: directory))
      }
    }
    // Creating files waits on the file system more than on a core: more threads than cores.
    let results: [Bool?] = jobs.blockingConcurrentMap(threads: 8) { job in
      do throws(FileSystem.Failure) {
        return try FileSystem.writeIfChanged(job.path, Array(job.sql.utf8))
      } catch {
        sink.emit(
          .error("write.failed", "cannot write compiled SQL: \(error.reason)", path: job.path))
        return nil
      }
    }
    let written = results.filter { $0 == true }.count
    let unchanged = results.filter { $0 == false }.count
    return Summary(written: written, unchanged: unchanged)
  }
}
