import Compiler
import Diagnostics
import Project

/// `target/run/<project>/<path>.sql`: the statement that built each model, as dbt writes it
/// (the materialization's main statement, e.g. `create table ... as (...)` or a contract's DDL).
enum RunArtifact {
  /// The file's path relative to the project root.
  static func path(of node: CompiledNode, in compilation: Compilation) -> String {
    let project = compilation.project
    return "\(project.projectFile.targetPath)/run/\(project.name)/\(node.originalFilePath)"
  }

  /// Writes the statement; a failure is a warning (the model was built).
  static func write(_ statement: String, of node: CompiledNode, in compilation: Compilation)
    -> [Diagnostic]
  {
    let path = FileSystem.resolve(path(of: node, in: compilation), under: compilation.project.root)
    do throws(FileSystem.Failure) {
      try FileSystem.createDirectory(FileSystem.parentDirectory(path))
      // Not atomic: one file per model per run, and a torn artifact is rewritten next run.
      try FileSystem.write(path, Array((statement + ";\n").utf8), atomically: false)
      return []
    } catch {
      return [
        .warning("write.failed", "cannot write the executed SQL: \(error.reason)", path: path)
      ]
    }
  }
}

/// `target/compiled/...` for a node rendered again at run time, which replaces the file the
/// first render wrote.
enum CompiledArtifact {
  static func write(_ node: CompiledNode, in compilation: Compilation) -> [Diagnostic] {
    guard let sql = node.sql else { return [] }
    let path = FileSystem.resolve(
      compilation.compiledPath(of: node), under: compilation.project.root)
    do throws(FileSystem.Failure) {
      try FileSystem.createDirectory(FileSystem.parentDirectory(path))
      try FileSystem.write(path, Array(sql.utf8), atomically: false)
      return []
    } catch {
      return [
        .warning("write.failed", "cannot write the compiled SQL: \(error.reason)", path: path)
      ]
    }
  }
}
