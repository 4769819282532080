public import Adapter
internal import CLibPQ

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// A libpq connection. Owned by one thread at a time (the scheduler's worker); only its
/// canceller is used from other threads.
public final class PGConnection: DatabaseConnection, @unchecked Sendable {
  private var handle: OpaquePointer?

  /// Opens a connection with libpq keywords (`host`, `port`, `dbname`, ...); a `dbname` holding
  /// a `postgresql://` URL is expanded by libpq.
  public init(parameters: [(String, String)]) throws(DatabaseError) {
    let keys = parameters.map { strdup($0.0) } + [nil]
    let values = parameters.map { strdup($0.1) } + [nil]
    defer {
      for pointer in keys + values { free(pointer) }
    }
    let connection: OpaquePointer? = keys.withUnsafeBufferPointer { keyBuffer in
      values.withUnsafeBufferPointer { valueBuffer in
        keyBuffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { keyPointers in
          valueBuffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { valuePointers in
            PQconnectdbParams(keyPointers.baseAddress, valuePointers.baseAddress, 1)
          }
        }
      }
    }
    guard let connection, PQstatus(connection) == CONNECTION_OK else {
      let message = connection.map { String(cString: PQerrorMessage($0)) } ?? "out of memory"
      if let connection { PQfinish(connection) }
      // libpq echoes what it cannot parse (`invalid percent-encoded token: "<password>"`).
      let redacted = ConnectionSecrets.redact(
        PGConnection.trimmed(message), secrets: ConnectionSecrets.secrets(in: parameters))
      throw DatabaseError(.connection, redacted)
    }
    // Notices ("schema already exists, skipping") are not errors; keep them off stderr.
    PQsetNoticeProcessor(connection, { _, _ in }, nil)
    handle = connection
  }

  deinit { close() }

  /// Closes the connection.
  public func close() {
    if let handle { PQfinish(handle) }
    handle = nil
  }

  /// The server version (`15.18`).
  public var serverVersion: String {
    guard let handle else { return "unknown" }
    let number = Int(PQserverVersion(handle))
    return number >= 100_000 ? "\(number / 10_000).\(number % 10_000)" : "\(number)"
  }

  /// The server process serving this session (libpq knows it from the handshake).
  public var backendPID: Int32? { handle.map { PQbackendPID($0) } }

  /// Runs SQL (one or more statements) and returns the last result.
  public func execute(_ sql: String) throws(DatabaseError) -> QueryResult {
    try PGConnection.refuseNul(in: sql)
    let handle = try open()
    guard let result = PQexec(handle, sql) else {
      throw DatabaseError(
        .connection, PGConnection.trimmed(String(cString: PQerrorMessage(handle))))
    }
    defer { PQclear(result) }
    switch PQresultStatus(result) {
    case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
      return QueryResult(commandTag: String(cString: PQcmdStatus(result)))
    case PGRES_TUPLES_OK:
      return PGConnection.rows(of: result)
    case PGRES_COPY_IN:
      // A COPY started by `execute`: end it so the connection stays usable.
      PQputCopyEnd(handle, "COPY FROM STDIN must use copyIn")
      while let next = PQgetResult(handle) { PQclear(next) }
      throw DatabaseError(.statement, "COPY FROM STDIN must be run with copyIn")
    default:
      throw error(from: result, handle: handle)
    }
  }

  /// Throws when `sql` holds a NUL byte: libpq reads a C string and would send only what
  /// precedes it, silently running another statement than the one written.
  static func refuseNul(in sql: String) throws(DatabaseError) {
    guard let offset = sql.utf8.firstIndex(of: 0) else { return }
    // 1-based and in characters, as PostgreSQL counts error positions.
    let character = sql[..<offset].count + 1
    throw DatabaseError(
      .statement,
      "refusing to send a statement that contains a NUL byte (U+0000) at character \(character)",
      position: character)
  }

