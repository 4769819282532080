#if Spark
  import Foundation
  import SparkConnect
  import Testing

  #if canImport(Glibc)
    import Glibc
  #endif

  /// The Spark Connect server the integration tests use: `SWDBT_SPARK_URL` (`sc://host:port`),
  /// else the one scripts/spark-local.sh starts on localhost:15002.
  enum SparkTestServer {
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
        else {
          return false
        }
        defer { freeaddrinfo(list) }
        let socket = Glibc.socket(first.pointee.ai_family, first.pointee.ai_socktype, 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        return connect(socket, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0
      #else
        return true  // elsewhere the tests try and report the connection error
      #endif
    }()

    static let skipReason: Comment =
      "no Spark Connect server at \(target.host):\(target.port); start one with scripts/spark-local.sh start (or set SWDBT_SPARK_URL)"

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
  }

  /// Runs `body` on a thread of its own, as swdbt's scheduler runs a connection: the blocking
  /// client must not hold one of the cooperative pool's few threads.
  func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      let thread = Thread {
        continuation.resume(with: Result { try body() })
      }
      thread.start()
    }
  }
#endif
