import Compiler
import Diagnostics
import Execution
import Project

/// `target/node_timings.json`: read before a run for the status line's estimate, updated
/// after it with this run's times.
enum NodeTimingsFile {
  static func path(_ compilation: Compilation) -> String {
    compilation.project.projectFile.targetDirectory(root: compilation.project.root) + "/"
      + NodeTimings.fileName
  }

  /// The earlier timings; empty on a first run (or an unreadable file: only an estimate).
  static func read(_ compilation: Compilation) -> [String: Double] {
    guard let bytes = try? FileSystem.read(path(compilation)) else { return [:] }
    return NodeTimings.parse(bytes)
  }

  /// Merges this run's times in; a failure is reported, not thrown (the run is done).
  static func write(
    _ results: [NodeResult], earlier: [String: Double], compilation: Compilation, console: Console
  ) {
    guard !results.isEmpty else { return }
    let text = NodeTimings.serialize(NodeTimings.merged(earlier, with: results))
    do throws(FileSystem.Failure) {
      try FileSystem.write(path(compilation), Array(text.utf8))
    } catch {
      console.report([
        .warning("write.failed", "cannot write \(NodeTimings.fileName): \(error.reason)")
      ])
    }
  }
}
