import Adapter
import Compiler
public import Diagnostics
import Project
import Template

/// What building one node did.
public struct BuildOutcome: Sendable {
  /// The last command tag (`SELECT 120`, `CREATE VIEW`, `COPY 12`).
  public var commandTag: String
  /// Rows written, when known.
  public var rowsAffected: Int?
  /// The progress line's text (`created table "s"."x"`).
  public var message: String
  /// Warnings found while building (NULLs in a unique key).
  public var warnings: [Diagnostic] = []
}

/// Builds models: view, table (atomic swap) and incremental (append, delete+insert, merge,
/// on_schema_change). Everything for one node happens in one transaction on one connection.
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

  init(
    node: CompiledNode, relation: RelationName, target: TargetConfig, fullRefresh: Bool,
    connection: any DatabaseConnection
  ) {
    self.node = node
    self.relation = relation
    self.target = target
    self.fullRefresh = fullRefresh
    var body = node.sql ?? ""
    while body.last == ";" || body.last?.isWhitespace == true { body.removeLast() }
    self.sql = body
    let materialized = node.config.materialized
    self.runner = StatementRunner(
      connection: connection,
      action: "building \(materialized == "incremental" ? "incremental model" : materialized) "
        + relation.quoted)
  }

  /// Builds the node with its hooks and grants.
  func build() throws(StatementFailure) -> BuildOutcome {
    let preHooks = try Hooks.statements("pre_hook", of: node, target: target)
    let postHooks = try Hooks.statements("post_hook", of: node, target: target)
    return try runner.retryingTransaction { () throws(StatementFailure) -> BuildOutcome in
      for hook in preHooks { try runner.run(hook) }
      var outcome: BuildOutcome
      switch node.config.materialized {
      case "table": outcome = try buildTable()
      case "incremental": outcome = try buildIncremental()
      case "materialized_view": outcome = try buildMaterializedView()
      default: outcome = try buildView()
      }
      outcome.warnings += Indexes.inapplicable(to: node)
      if let documentation {
        outcome.warnings += try documentation.apply(
          node.config, to: relation, keyword: PersistDocs.keyword(node.config), node: node,
          runner: runner)
      }
      for hook in postHooks { try runner.run(hook) }
      try Grants.apply(node.config, to: relation, runner: runner)
      return outcome
    }
  }

  /// `create <kind> <name> as (<model SQL>)` and the offset of the model SQL in it.
  private func createStatement(_ kind: String, _ name: String, options: String = "") -> (
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

  private func buildTable() throws(StatementFailure) -> BuildOutcome {
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
  private var contractView: String {
    RelationSwap.suffixed(relation.identifier, "__swdbt_contract")
  }

  /// The `unique_key` columns (a string or a list).
  var uniqueKey: [String] {
    guard let value = node.config["unique_key"] else { return [] }
    return NodeConfig.strings(value).flatMap { $0.split(separator: ",") }.map {
      String($0).trimmingWhitespace()
    }.filter { !$0.isEmpty }
  }

  private func buildIncremental() throws(StatementFailure) -> BuildOutcome {
    let existing = try RelationSwap.kind(of: relation.schema, relation.identifier, runner: runner)
    guard !fullRefresh, existing == "r" || existing == "p" else {
      var outcome = try buildTable()
      outcome.message =
        (existing == nil ? "created" : "rebuilt") + " incremental table \(relation.quoted)"
      return outcome
    }
    try contract?.check(sql: sql, temporaryName: contractView, runner: runner)
    let strategy =
      node.config["incremental_strategy"]?.stringValue
      ?? (uniqueKey.isEmpty ? "append" : "merge")
    let newRows = SQLQuoting.identifier(
      RelationSwap.suffixed(relation.identifier, "__swdbt_new"))
    let (statement, offset) = createStatement(
      "temporary table", newRows, options: " on commit drop")
    try runner.run(statement, modelOffset: offset)
    let columns = try synchronizeColumns(newRows: newRows)
    try Indexes.addMissing(node.config, to: relation, runner: runner)
    var warnings: [Diagnostic] = []
    if strategy != "append", !uniqueKey.isEmpty {
      let condition = uniqueKey.map { "\(SQLQuoting.identifier($0)) is null" }
        .joined(separator: " or ")
      let nulls = try runner.run("select count(*) from \(newRows) where \(condition)")
      if let count = nulls.scalar.flatMap({ Int($0) }), count > 0 {
        warnings.append(
          .warning(
            "run.null-unique-key",
            "\(count) new row\(count == 1 ? "" : "s") of `\(node.name)` "
              + "\(count == 1 ? "has" : "have") NULL in unique_key "
              + uniqueKey.map { "`\($0)`" }.joined(separator: ", ")
              + "; \(strategy) cannot match them, so they are added again on every run",
            path: node.originalFilePath,
            hint: "filter NULL keys out in the model, or add a not_null test on the key"))
      }
    }
    let target = relation.quoted
    let list = columns.map(SQLQuoting.identifier).joined(separator: ", ")
    let result: QueryResult
    switch strategy {
    case "delete+insert" where !uniqueKey.isEmpty:
      let keys = uniqueKey.map(SQLQuoting.identifier).joined(separator: ", ")
      try runner.run(
        "delete from \(target) where (\(keys)) in (select \(keys) from \(newRows))")
      result = try runner.run("insert into \(target) (\(list)) select \(list) from \(newRows)")
    case "merge" where !uniqueKey.isEmpty:
      let on = uniqueKey.map {
        "target.\(SQLQuoting.identifier($0)) = source.\(SQLQuoting.identifier($0))"
      }.joined(separator: " and ")
      let updates = columns.filter { !uniqueKey.contains($0) }.map {
        "\(SQLQuoting.identifier($0)) = source.\(SQLQuoting.identifier($0))"
      }
      let values = columns.map { "source.\(SQLQuoting.identifier($0))" }.joined(separator: ", ")
      result = try runner.run(
        "merge into \(target) as target using \(newRows) as source on \(on)"
          + (updates.isEmpty
            ? ""
            : " when matched then update set "
              + updates.joined(separator: ", "))
          + " when not matched then insert (\(list)) values (\(values))")
    default:
      result = try runner.run("insert into \(target) (\(list)) select \(list) from \(newRows)")
    }
    return BuildOutcome(
      commandTag: result.commandTag, rowsAffected: result.rowsAffected,
      message: "\(strategy) into incremental table \(relation.quoted)", warnings: warnings)
  }

  /// Applies `on_schema_change` and returns the columns to write.
  private func synchronizeColumns(newRows: String) throws(StatementFailure) -> [String] {
    let existing = try columns(of: relation.quoted)
    let incoming = try columns(of: newRows)
    let existingNames = Set(existing.map(\.name))
    let incomingNames = Set(incoming.map(\.name))
    let added = incoming.filter { !existingNames.contains($0.name) }
    let removed = existing.filter { !incomingNames.contains($0.name) }
    let retyped = incoming.filter { column in
      existing.contains { $0.name == column.name && $0.type != column.type }
    }
    let policy = node.config["on_schema_change"]?.stringValue ?? "ignore"
    let changed = !added.isEmpty || !removed.isEmpty || !retyped.isEmpty
    switch policy {
    case "fail" where changed:
      var parts: [String] = []
      if !added.isEmpty {
        parts.append("new " + added.map { "`\($0.name)`" }.joined(separator: ", "))
      }
      if !removed.isEmpty {
        parts.append("removed " + removed.map { "`\($0.name)`" }.joined(separator: ", "))
      }
      if !retyped.isEmpty {
        parts.append("retyped " + retyped.map { "`\($0.name)`" }.joined(separator: ", "))
      }
      throw StatementFailure(
        error: DatabaseError(
          .statement,
          "the columns of \(relation.quoted) changed (\(parts.joined(separator: "; "))) "
            + "and on_schema_change is `fail`",
          hint: "run with --full-refresh, or set on_schema_change to append_new_columns or "
            + "sync_all_columns"),
        statement: "", action: runner.action)
    case "append_new_columns":
      for column in added {
        try runner.run(
          "alter table \(relation.quoted) add column \(SQLQuoting.identifier(column.name)) "
            + column.type)
      }
      return incoming.map(\.name)
    case "sync_all_columns":
      for column in added {
        try runner.run(
          "alter table \(relation.quoted) add column \(SQLQuoting.identifier(column.name)) "
            + column.type)
      }
      for column in removed {
        try runner.run(
          "alter table \(relation.quoted) drop column \(SQLQuoting.identifier(column.name))")
      }
      for column in retyped {
        let name = SQLQuoting.identifier(column.name)
        try runner.run(
          "alter table \(relation.quoted) alter column \(name) type \(column.type) "
            + "using \(name)::\(column.type)")
      }
      return incoming.map(\.name)
    default:
      // `ignore`: write the columns both sides have; new ones are left out.
      return incoming.map(\.name).filter(existingNames.contains)
    }
  }

  private func columns(of quotedRelation: String) throws(StatementFailure) -> [(
    name: String, type: String
  )] {
    let result = try runner.run(
      """
      select attname, pg_catalog.format_type(atttypid, atttypmod) from pg_catalog.pg_attribute \
      where attrelid = \(SQLQuoting.literal(quotedRelation))::regclass and attnum > 0 \
      and not attisdropped order by attnum
      """)
    return result.rows.compactMap { row in
      guard let name = row[0], let type = row[1] else { return nil }
      return (name, type)
    }
  }
}
