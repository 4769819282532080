public import Adapter
import Synchronization

/// Adds up the time spent waiting on the database, so that benchmarks can tell swdbt's own
/// overhead from the time PostgreSQL spends executing (as seen from the client, round trip
/// included).
public final class DatabaseTime: Sendable {
  private let nanoseconds = Atomic<Int64>(0)
  private let statements = Atomic<Int>(0)

  /// Creates a zeroed counter.
  public init() {}

  /// Total time inside database calls.
  public var total: Duration { .nanoseconds(nanoseconds.load(ordering: .relaxed)) }
  /// How many calls were made.
  public var count: Int { statements.load(ordering: .relaxed) }

  /// Runs `body` (opening a connection), counting its time as the database's.
  public func timing<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
    let clock = ContinuousClock()
    let start = clock.now
    defer { add(clock.now - start) }
    return try body()
  }

  func add(_ duration: Duration) {
    let (seconds, attoseconds) = duration.components
    nanoseconds.add(seconds * 1_000_000_000 + attoseconds / 1_000_000_000, ordering: .relaxed)
    statements.add(1, ordering: .relaxed)
  }
}

/// A connection that records how long each call takes in a `DatabaseTime`.
public final class TimedConnection: DatabaseConnection {
  private let base: any DatabaseConnection
  private let time: DatabaseTime
  private let clock = ContinuousClock()

  /// Wraps a connection.
  public init(_ base: any DatabaseConnection, time: DatabaseTime) {
    self.base = base
    self.time = time
  }

  /// Runs SQL, timing it.
  public func execute(_ sql: String) throws(DatabaseError) -> QueryResult {
    let start = clock.now
    defer { time.add(clock.now - start) }
    return try base.execute(sql)
  }

  /// Runs a COPY, timing it (reading the file is counted too: it happens while streaming).
  public func copyIn(
    _ sql: String,
    produce: (_ send: (UnsafeRawBufferPointer) throws(DatabaseError) -> Void) throws(DatabaseError)
      -> Void
  ) throws(DatabaseError) -> Int {
    let start = clock.now
    defer { time.add(clock.now - start) }
    return try base.copyIn(sql, produce: produce)
  }

  /// The wrapped connection's canceller.
  public func makeCanceller() -> any StatementCanceller { base.makeCanceller() }
  /// The server's version.
  public var serverVersion: String { base.serverVersion }
  /// The wrapped connection's server process.
  public var backendPID: Int32? { base.backendPID }
  /// The wrapped connection's database.
  public var databaseName: String? { base.databaseName }
  /// Closes the wrapped connection.
  public func close() { base.close() }
}
