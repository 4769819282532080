/// What a statement returned: rows as text (PostgreSQL's text format) and its command tag.
public struct QueryResult: Sendable {
  /// Column names, in order.
  public var columns: [String]
  /// Rows of values in text form; nil is SQL NULL.
  public var rows: [[String?]]
  /// The command tag (`SELECT 12`, `INSERT 0 3`, `CREATE VIEW`).
  public var commandTag: String
  /// Each column's type as PostgreSQL's type OID, parallel to `columns` (empty when unknown).
  public var columnTypes: [UInt32] = []

  /// Creates a result.
  public init(columns: [String] = [], rows: [[String?]] = [], commandTag: String = "") {
    self.columns = columns
    self.rows = rows
    self.commandTag = commandTag
  }

  /// The rows a statement touched, from the last number of its command tag.
  public var rowsAffected: Int? {
    guard let last = commandTag.split(separator: " ").last else { return nil }
    return Int(last)
  }

  /// The value in the first column of the first row.
  public var scalar: String? { rows.first?.first ?? nil }
}
