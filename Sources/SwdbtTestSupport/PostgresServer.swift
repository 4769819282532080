public import Adapter
import Foundation
public import Postgres

/// One real PostgreSQL cluster shared by every test of a checkout: created with initdb on first
/// use, started on a unix socket, reused by later test runs. It runs with fsync off, which is
/// fine for data nobody keeps.
public enum PostgresServer {
  /// The cluster, keyed by this checkout's path so two checkouts never share one.
  public static let cluster: LocalCluster = {
    let key = LocalCluster.hash(#filePath)
    return LocalCluster(
      dataDirectory: "/tmp/swdbt-tests-\(key)/pgdata", socketDirectory: "/tmp/swdbt-t-\(key)",
      serverSettings: ["fsync=off", "synchronous_commit=off", "full_page_writes=off"])
  }()

  private static let started = Task { () throws -> ConnectionInfo in
    try await cluster.start()
    return cluster.connectionInfo
  }

  /// Starts the cluster once per process and returns how to reach it.
  public static func start() async throws -> ConnectionInfo {
    try await started.value
  }

  /// A new connection to the cluster's `postgres` database.
  public static func connect() async throws -> any DatabaseConnection {
    let info = try await start()
    return try PostgresAdapter(info: info).connect()
  }
}

/// A project fixture whose target is a schema of its own on the test cluster; the schemas it
/// builds are dropped when the fixture is released.
public final class DatabaseFixture: @unchecked Sendable {
  /// The project on disk.
  public let project: ProjectFixture
  /// The target schema; custom schemas are `<schema>_<name>`.
  public let schema: String
  /// A connection for assertions.
  public let connection: any DatabaseConnection
  /// The server's socket directory.
  public let socketDirectory: String

  /// Writes a project whose `project.yml` is the target plus `projectYAML` (models:, seeds:
  /// config), and the given files.
  public init(
    _ name: String, projectYAML: String = "", files: [String: String],
    targetSettings: String = ""
  ) async throws {
    let info = try await PostgresServer.start()
    socketDirectory = info.value("host") ?? ""
    schema = "it_\(name.lowercased())_\(UUID().uuidString.prefix(6).lowercased())"
    var all = files
    all["project.yml"] =
      """
      name: it
      target: it
      targets:
        it:
          type: postgres
          host: \(socketDirectory)
          user: swdbt
          dbname: postgres
          schema: \(schema)
          threads: 4
      \(targetSettings.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))

      """ + projectYAML
    project = try ProjectFixture(all)
    connection = try await PostgresServer.connect()
  }

  /// Runs the built `swdbt` in the project.
  public func swdbt(_ arguments: [String], environment: [String: String] = [:]) throws
    -> ProcessResult
  {
    try Executable.run(arguments, in: project.root, environment: environment)
  }

  /// Rows of a query, as text.
  public func rows(_ sql: String) throws -> [[String?]] {
    try connection.execute(sql).rows
  }

  /// The first value of a query.
  public func scalar(_ sql: String) throws -> String? {
    try connection.execute(sql).scalar
  }

  /// A relation of this fixture's target: `"<schema>[_custom]"."name"`.
  public func relation(_ name: String, schema custom: String? = nil) -> String {
    let schemaName = custom.map { "\(schema)_\($0)" } ?? schema
    return "\"\(schemaName)\".\"\(name)\""
  }

  deinit {
    let result = try? connection.execute(
      "select nspname from pg_namespace where nspname like '\(schema)%'")
    for row in result?.rows ?? [] {
      if let name = row[0] { _ = try? connection.execute("drop schema \"\(name)\" cascade") }
    }
    connection.close()
  }
}
