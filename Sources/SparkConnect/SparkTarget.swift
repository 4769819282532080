#if Spark
  public import Adapter
  import Foundation

  /// Where a Spark Connect server is and how to talk to it (dbt-spark's `method: connect`
  /// target fields).
  public struct SparkTarget: Sendable, Equatable {
    /// The server's host name or address.
    public var host: String
    /// Spark Connect's port (15002 unless the server says otherwise).
    public var port: Int
    /// A bearer token for managed services, sent as `authorization: Bearer ...`.
    public var token: String?
    /// TLS instead of plaintext HTTP/2.
    public var useSSL: Bool
    /// The schema (database) statements run in; nil keeps the server's default.
    public var schema: String?
    /// The catalog statements run in; nil keeps the server's default.
    public var catalog: String?
    /// Spark Connect's user id (`user_context.user_id`).
    public var user: String

    /// Creates a target.
    public init(
      host: String = "localhost", port: Int = 15002, token: String? = nil, useSSL: Bool = false,
      schema: String? = nil, catalog: String? = nil, user: String = "swdbt"
    ) {
      self.host = host
      self.port = port
      self.token = token
      self.useSSL = useSSL
      self.schema = schema
      self.catalog = catalog
      self.user = user
    }

    /// A target from a Spark Connect URL, `sc://host:port/;token=...;use_ssl=true;user_id=...`
    /// as Spark's clients write it; nil when it is not one.
    public init?(url: String) {
      guard url.hasPrefix("sc://") else { return nil }
      let rest = url.dropFirst(5)
      let parts = rest.split(separator: ";", omittingEmptySubsequences: false)
      let authority = parts.first.map { $0.hasSuffix("/") ? $0.dropLast() : $0 } ?? ""
      var host = String(authority)
      var port = 15002
      if let colon = authority.lastIndex(of: ":") {
        guard let number = Int(authority[authority.index(after: colon)...]) else { return nil }
        host = String(authority[..<colon])
        port = number
      }
      guard !host.isEmpty else { return nil }
      self.init(host: host, port: port)
      for part in parts.dropFirst() where !part.isEmpty {
        let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
        guard pair.count == 2 else { return nil }
        switch pair[0] {
        case "token": token = pair[1]
        case "use_ssl": useSSL = pair[1].lowercased() == "true"
        case "user_id": user = pair[1]
        default: break  // other parameters (session_id, user_agent) do not change the target
        }
      }
    }
  }

  /// Opens Spark Connect sessions on one target.
  public struct SparkAdapter: DatabaseAdapter {
    /// The target.
    public var target: SparkTarget

    /// An adapter for `target`.
    public init(target: SparkTarget) {
      self.target = target
    }

    /// The target without its token.
    public var redactedDescription: String {
      var text = "spark \(target.useSSL ? "sc+tls" : "sc")://\(target.host):\(target.port)"
      if let catalog = target.catalog { text += " catalog=\(catalog)" }
      if let schema = target.schema { text += " schema=\(schema)" }
      if target.token != nil { text += " token=<redacted>" }
      return text
    }

    /// A new session (its own HTTP/2 connection), in the target's catalog and schema.
    public func connect() throws(DatabaseError) -> any DatabaseConnection {
      try SparkConnection(target: target)
    }
  }
#endif
