import Adapter
import Compiler
import Diagnostics
import Execution
import Project
import Template

/// Builds models: view, table (atomic swap) and incremental (see `ModelBuilder+Incremental`).
/// Everything for one node happens in one transaction on one connection.
struct ModelBuilder {
  let node: CompiledNode
  let relation: RelationName
  let sql: String
  let target: TargetConfig
  let fullRefresh: Bool
  let runner: StatementRunner
  /// The model's descriptions, set when its config has `persist_docs`.
  var documentation: PersistDocs?
  /// The enforced contract, checked before anything is replaced (nil: none).
  var contract: Contract?
  /// What the node's hooks see (macros, `ref`, `run_started_at`, ...).
  var hooks: HookContext?

  init(
    node: CompiledNode, relation: RelationName, target: TargetConfig, fullRefresh: Bool,
    connection: any DatabaseConnection
  ) {
    self.node = node
    self.relation = relation
    self.target = target
    self.fullRefresh = fullRefresh
    self.sql = StatementText.withoutTerminator(node.sql ?? "")
    let materialized = node.config.materialized
    self.runner = StatementRunner(
      connection: connection,
      action: "building \(materialized == "incremental" ? "incremental model" : materialized) "
        + relation.quoted)
  }

  /// Builds the node with its hooks and grants.
  func build() throws(StatementFailure) -> BuildOutcome {
    // As dbt: hooks with `transaction: false` run before (pre) or after (post) the
    // transaction, the others inside it.
    let connection = runner.connection
    let outsidePre = try Hooks.statements(
      "pre_hook", of: node, context: hooks, transaction: false, connection: connection)
    let preHooks = try Hooks.statements(
      "pre_hook", of: node, context: hooks, transaction: true, connection: connection)
    for hook in outsidePre { try runner.run(hook) }
    let outcome = try runner.retryingTransaction { () throws(StatementFailure) -> BuildOutcome in
      for hook in preHooks { try runner.run(hook) }
      // dbt-postgres sends `sql_header` in front of the create statement (and of the contract
      // check's query): the same session and transaction as everything that runs the SQL.
      if let header = node.config.sqlHeader { try runner.run(header) }
      var outcome: BuildOutcome
      switch node.config.materialization {
      case .table: outcome = try buildTable()
      case .incremental: outcome = try buildIncremental()
      case .materializedView: outcome = try buildMaterializedView()
      case .snapshot: outcome = try buildSnapshot()
      case .view, .ephemeral, .seed: outcome = try buildView()
      }
      outcome.warnings += Indexes.inapplicable(to: node)
      if let documentation {
        outcome.warnings += try documentation.apply(
          node.config, to: relation, keyword: PersistDocs.keyword(node.config), node: node,
          runner: runner)
      }
      // Post-hooks are rendered after the build, as dbt does: a hook's `run_query` sees the
      // new relation.
      let postHooks = try Hooks.statements(
        "post_hook", of: node, context: hooks, transaction: true, connection: connection)
      for hook in postHooks { try runner.run(hook) }
      try Grants.apply(node.config, to: relation, runner: runner)
      return outcome
    }
    let outsidePost = try Hooks.statements(
      "post_hook", of: node, context: hooks, transaction: false, connection: connection)
    for hook in outsidePost { try runner.run(hook) }
    return outcome
  }

  /// `create <kind> <name> as (<model SQL>)` and the offset of the model SQL in it.
  func createStatement(_ kind: String, _ name: String, options: String = "") -> (
    String, Int
  ) {
    let prefix = "create \(kind) \(name)\(options) as (\n"
    return (prefix + sql + "\n)", prefix.utf8.count)
  }

  private func buildView() throws(StatementFailure) -> BuildOutcome {
    try contract?.check(sql: sql, temporaryName: contractView, runner: runner)
    let existing = try RelationSwap.kind(of: relation.schema, relation.identifier, runner: runner)
    if existing == "v" {
      // `create or replace view` keeps dependents and grants; it refuses dropped or retyped
      // columns, and then the view is swapped like a table.
      try runner.run("savepoint swdbt_view")
      let (statement, offset) = createStatement("or replace view", relation.quoted)
      do {
        let result = try runner.run(statement, modelOffset: offset)
        try runner.run("release savepoint swdbt_view")
        return BuildOutcome(
          commandTag: result.commandTag, rowsAffected: nil,
          message: "created view \(relation.quoted)")
      } catch {
        // 42P16: cannot drop columns from view; 42804: cannot change a column's type.
        guard error.error.sqlState == "42P16" || error.error.sqlState == "42804" else {
          throw error
        }
        try runner.run("rollback to savepoint swdbt_view")
      }
    }
    let result = try RelationSwap.replace(relation, as: "v", runner: runner) {
      (temporary: String) throws(StatementFailure) -> QueryResult in
      let (statement, offset) = createStatement("view", temporary)
      return try runner.run(statement, modelOffset: offset)
    }
    return BuildOutcome(
      commandTag: result.commandTag, rowsAffected: nil,
      message: "created view \(relation.quoted)")
  }

  /// Builds the table under a temporary name and swaps it in.
  func buildTable() throws(StatementFailure) -> BuildOutcome {
    try contract?.check(sql: sql, temporaryName: contractView, runner: runner)
    let result = try RelationSwap.replace(relation, as: "r", runner: runner) {
      (temporary: String) throws(StatementFailure) -> QueryResult in
      let unlogged = node.config["unlogged"]?.isTruthy == true
      let (statement, offset) =
        try contract?.tableStatement(
          temporary, sql: sql, unlogged: unlogged, action: runner.action)
        ?? createStatement(unlogged ? "unlogged table" : "table", temporary)
      let created = try runner.run(statement, modelOffset: offset)
      try Indexes.create(
        node.config, on: temporary, identifier: relation.identifier, runner: runner)
      // Statistics now, not when autovacuum gets to it: the models built next in this run
      // read this table, and without them the planner guesses row counts (and join orders).
      try runner.run("analyze \(temporary)")
      return created
    }
    try contract?.renameConstraints(of: relation, runner: runner)
    return BuildOutcome(
      commandTag: result.commandTag, rowsAffected: result.rowsAffected,
      message: "created table \(relation.quoted)")
  }

  /// The temporary view a contract check reads the query's columns from.
  var contractView: String {
    RelationSwap.suffixed(relation.identifier, "__swdbt_contract")
  }
}
