import Adapter
import ArgumentParser
import Compiler
import Diagnostics
import Execution
import Postgres
import Project

/// `compile` of nodes that use the database (`run_query`, `execute`, `adapter` look-ups) and
/// of incremental models (whose `is_incremental()` asks whether the relation exists, as dbt's
/// `compile` does): they are rendered again on one connection, opened only when some selected
/// node needs it.
enum SecondRender {
  /// Renders the selected nodes that need the database again, in build order; errors are
  /// printed and fail the command. Incremental models alone do not need a reachable database:
  /// without one they keep their first-run SQL, with a note.
  static func apply(to compilation: inout Compilation, selected ordered: [Int], console: Console)
    async throws
  {
    let flagged = ordered.filter(compilation.needsDatabase.contains)
    // Fields read in place: a copy of each node cost more than the test itself.
    let incremental = ordered.filter { index in
      compilation.nodes[index].resourceType == .model
        && compilation.nodes[index].config.materialization == .incremental
    }
    guard !flagged.isEmpty || !incremental.isEmpty else { return }
    let connection: any DatabaseConnection
    if !flagged.isEmpty {
      let adapter = try await Wiring.adapter(for: compilation.project, console: console)
      connection = try Wiring.connect(adapter, console: console)
    } else if let reached = await optionalConnection(compilation, console: console) {
      connection = reached
    } else {
      return
    }
    defer { connection.close() }
    let engine = try Wiring.engine(for: compilation.project, console: console)
    var existing: Set<String>? = nil
    var rendered = Set(flagged)
    if !incremental.isEmpty {
      do {
        let relations = try engine.existingRelations(on: connection)
        existing = relations
        for index in incremental {
          if let relation = compilation.nodes[index].relation,
            relations.contains(relation.schema + "." + relation.identifier)
          {
            rendered.insert(index)
          }
        }
      } catch {
        console.info(firstRunNote("cannot list its relations: \(error.message)"))
      }
    }
    let pass = SecondPass(compilation, existingRelations: existing)
    let introspector = engine.introspector(on: connection)
    var failed = false
    for index in ordered where rendered.contains(index) {
      do {
        compilation.setSQL(try pass.render(index, on: introspector), of: index)
      } catch {
        console.report([error])
        failed = true
      }
    }
    if failed { throw ExitCode(1) }
  }

  /// A connection for incremental models' `is_incremental()`, or nil with a note. An
  /// embedded cluster never started holds no relation: nothing is started, nothing said.
  private static func optionalConnection(_ compilation: Compilation, console: Console) async
    -> (any DatabaseConnection)?
  {
    let project = compilation.project
    if project.target.isEmbedded, !LocalCluster.forProject(root: project.root).isInitialised {
      return nil
    }
    do {
      let adapter = try await Wiring.makeAdapter(for: project, notice: console.info)
      return try adapter.connect()
    } catch let error as Diagnostic {
      console.info(firstRunNote(error.message))
    } catch let error as DatabaseError {
      console.info(firstRunNote("cannot connect: \(error.message)"))
    } catch {
      console.info(firstRunNote("\(error)"))
    }
    return nil
  }

  private static func firstRunNote(_ reason: String) -> String {
    "note: cannot reach the target (\(reason)); incremental models are compiled as on their "
      + "first run (the full-refresh SQL)"
  }
}
