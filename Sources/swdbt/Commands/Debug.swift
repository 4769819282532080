import Adapter
import ArgumentParser
import Diagnostics
import Foundation
import Postgres
import Project

/// `swdbt debug`: the resolved target (never its password), and whether it answers.
struct Debug: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "debug",
    abstract: "Show the project, the resolved target and test the connection.")

  @OptionGroup var project: ProjectOptions

  @Flag(name: .long, help: "Only test the connection (skip the project and file checks).")
  var connection = false

  @Option(name: .long, help: "The profiles.yml profile to use instead of the project's.")
  var profile: String?

  func run() async throws {
    let session = Session(options: project)
    let console = session.console
    if connection {
      try await testConnectionOnly(session)
      return
    }
    let loaded = try session.load()
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
      let spark = target.type == "spark"
      let user = try connection.execute(
        spark
          ? "select current_user(), current_catalog(), current_database()"
          : "select current_user, current_database()")
      let row = user.rows.first ?? []
      func column(_ index: Int) -> String { index < row.count ? row[index] ?? "?" : "?" }
      console.out("server:     \(spark ? "Spark" : "PostgreSQL") \(connection.serverVersion)")
      console.out(
        spark
          ? "session:    user \(column(0)), catalog \(column(1)), schema \(column(2))"
          : "session:    user \(column(0)), database \(column(1))")
      console.out("Connection test: OK")
    } catch {
      console.out("Connection test: FAILED (\(error.message))")
      throw ExitCode(1)
    }
  }
}

extension Debug {
  /// `debug --connection`, as dbt's: the target's connection is all that is checked; a
  /// target or profile that cannot be resolved is the one failed check, in dbt's words.
  func testConnectionOnly(_ session: Session) async throws {
    let console = session.console
    console.out("Skipping steps before connection verification")
    let sink = CollectingSink()
    let loaded: LoadedProject
    var options = LoadOptions(
      targetName: project.target, vars: project.vars, profilesDirectory: project.profilesDir,
      environment: ProcessInfo.processInfo.environment)
    options.profileName = profile
    do {
      loaded = try ProjectLoader.load(root: session.root, options: options, sink: sink)
    } catch var error {
      // The profile is checked first, as dbt reads it before the project.
      if let profile {
        do throws(Diagnostic) {
          try ProjectLoader.checkProfile(profile, root: session.root, options: options)
        } catch let profileError {
          error = profileError
        }
      }
      let profileName =
        profile ?? (try? ProjectLoader.readProjectFile(root: session.root, sink: sink))?.profile
      console.out("\n1 check failed:\n" + Self.dbtWording(error, profile: profileName, project))
      console.report([error])
      throw ExitCode(1)
    }
    let adapter = try await Wiring.adapter(for: loaded, console: console)
    console.out("Connection:\n  \(adapter.redactedDescription)")
    do {
      let connection = try adapter.connect()
      defer { connection.close() }
      _ = try connection.execute("select 1")
      console.out("  Connection test: [OK connection ok]\n\nAll checks passed!")
    } catch {
      console.out(
        "  Connection test: [ERROR]\n\n1 check failed:\nCould not connect: \(error.message)")
      throw ExitCode(1)
    }
  }

  /// What dbt prints for a profile or target that cannot be resolved (tools match it).
  static func dbtWording(_ error: Diagnostic, profile: String?, _ options: ProjectOptions)
    -> String
  {
    switch error.code {
    case "project.unknown-target":
      return "The profile '\(profile ?? "")' does not have a target named "
        + "'\(options.target ?? "")'.\n" + error.message
    case "project.unknown-profile":
      return "Profile loading failed for the following reason:\n"
        + "Could not find profile named '\(profile ?? "")'"
    case "project.profiles-missing":
      let directory = options.profilesDir ?? ""
      return "Using profiles dir at \(directory)\n"
        + "dbt looked for a profiles.yml file in \(directory)/profiles.yml, but did not find one"
    default:
      return error.message
    }
  }
}

/// `swdbt local start|stop|status`: the project's embedded PostgreSQL cluster.
struct Local: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "local",
    abstract: "Manage the project's embedded PostgreSQL cluster.",
    subcommands: [Start.self, Stop.self, Status.self])

  struct Start: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "start",
      abstract: "Create (first time) and start it.")
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
    static let configuration = CommandConfiguration(
      commandName: "stop",
      abstract: "Stop it (data is kept).")
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
      commandName: "status",
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
