package import Compiler
package import Project
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
    let body = StatementText.withoutTerminator(node.sql ?? "")
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

  /// dbt's test materialization: `fail_calc` over the failing rows, compared in SQL with
  /// `warn_if` and `error_if` (`!=0`, `>10`, any SQL that follows the count); the rows'
  /// source follows `from `.
  package static func judgingSelect(_ config: NodeConfig) -> String {
    let failCalc = config["fail_calc"]?.stringValue ?? "count(*)"
    let warnIf = config["warn_if"]?.stringValue ?? "!=0"
    let errorIf = config["error_if"]?.stringValue ?? "!=0"
    return "select \(failCalc) as failures, \(failCalc) \(warnIf) as should_warn, "
      + "\(failCalc) \(errorIf) as should_error from "
  }

  /// Where a test with `store_failures` keeps its rows: the relation the compiler named
  /// (a project `generate_schema_name` included), else dbt's `<schema>_dbt_test__audit` and
  /// the test's alias or name.
  package static func storedFailuresName(_ node: CompiledNode, target: TargetConfig) -> (
    schema: String, name: String
  ) {
    (
      node.relation?.schema ?? target.schema + "_" + (node.config.schema ?? "dbt_test__audit"),
      node.relation?.identifier ?? node.config["alias"]?.stringValue ?? node.name
    )
  }

  /// A failure count as text; a null (a `sum` over no rows) counts as none.
  package static func count(_ text: String?) -> Int {
    guard let text else { return 0 }
    return Int(text) ?? Double(text).map { Int($0.rounded()) } ?? 0
  }
}
