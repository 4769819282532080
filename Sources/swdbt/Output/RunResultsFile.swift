import Compiler
import Diagnostics
import Execution
import Foundation
import Project

/// Writes `target/run_results.json`, which dbt writes after every command that runs or
/// compiles nodes, even when there were none.
enum RunResultsFile {
  /// Writes the artifact; a failure is reported, not thrown (the command's work is done).
  static func write(
    _ results: [NodeResult], compilation: Compilation, elapsed: Duration, command: String,
    invocationID: String, generatedAt: Date, console: Console, args: [String: Any] = [:]
  ) {
    let artifact = RunResults.json(
      results, compilation: compilation,
      elapsed: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
      command: command, invocationID: invocationID, generatedAt: generatedAt, args: args)
    let path =
      compilation.project.projectFile.targetDirectory(root: compilation.project.root)
      + "/run_results.json"
    do throws(FileSystem.Failure) {
      try FileSystem.createDirectory(FileSystem.parentDirectory(path))
      try FileSystem.write(path, artifact)
    } catch {
      console.report([.error("write.failed", "cannot write run_results.json: \(error.reason)")])
    }
  }
}
