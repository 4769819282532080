import Adapter
import ArgumentParser
import Diagnostics
import Foundation
import Postgres
import Project

/// `swdbt debug`: the resolved target (never its password), and whether it answers.
struct Debug: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show the project, the resolved target and test the connection.")

  @OptionGroup var project: ProjectOptions

  func run() async throws {
    let session = Session(options: project)
    let loaded = try session.load()
    let console = session.console
    let target = loaded.target
    console.out("project:    \(loaded.name) (\(loaded.projectFile.file.path))")
    console.out(
      "target:     \(target.name) (type \(target.type), schema \(target.schema), "
        + "threads \(target.threads))")
    if target.isEmbedded {
      let cluster = LocalCluster.forProject(root: loaded.root)
      console.out("cluster:    embedded, data in \(cluster.dataDirectory)")
      console.out("            socket in \(cluster.socketDirectory), log \(cluster.logFile)")
    }
    let adapter = try await Wiring.adapter(for: loaded, console: console)
    console.out("connection: \(adapter.redactedDescription)")
    do {
      let connection = try adapter.connect()
      defer { connection.close() }
      let user = try connection.execute("select current_user, current_database()")
      console.out("server:     PostgreSQL \(connection.serverVersion)")
      console.out(
        "session:    user \(user.rows.first?[0] ?? "?"), database \(user.rows.first?[1] ?? "?")")
      console.out("Connection test: OK")
    } catch {
      console.out("Connection test: FAILED (\(error.message))")
      throw ExitCode(1)
    }
  }
}

/// `swdbt local start|stop|status`: the project's embedded PostgreSQL cluster.
struct Local: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Manage the project's embedded PostgreSQL cluster.",
    subcommands: [Start.self, Stop.self, Status.self])

  struct Start: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create (first time) and start it.")
    @OptionGroup var project: ProjectOptions

    func run() async throws {
      let cluster = try Local.cluster(project)
      do {
        for message in try await cluster.start() {
          Console(options: project).info(message)
        }
      } catch {
        Console(options: project).report([
          .error(
            "local.start", "cannot start the local cluster: \(error.message)",
            hint: error.hint)
        ])
        throw ExitCode(1)
      }
      Console(options: project).out(
        "running: data in \(cluster.dataDirectory), socket in \(cluster.socketDirectory)")
    }
  }

  struct Stop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop it (data is kept).")
    @OptionGroup var project: ProjectOptions

    func run() async throws {
      let cluster = try Local.cluster(project)
      do {
        try await cluster.stop()
      } catch {
        Console(options: project).report([
          .error("local.stop", "cannot stop the local cluster: \(error.message)", hint: error.hint)
        ])
        throw ExitCode(1)
      }
      Console(options: project).out("stopped")
    }
  }

  struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Say whether it runs (exit code 3 when not, like pg_ctl).")
    @OptionGroup var project: ProjectOptions

    func run() async throws {
      let cluster = try Local.cluster(project)
      let running = (try? await cluster.status()) ?? false
      Console(options: project).out(
        running
          ? "running: data in \(cluster.dataDirectory), socket in \(cluster.socketDirectory)"
          : cluster.isInitialised
            ? "stopped: data in \(cluster.dataDirectory)" : "not created yet")
      if !running { throw ExitCode(3) }
    }
  }

  static func cluster(_ options: ProjectOptions) throws -> LocalCluster {
    LocalCluster.forProject(root: Session(options: options).root)
  }
}
