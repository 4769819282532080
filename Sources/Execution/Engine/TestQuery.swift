package import Compiler
import Project
import Template

/// What every engine does the same way when it runs a data test: the test's SQL without a
/// trailing `;`, wrapped in dbt's `limit` when the test sets one, and its failure count read
/// from a result cell.
package struct TestQuery: Sendable {
  /// The test's compiled SQL, trailing `;` and blanks removed.
  package let sql: String
  /// `sql`, inside `select * from (...) dbt_limit limit N` when the test sets `limit`.
  package let query: String
  /// Where `sql` starts in `query`, to map an error position back to the test's SQL.
  package let queryOffset: Int

  /// The query of `node`.
  package init(_ node: CompiledNode) {
    var body = node.sql ?? ""
    while body.last == ";" || body.last?.isWhitespace == true { body.removeLast() }
    sql = body
    if case .integer(let rows)? = node.config["limit"] {
      let prefix = "select * from (\n"
      query = prefix + body + "\n) dbt_limit limit \(rows)"
      queryOffset = prefix.utf8.count
    } else {
      query = body
      queryOffset = 0
    }
  }

  /// A failure count as text; a null (a `sum` over no rows) counts as none.
  package static func count(_ text: String?) -> Int {
    guard let text else { return 0 }
    return Int(text) ?? Double(text).map { Int($0.rounded()) } ?? 0
  }
}
