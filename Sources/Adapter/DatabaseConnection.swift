/// One open session with a database, used by one thread at a time.
///
/// Implementations block the calling thread while a statement runs: the scheduler gives each
/// connection a thread of its own, never the cooperative pool.
public protocol DatabaseConnection: AnyObject {
  /// Runs one or more statements and returns the last result.
  func execute(_ sql: String) throws(DatabaseError) -> QueryResult
  /// Runs `COPY ... FROM STDIN`, feeding it the chunks `produce` sends; returns rows copied.
  func copyIn(
    _ sql: String,
    produce: (_ send: (UnsafeRawBufferPointer) throws(DatabaseError) -> Void) throws(DatabaseError)
      -> Void
  ) throws(DatabaseError) -> Int
  /// A handle another thread may use to cancel the statement running now.
  func makeCanceller() -> any StatementCanceller
  /// The server's version as text (`15.18`).
  var serverVersion: String { get }
  /// Closes the session; later calls fail.
  func close()
  /// The server process serving this session, known without a query (nil when unknown).
  var backendPID: Int32? { get }
  /// The database the session is connected to, known without a query (nil when unknown).
  var databaseName: String? { get }
}

extension DatabaseConnection {
  /// Unknown unless the connection says otherwise.
  public var backendPID: Int32? { nil }
  /// Unknown unless the connection says otherwise.
  public var databaseName: String? { nil }
}

/// Cancels whatever statement its connection is running, from any thread.
public protocol StatementCanceller: Sendable {
  /// Asks the server to cancel the running statement; harmless when nothing runs.
  func cancel()
}

/// Opens connections to one target.
public protocol DatabaseAdapter: Sendable {
  /// The target as text for `swdbt debug` and logs; never contains a password.
  var redactedDescription: String { get }
  /// Opens a new connection.
  func connect() throws(DatabaseError) -> any DatabaseConnection
}
