/// A failure reported by the database or the connection, with PostgreSQL's error fields.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
  /// Why it failed, coarsely.
  public enum Kind: Sendable {
    /// The connection could not be made or was lost.
    case connection
    /// The server rejected a statement.
    case statement
    /// The statement was cancelled.
    case cancelled
  }

  /// Why it failed.
  public var kind: Kind
  /// The primary message.
  public var message: String
  /// The SQLSTATE code (`42P01`), when the server sent one.
  public var sqlState: String?
  /// PostgreSQL's DETAIL field.
  public var detail: String?
  /// PostgreSQL's HINT field.
  public var hint: String?
  /// PostgreSQL's CONTEXT field (`COPY x, line 3`).
  public var context: String?
  /// 1-based character position in the statement, when the server gave one.
  public var position: Int?

  /// Creates an error.
  public init(
    _ kind: Kind, _ message: String, sqlState: String? = nil, detail: String? = nil,
    hint: String? = nil, context: String? = nil, position: Int? = nil
  ) {
    self.kind = kind
    self.message = message
    self.sqlState = sqlState
    self.detail = detail
    self.hint = hint
    self.context = context
    self.position = position
  }

  /// The message with its SQLSTATE.
  public var description: String {
    sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message
  }
}
