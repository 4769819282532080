public import Adapter
public import Foundation

/// `swdbt show`: a node's compiled SQL run as a query with a row limit, nothing built.
public enum ShowQuery {
  /// The statement `show` runs, as dbt's `get_show_sql`: the model's `sql_header` (in the
  /// same text, so a header that opens a `with` works as in dbt), the compiled SQL, then
  /// `limit N` (a negative limit means none). As in dbt, a query that has its own `limit`
  /// gets a syntax error rather than a silently changed query.
  public static func sql(compiled: String, limit: Int, sqlHeader: String? = nil) -> String {
    let header = sqlHeader.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
    let query = header.isEmpty ? compiled : header + "\n" + compiled
    guard limit >= 0 else { return query }
    return query + "\nlimit \(limit)"
  }

  /// The rows as an aligned text table, as `swdbt test` prints failing rows.
  public static func table(_ result: QueryResult) -> String {
    TextTable.render(result, total: result.rows.count)
  }

  /// The rows as JSON objects (`[{"column": value}]`), numbers and booleans typed by the
  /// columns' PostgreSQL types, as dbt's `show --output json`.
  public static func jsonRows(_ result: QueryResult) -> [[String: Any]] {
    result.rows.map { row in
      var object: [String: Any] = [:]
      for (index, column) in result.columns.enumerated() where index < row.count {
        let type = index < result.columnTypes.count ? result.columnTypes[index] : 0
        object[column] = typed(row[index], oid: type)
      }
      return object
    }
  }

  private static func typed(_ text: String?, oid: UInt32) -> Any {
    guard let text else { return NSNull() }
    switch oid {
    case 16: return text == "t"
    case 20, 21, 23: return Int(text).map { $0 as Any } ?? text
    case 700, 701, 1700: return Double(text).map { $0 as Any } ?? text
    default: return text
    }
  }
}

extension ShowQuery {
  /// The run result of a node shown: `success` with the rows fetched (dbt records `show` in
  /// `run_results.json` as it does `compile`).
  public static func result(
    uniqueID: String, index: Int, rows: Int, startedAt: Date, completedAt: Date
  ) -> NodeResult {
    NodeResult(
      uniqueID: uniqueID, index: index, status: .success, commandTag: "SELECT \(rows)",
      rowsAffected: rows, message: "SELECT \(rows)", failures: nil, diagnostics: [],
      startedAt: startedAt, completedAt: completedAt,
      executionTime: completedAt.timeIntervalSince(startedAt), threadID: "Thread-1",
      relationName: nil)
  }
}
