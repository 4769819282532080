import Adapter
import Compiler
import Diagnostics
import Execution
import Project
import Template

/// Builds models on Spark, with the strongest guarantee Spark allows (it has no
/// transactions):
/// - view: `create or replace view`, one statement: the old view stays until it succeeds;
/// - table: created as `<name>__swdbt_tmp`, then the old table dropped and the new one
///   renamed: a failed query leaves the old table readable; only the moments between the
///   drop and the rename have no table. With `location_root` the table is dropped and created
///   in place (its files live under a path named after the model);
/// - incremental: `append` and `insert_overwrite` write into the existing table in one
///   statement; `merge` and `delete+insert` only on delta, iceberg and hudi tables.
struct SparkModelBuilder {
  let node: CompiledNode
  let relation: RelationName
  let sql: String
  let fullRefresh: Bool
  let hooks: HookContext?
  let runner: StatementRunner
  let options: SparkTableOptions

  init(
    node: CompiledNode, relation: RelationName, fullRefresh: Bool, hooks: HookContext?,
    connection: any DatabaseConnection
  ) {
    self.node = node
    self.relation = relation
    self.fullRefresh = fullRefresh
    self.hooks = hooks
    self.sql = StatementText.withoutTerminator(node.sql ?? "")
    self.options = SparkTableOptions(node.config, identifier: relation.identifier)
    let materialized = node.config.materialized
    self.runner = StatementRunner(
      connection: connection,
      action: "building \(materialized == "incremental" ? "incremental model" : materialized) "
        + SparkSQLText.relation(relation))
  }

  var quoted: String { SparkSQLText.relation(relation) }

  func build() throws(StatementFailure) -> BuildOutcome {
    // Problems in the configuration stop the build before anything is sent.
    if let problem = SparkConfigChecks.problem(of: node) { throw failure(problem) }
    let connection = runner.connection
    // Spark has no transactions: `transaction: true` and `false` hooks both run in order
    // around the build.
    var preHooks = try Hooks.statements(
      "pre_hook", of: node, context: hooks, transaction: false, connection: connection)
    preHooks += try Hooks.statements(
      "pre_hook", of: node, context: hooks, transaction: true, connection: connection)
    for hook in preHooks { try runner.run(hook) }
    if let header = node.config.sqlHeader { try runner.run(header) }
    var outcome: BuildOutcome
    switch node.config.materialization {
    case .table: outcome = try buildTable()
    case .incremental: outcome = try buildIncremental()
    case .view, .ephemeral, .seed: outcome = try buildView()
    case .materializedView, .snapshot:
      throw failure(
        .error(
          "run.unsupported-materialization",
          "`\(node.name)` is a \(node.config.materialized.replacing("_", with: " ")), which "
            + "swdbt does not build on Spark yet", path: node.originalFilePath,
          hint: "materialize it as a table or an incremental model on Spark"))
    }
    outcome.warnings += SparkConfigChecks.warnings(of: node)
    var postHooks = try Hooks.statements(
      "post_hook", of: node, context: hooks, transaction: true, connection: connection)
    postHooks += try Hooks.statements(
      "post_hook", of: node, context: hooks, transaction: false, connection: connection)
    for hook in postHooks { try runner.run(hook) }
    return outcome
  }

  func failure(_ diagnostic: Diagnostic) -> StatementFailure {
    var failure = StatementFailure(
      error: DatabaseError(.statement, diagnostic.message), statement: "", action: runner.action)
    failure.diagnostic = diagnostic
    return failure
  }

  /// `create <prefix> <name> <clauses> as\n<model SQL>`, recorded with the model's offset.
  @discardableResult
  func runCreate(_ prefix: String) throws(StatementFailure) -> QueryResult {
    let head = prefix + " as\n"
    return try runner.run(head + sql, modelOffset: head.utf8.count)
  }

  /// `create or replace view` straight away: one round trip. Only when a table is in the way
  /// (Spark refuses to replace a table by a view) is it dropped and the view created again.
  private func buildView() throws(StatementFailure) -> BuildOutcome {
    let result: QueryResult
    do {
      result = try runCreate("create or replace view \(quoted)")
    } catch let failure where failure.error.message.hasPrefix("[EXPECT_VIEW_NOT_TABLE") {
      try runner.run("drop table if exists \(quoted)")
      result = try runCreate("create or replace view \(quoted)")
    }
    return BuildOutcome(
      commandTag: result.commandTag, rowsAffected: nil, message: "created view \(quoted)")
  }

  /// The table under its temporary name, then drop and rename.
  func buildTable() throws(StatementFailure) -> BuildOutcome {
    let existing = try SparkEngine.kind(
      of: relation.schema, relation.identifier, runner: runner)
    let dropExisting = existing == .view ? "drop view if exists" : "drop table if exists"
    if options.location != nil {
      try runner.run("\(dropExisting) \(quoted)")
      let result = try runCreate("create table \(quoted)\(options.clauses(marker: false))")
      return BuildOutcome(
        commandTag: result.commandTag, rowsAffected: nil, message: "created table \(quoted)")
    }
    let building = SparkSQLText.relation(
      relation.schema, relation.identifier + SparkEngine.buildingSuffix)
    try runner.run("drop table if exists \(building)")
    let result = try runCreate("create table \(building)\(options.clauses(marker: true))")
    if existing != nil { try runner.run("\(dropExisting) \(quoted)") }
    try runner.run("alter table \(building) rename to \(quoted)")
    try runner.run(
      "alter table \(quoted) unset tblproperties if exists "
        + "(\(SparkSQLText.literal(SparkEngine.intermediateProperty)))")
    return BuildOutcome(
      commandTag: result.commandTag, rowsAffected: nil, message: "created table \(quoted)")
  }
}
