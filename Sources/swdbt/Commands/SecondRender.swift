import Adapter
import ArgumentParser
import Compiler
import Execution

/// `compile` of nodes that use the database (`run_query`, `execute`, `adapter` look-ups):
/// they are rendered again on one connection, opened only when some selected node needs it.
enum SecondRender {
  /// Renders the selected nodes that need the database again, in build order; errors are
  /// printed and fail the command.
  static func apply(to compilation: inout Compilation, selected ordered: [Int], console: Console)
    async throws
  {
    let flagged = ordered.filter(compilation.needsDatabase.contains)
    guard !flagged.isEmpty else { return }
    let adapter = try await Wiring.adapter(for: compilation.project, console: console)
    let connection = try Wiring.connect(adapter, console: console)
    defer { connection.close() }
    let pass = SecondPass(compilation)
    let engine = try Wiring.engine(for: compilation.project, console: console)
    let introspector = engine.introspector(on: connection)
    var failed = false
    for index in flagged {
      do {
        compilation.setSQL(try pass.render(index, on: introspector), of: index)
      } catch {
        console.report([error])
        failed = true
      }
    }
    if failed { throw ExitCode(1) }
  }
}
