import Adapter
import ArgumentParser
import Diagnostics
import Execution
import Foundation
import Postgres
import PostgresEngine
import Project
import SparkConnect
import SparkEngine

/// Turns the chosen target into an adapter, starting the embedded cluster when the target
/// is swdbt's own `local` one.
enum Wiring {
  /// The adapter for a loaded project's target; prints and exits on problems.
  static func adapter(for project: LoadedProject, console: Console) async throws
    -> any DatabaseAdapter
  {
    // A refused password was left out: without this the user sees only libpq's
    // `fe_sendauth: no password supplied`.
    if !project.target.refusals.isEmpty {
      console.report(project.target.refusals)
      throw ExitCode(1)
    }
    do {
      return try await makeAdapter(for: project, notice: console.info)
    } catch {
      console.report([error])
      throw ExitCode(1)
    }
  }

  /// The adapter for a loaded project's target, or the problem that prevents one; `notice`
  /// hears what starting the embedded cluster had to clean up.
  static func makeAdapter(
    for project: LoadedProject, notice: (String) -> Void = { _ in }
  ) async throws(Diagnostic) -> any DatabaseAdapter {
    let target = project.target
    if let refusal = target.refusals.first { throw refusal }
    _ = try makeEngine(for: project)
    if target.type == "spark" {
      return try SparkWiring.adapter(for: target)
    }
    if target.isEmbedded {
      let cluster = LocalCluster.forProject(root: project.root)
      do {
        for message in try await cluster.start() { notice(message) }
      } catch {
        throw .error(
          "local.start", "cannot start the local PostgreSQL cluster: \(error.message)",
          hint: error.hint)
      }
      let resolved = try target.resolvedSettings(environment: ProcessInfo.processInfo.environment)
      let timeouts = resolved.filter { $0.key == "lock_timeout" || $0.key == "connect_timeout" }
      return PostgresAdapter(info: cluster.connectionInfo(adding: timeouts))
    }
    let settings = try target.resolvedSettings(environment: ProcessInfo.processInfo.environment)
    return PostgresAdapter(info: ConnectionInfo(settings: settings))
  }

  /// The engine target types swdbt runs on.
  static let engineTypes = ["postgres", "spark"]

  /// The engine for a loaded project's target `type`, or a located error listing the
  /// supported types.
  static func makeEngine(for project: LoadedProject) throws(Diagnostic) -> any Engine {
    let target = project.target
    switch target.type {
    case "postgres": return PostgresEngine()
    case "spark":
      try SparkWiring.check(target)
      return SparkEngine(lockDirectory: project.root + "/" + project.projectFile.targetPath)
    default:
      throw .error(
        "target.unsupported-type", "target `\(target.name)` has type `\(target.type)`",
        at: target.typeRange, path: target.typeRange == nil ? project.projectFile.file.path : nil,
        hint: "swdbt supports " + engineTypes.map { "`\($0)`" }.joined(separator: ", "))
    }
  }

  /// The engine for a loaded project's target; prints and exits on an unknown type.
  static func engine(for project: LoadedProject, console: Console) throws -> any Engine {
    do {
      return try makeEngine(for: project)
    } catch {
      console.report([error])
      throw ExitCode(1)
    }
  }

  /// Opens a connection or prints why not (never the password) and exits.
  static func connect(_ adapter: any DatabaseAdapter, console: Console) throws
    -> any DatabaseConnection
  {
    do {
      return try adapter.connect()
    } catch {
      console.report([
        .error(
          "target.connect", "cannot connect to \(adapter.redactedDescription): \(error.message)",
          hint: "check the target's settings, or run `swdbt debug`")
      ])
      throw ExitCode(1)
    }
  }
}
