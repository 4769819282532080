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
package struct StatementRunner {
  package let connection: any DatabaseConnection
  package let action: String
  /// The last statement that carried the model's SQL: what `target/run/` shows.
  package let record = StatementRecord()

  /// A runner for `action` (`building table "s"."x"`) on `connection`.
  package init(connection: any DatabaseConnection, action: String) {
    self.connection = connection
    self.action = action
  }

  @discardableResult
  package func run(_ sql: String, modelOffset: Int? = nil) throws(StatementFailure) -> QueryResult {
    if modelOffset != nil { record.statement = sql }
    do {
      return try connection.execute(sql)
    } catch {
      throw StatementFailure(
        error: error, statement: sql, modelOffset: modelOffset, action: action)
    }
  }
}

/// The statement a runner last sent with the model's SQL in it; used by one thread at a time.
package final class StatementRecord: @unchecked Sendable {
  /// The statement, or nil before any.
  package var statement: String?
}
