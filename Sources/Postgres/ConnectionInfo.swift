public import Adapter

/// How to reach a PostgreSQL server. Its description never shows the password.
public struct ConnectionInfo: Sendable, CustomStringConvertible {
  /// libpq keywords and values, in order (`host`, `port`, `user`, `dbname`, ...).
  public private(set) var parameters: [(String, String)]

  /// Target settings swdbt passes through to libpq under these names.
  static let settingNames: [String: String] = [
    "host": "host", "port": "port", "user": "user", "username": "user", "dbname": "dbname",
    "database": "dbname", "password": "password", "pass": "password", "sslmode": "sslmode",
    "connect_timeout": "connect_timeout", "sslrootcert": "sslrootcert", "sslcert": "sslcert",
    "sslkey": "sslkey", "options": "options", "keepalives_idle": "keepalives_idle",
  ]

  /// Builds connection parameters from resolved target settings; `url` becomes libpq's
  /// expanded `dbname`. Unset keys fall back to libpq's `PG*` environment variables.
  public init(settings: [String: String]) {
    var parameters: [(String, String)] = [("application_name", "swdbt")]
    if let url = settings["url"], !url.isEmpty { parameters.append(("dbname", url)) }
    for key in settings.keys.sorted() {
      guard let keyword = ConnectionInfo.settingNames[key], let value = settings[key],
        !value.isEmpty
      else { continue }
      if keyword == "dbname", settings["url"] != nil { continue }
      parameters.removeAll { $0.0 == keyword }
      parameters.append((keyword, value))
    }
    // Set at connect time through the startup options, so it costs no statement per session.
    if let lockTimeout = settings["lock_timeout"], !lockTimeout.isEmpty {
      let option = "-c lock_timeout=" + lockTimeout.filter { $0 != " " }
      let existing = parameters.last { $0.0 == "options" }?.1
      parameters.removeAll { $0.0 == "options" }
      parameters.append(("options", existing.map { $0 + " " + option } ?? option))
    }
    self.parameters = parameters
  }

  /// The value of a libpq keyword, if set.
  public func value(_ keyword: String) -> String? {
    parameters.last { $0.0 == keyword }?.1
  }

  /// `text` with every password these parameters hold, and every password form, masked.
  public func redact(_ text: String) -> String {
    ConnectionSecrets.redact(text, secrets: ConnectionSecrets.secrets(in: parameters))
  }

  /// `key=value` pairs with every password masked (the `password` keyword is left out).
  public var description: String {
    redact(
      parameters.filter { $0.0 != "password" && $0.0 != "application_name" }.map { key, value in
        "\(key)=\(value)"
      }.joined(separator: " "))
  }
}

/// Opens libpq connections to one server.
public struct PostgresAdapter: DatabaseAdapter {
  /// Where the server is.
  public let info: ConnectionInfo

  /// Creates an adapter for a server.
  public init(info: ConnectionInfo) { self.info = info }

  /// The connection settings without the password.
  public var redactedDescription: String { info.description }

  /// Opens a new connection.
  public func connect() throws(DatabaseError) -> any DatabaseConnection {
    try PGConnection(parameters: info.parameters)
  }
}
