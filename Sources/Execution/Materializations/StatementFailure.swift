public import Adapter
public import Diagnostics

/// A statement that failed, with where the model's own SQL sits inside it so that the
/// server's error position can be mapped back to the model file.
public struct StatementFailure: Error, Sendable {
  /// The database's error.
  public var error: DatabaseError
  /// The statement sent.
  public var statement: String
  /// The UTF-8 offset in `statement` where the model's compiled SQL starts, if it is in it.
  public var modelOffset: Int?
  /// What swdbt was doing (`creating table "s"."x"`).
  public var action: String
  /// A message replacing the database's, when swdbt knows better (a dependent view broke).
  public var summary: String?
  /// A diagnostic that replaces the database's error entirely (a contract mismatch, located
  /// in the model's YAML).
  public var diagnostic: Diagnostic?
  /// Whether the failure came from a concurrent run touching the same objects, so that
  /// trying again (the whole transaction) is right.
  public var isTransient = false

  /// Deadlocks, serialization failures, a relation dropped by a concurrent transaction
  /// between being found and being read, and failures marked transient.
  var shouldRetry: Bool {
    if isTransient { return true }
    switch error.sqlState {
    case "40P01", "40001": return true
    case "XX000": return error.message.hasPrefix("could not open relation with OID")
    default: return false
    }
  }

  /// Creates a failure.
  public init(
    error: DatabaseError, statement: String, modelOffset: Int? = nil, action: String,
    summary: String? = nil
  ) {
    self.error = error
    self.statement = statement
    self.modelOffset = modelOffset
    self.action = action
    self.summary = summary
  }

  /// The UTF-8 offset into the model's compiled SQL of the server's error position, if any.
  public var offsetInModel: Int? {
    guard let position = error.position, let modelOffset else { return nil }
    // PostgreSQL counts characters from 1; convert to a UTF-8 offset.
    var utf8Offset = 0
    var characters = 0
    for scalar in statement.unicodeScalars {
      if characters == position - 1 { break }
      utf8Offset += scalar.utf8.count
      characters += 1
    }
    let offset = utf8Offset - modelOffset
    return offset >= 0 ? offset : nil
  }
}

/// Runs statements on one connection, turning errors into `StatementFailure`s.
struct StatementRunner {
  let connection: any DatabaseConnection
  let action: String
  /// The last statement that carried the model's SQL: what `target/run/` shows.
  let record = StatementRecord()

  @discardableResult
  func run(_ sql: String, modelOffset: Int? = nil) throws(StatementFailure) -> QueryResult {
    if modelOffset != nil { record.statement = sql }
    do {
      return try connection.execute(sql)
    } catch {
      throw StatementFailure(
        error: error, statement: sql, modelOffset: modelOffset, action: action)
    }
  }

  /// Runs `body` in a transaction, retrying it (twice at most) when it lost a race with a
  /// concurrent transaction.
  func retryingTransaction<T>(_ body: () throws(StatementFailure) -> T) throws(StatementFailure)
    -> T
  {
    var attempt = 1
    while true {
      do {
        return try transaction(body)
      } catch {
        guard attempt < 3, error.shouldRetry else { throw error }
        attempt += 1
      }
    }
  }

  /// Runs `body` in a transaction; rolls back on failure.
  func transaction<T>(_ body: () throws(StatementFailure) -> T) throws(StatementFailure) -> T {
    try run("begin")
    do {
      let value = try body()
      try run("commit")
      return value
    } catch {
      _ = try? connection.execute("rollback")
      throw error
    }
  }
}

/// The statement a runner last sent with the model's SQL in it; used by one thread at a time.
final class StatementRecord: @unchecked Sendable {
  /// The statement, or nil before any.
  var statement: String?
}