  /// Streams `COPY ... FROM STDIN` data; a failure in `produce` aborts the COPY.
  public func copyIn(
    _ sql: String,
    produce: (_ send: (UnsafeRawBufferPointer) throws(DatabaseError) -> Void) throws(DatabaseError)
      -> Void
  ) throws(DatabaseError) -> Int {
    try PGConnection.refuseNul(in: sql)
    let handle = try open()
    guard let start = PQexec(handle, sql) else {
      throw DatabaseError(
        .connection, PGConnection.trimmed(String(cString: PQerrorMessage(handle))))
    }
    guard PQresultStatus(start) == PGRES_COPY_IN else {
      defer { PQclear(start) }
      throw error(from: start, handle: handle)
    }
    PQclear(start)
    var failure: DatabaseError?
    do {
      try produce { (chunk: UnsafeRawBufferPointer) throws(DatabaseError) in
        let sent = PQputCopyData(
          handle, chunk.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(chunk.count))
        if sent != 1 {
          throw DatabaseError(
            .connection, PGConnection.trimmed(String(cString: PQerrorMessage(handle))))
        }
      }
    } catch {
      failure = error
    }
    PQputCopyEnd(handle, failure.map { $0.message })
    var copied = 0
    var serverError: DatabaseError?
    while let result = PQgetResult(handle) {
      if PQresultStatus(result) == PGRES_COMMAND_OK {
        copied = QueryResult(commandTag: String(cString: PQcmdStatus(result))).rowsAffected ?? 0
      } else if serverError == nil {
        serverError = error(from: result, handle: handle)
      }
      PQclear(result)
    }
    if let failure { throw failure }
    if let serverError { throw serverError }
    return copied
  }

  /// A canceller for the running statement.
  public func makeCanceller() -> any StatementCanceller {
    PGCanceller(cancel: handle.flatMap { PQgetCancel($0) })
  }

  private func open() throws(DatabaseError) -> OpaquePointer {
    guard let handle else { throw DatabaseError(.connection, "the connection is closed") }
    if PQstatus(handle) != CONNECTION_OK {
      throw DatabaseError(.connection, "the connection to the server was lost")
    }
    return handle
  }

  private func error(from result: OpaquePointer, handle: OpaquePointer) -> DatabaseError {
    func field(_ code: Character) -> String? {
      guard let ascii = code.asciiValue, let value = PQresultErrorField(result, Int32(ascii))
      else { return nil }
      return String(cString: value)
    }
    let message =
      field("M") ?? PGConnection.trimmed(String(cString: PQresultErrorMessage(result)))
    let sqlState = field("C")
    let kind: DatabaseError.Kind =
      if sqlState == "57014" {
        .cancelled
      } else if PQstatus(handle) != CONNECTION_OK || sqlState?.hasPrefix("08") == true {
        .connection
      } else {
        .statement
      }
    return DatabaseError(
      kind, message, sqlState: sqlState, detail: field("D"), hint: field("H"),
      context: field("W"), position: field("P").flatMap { Int($0) })
  }

  private static func rows(of result: OpaquePointer) -> QueryResult {
    let columnCount = Int(PQnfields(result))
    let rowCount = Int(PQntuples(result))
    var columns: [String] = []
    var types: [UInt32] = []
    columns.reserveCapacity(columnCount)
    types.reserveCapacity(columnCount)
    for column in 0..<columnCount {
      columns.append(String(cString: PQfname(result, Int32(column))))
      types.append(UInt32(PQftype(result, Int32(column))))
    }
    var rows: [[String?]] = []
    rows.reserveCapacity(rowCount)
    for row in 0..<rowCount {
      var values: [String?] = []
      values.reserveCapacity(columnCount)
      for column in 0..<columnCount {
        if PQgetisnull(result, Int32(row), Int32(column)) == 1 {
          values.append(nil)
        } else {
          values.append(String(cString: PQgetvalue(result, Int32(row), Int32(column))))
        }
      }
      rows.append(values)
    }
    var queryResult = QueryResult(
      columns: columns, rows: rows, commandTag: String(cString: PQcmdStatus(result)))
    queryResult.columnTypes = types
    return queryResult
  }

  static func trimmed(_ message: String) -> String {
    var text = Substring(message)
    while text.last?.isWhitespace == true { text.removeLast() }
    if text.hasPrefix("ERROR:  ") { text = text.dropFirst(8) }
    return String(text)
  }
}

/// Owns a `PGcancel`; PQcancel is safe to call from any thread.
final class PGCanceller: StatementCanceller, @unchecked Sendable {
  private let cancelHandle: OpaquePointer?

  init(cancel: OpaquePointer?) { self.cancelHandle = cancel }

  deinit { if let cancelHandle { PQfreeCancel(cancelHandle) } }

  func cancel() {
    guard let cancelHandle else { return }
    var buffer = [CChar](repeating: 0, count: 256)
    _ = PQcancel(cancelHandle, &buffer, Int32(buffer.count))
  }
}
