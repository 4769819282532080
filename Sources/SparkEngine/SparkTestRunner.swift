import Adapter
import Compiler
import Diagnostics
import Execution
import Project
import Template

/// Runs one data test on Spark: counts the failing rows its SQL returns (`fail_calc`,
/// `warn_if`, `error_if`, `limit`, `severity`), keeps them with `store_failures`.
struct SparkTestRunner {
  let node: CompiledNode
  let test: TestQuery
  let target: TargetConfig
  let runner: StatementRunner

  init(node: CompiledNode, target: TargetConfig, connection: any DatabaseConnection) {
    self.node = node
    self.test = TestQuery(node)
    self.target = target
    self.runner = StatementRunner(connection: connection, action: "running test `\(node.name)`")
  }

  func run() throws(StatementFailure) -> TestOutcome {
    let query = test.query
    let queryOffset = test.queryOffset
    var source = "(\n\(query)\n) dbt_internal_test"
    var storedIn: String?
    if let kind = node.config.storedFailuresKind {
      let (schema, name) = TestQuery.storedFailuresName(node, target: target)
      let table = SparkSQLText.relation(schema, name)
      try runner.run("create schema if not exists \(SparkSQLText.identifier(schema))")
      if let previous = try SparkEngine.kind(of: schema, name, runner: runner) {
        try runner.run("drop \(previous == .view ? "view" : "table") if exists \(table)")
      }
      let create =
        kind == "view" ? "create view \(table) as\n" : "create table \(table) using parquet as\n"
      try runner.run(create + query, modelOffset: create.utf8.count + queryOffset)
      source = table
      storedIn = table
    }
    let select = TestQuery.judgingSelect(node.config)
    let judged = try runner.run(
      select + source, modelOffset: storedIn == nil ? select.utf8.count + 2 + queryOffset : nil)
    let row = judged.rows.first ?? []
    let failures = TestQuery.count(row.first ?? nil)
    return try judge(
      failures: failures, shouldWarn: row.count > 1 && row[1] == "true",
      shouldError: row.count > 2 && row[2] == "true", source: source, storedIn: storedIn)
  }

  /// The outcome of a count a batch query made.
  func judge(failures: Int) throws(StatementFailure) -> TestOutcome {
    try judge(
      failures: failures, shouldWarn: failures != 0, shouldError: failures != 0,
      source: "(\n\(test.sql)\n) dbt_internal_test", storedIn: nil)
  }

  private func judge(
    failures: Int, shouldWarn: Bool, shouldError: Bool, source: String, storedIn: String?
  ) throws(StatementFailure) -> TestOutcome {
    try TestOutcome.judged(
      node, failures: failures, shouldWarn: shouldWarn, shouldError: shouldError, source: source,
      storedIn: storedIn, runner: runner)
  }
}
