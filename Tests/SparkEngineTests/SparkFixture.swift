#if Spark
  import Adapter
  import Foundation
  import SparkConnect
  import SwdbtTestSupport
  import Testing

  #if canImport(Glibc)
    import Glibc
  #endif

  /// The Spark Connect server the engine's integration tests build on: `SWDBT_SPARK_URL`
  /// (`sc://host:port`), else scripts/spark-local.sh's on localhost:15002.
  enum SparkServer {
    static let target: SparkTarget = {
      if let url = ProcessInfo.processInfo.environment["SWDBT_SPARK_URL"],
        let target = SparkTarget(url: url)
      {
        return target
      }
      return SparkTarget(host: "127.0.0.1", port: 15002)
    }()

    /// Whether something accepts connections at the target's port.
    static let isReachable: Bool = {
      #if canImport(Glibc)
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(target.host, String(target.port), &hints, &list) == 0, let first = list
        else { return false }
        defer { freeaddrinfo(list) }
        let socket = Glibc.socket(first.pointee.ai_family, first.pointee.ai_socktype, 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        return connect(socket, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0
      #else
        return true
      #endif
    }()

    static let skipReason: Comment =
      "no Spark Connect server at \(target.host):\(target.port); start one with scripts/spark-local.sh start (or set SWDBT_SPARK_URL)"

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
  }

  /// A project whose `spark` target builds into a schema of its own on the test server, with
  /// a session to read what it built; the schema is dropped when the fixture goes.
  final class SparkProject: @unchecked Sendable {
    let files: ProjectFixture
    let schema: String
    let connection: any DatabaseConnection

    init(_ name: String, files: [String: String], extraTarget: String = "") throws {
      schema = "swdbt_\(name)_" + UUID().uuidString.prefix(6).lowercased()
      var all = files
      all["project.yml"] = """
        name: \(name)
        target: spark
        targets:
          spark:
            type: spark
            method: connect
            host: \(SparkServer.target.host)
            port: \(SparkServer.target.port)
            schema: \(schema)
            threads: 4
        \(extraTarget)
        """
      self.files = try ProjectFixture(all)
      connection = try SparkConnection(target: SparkServer.target)
    }

    deinit {
      _ = try? connection.execute("drop schema if exists `\(schema)` cascade")
      connection.close()
    }

    /// Runs swdbt (the trait build next to the tests) in the project.
    func swdbt(_ arguments: [String]) throws -> ProcessResult {
      try Executable.run(arguments, in: files.root)
    }

    /// The rows of a query, sorted as text, `schema` standing for the project's schema.
    func rows(_ sql: String) throws -> [[String?]] {
      let text = sql.replacingOccurrences(of: "{schema}", with: "`\(schema)`")
      return try connection.execute(text).rows
    }
  }
#endif

#if Spark
  /// Runs `body` on a thread of its own: the blocking Spark client must not hold one of the
  /// cooperative pool's few threads.
  func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      let thread = Thread { continuation.resume(with: Result { try body() }) }
      thread.start()
    }
  }
#endif
