import Adapter
import Compiler
import Diagnostics
import Execution
import Project
import Template

/// Runs one data test: counts the failing rows its SQL returns, applies `severity`,
/// `fail_calc`, `error_if` / `warn_if` and `limit`, keeps failing rows with `store_failures`.
struct TestRunner {
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
      let stored = TestQuery.storedFailuresName(node, target: target)
      let schema = stored.schema
      let name = Self.failuresTableName(stored.name)
      let table = SQLQuoting.relation(schema, name)
      try runner.transaction { () throws(StatementFailure) in
        // `create schema if not exists` checks the database's create privilege first, so a
        // role without it fails even when the schema exists: the catalog is asked first.
        let present = try runner.run(
          "select 1 from pg_catalog.pg_namespace where nspname = " + SQLQuoting.literal(schema))
        if present.rows.isEmpty {
          // Tests running in parallel race on creating it (23505 on pg_namespace): one at a
          // time; the lock's two-key space is apart from the target lock's one-key space.
          try runner.run(
            "select pg_advisory_xact_lock(hashtext('swdbt.schema'), hashtext(\(SQLQuoting.literal(schema))))"
          )
          try runner.run("create schema if not exists \(SQLQuoting.identifier(schema))")
        }
        // The previous run may have stored them as the other kind.
        if let previous = try RelationSwap.kind(of: schema, name, runner: runner) {
          try runner.run("drop \(RelationSwap.keyword(for: previous)) \(table)")
        }
        let create = "create \(kind) \(table) as (\n"
        try runner.run(create + query + "\n)", modelOffset: create.utf8.count + queryOffset)
      }
      source = table
      storedIn = table
    }
    let select = TestQuery.judgingSelect(node.config)
    let judged = try runner.run(
      select + source, modelOffset: storedIn == nil ? select.utf8.count + 2 + queryOffset : nil)
    let row = judged.rows.first ?? []
    let failures = TestQuery.count(row.first ?? nil)
    let shouldWarn = row.count > 1 && row[1] == "t"
    let shouldError = row.count > 2 && row[2] == "t"
    return try judge(
      failures: failures, shouldWarn: shouldWarn, shouldError: shouldError, source: source,
      storedIn: storedIn)
  }

  /// The table a test's failing rows are stored in: its name, or, past PostgreSQL's 63 bytes
  /// (which would cut it silently, and two long names could share a table), its first bytes
  /// and a hash of the whole name.
  static func failuresTableName(_ name: String) -> String {
    guard name.utf8.count > 63 else { return name }
    var prefix = ""
    for character in name {
      guard prefix.utf8.count + character.utf8.count <= 46 else { break }
      prefix.append(character)
    }
    let hash = String(StableHash.fnv1a(name), radix: 16)
    return prefix + "_" + String(repeating: "0", count: 16 - hash.count) + hash
  }

  /// The outcome of a failure count counted elsewhere (a batch, which holds only tests with
  /// the default `fail_calc`, `warn_if` and `error_if`), with a sample of the rows.
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
