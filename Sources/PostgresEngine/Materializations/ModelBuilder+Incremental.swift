import Adapter
import Compiler
import Diagnostics
import Execution
import Project
import Template

/// Incremental models: append, delete+insert and merge into the existing table, after
/// `on_schema_change`; the first build and `--full-refresh` build a table.
extension ModelBuilder {
  var uniqueKey: [String] { node.config.uniqueKey }

  /// Writes the model's new rows into the existing table with the configured strategy.
  func buildIncremental() throws(StatementFailure) -> BuildOutcome {
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
    let predicates = IncrementalStrategy.predicates(of: node.config)
    // dbt-postgres runs each microbatch as a merge on the unique key.
    let merges = strategy == "merge" || strategy == "microbatch"
    let keyed = !uniqueKey.isEmpty && (merges || strategy == "delete+insert")
    if !predicates.isEmpty, !keyed {
      warnings.append(
        .warning(
          "run.predicates-unused",
          "`incremental_predicates` of `\(node.name)` have no effect: the `\(strategy)` strategy"
            + (uniqueKey.isEmpty ? " without a `unique_key`" : "") + " deletes and matches nothing",
          path: node.originalFilePath,
          hint: "set a `unique_key` and the `merge` or `delete+insert` strategy, "
            + "or remove the predicates"))
    }
    let mergeKeys = ["merge_update_columns", "merge_exclude_columns"].filter {
      node.config[$0] != nil
    }
    if !mergeKeys.isEmpty, !keyed || !merges {
      warnings.append(
        .warning(
          "run.merge-columns-unused",
          mergeKeys.map { "`\($0)`" }.joined(separator: " and ") + " of `\(node.name)` "
            + "\(mergeKeys.count == 1 ? "has" : "have") no effect: only a `merge` with a "
            + "`unique_key` updates rows",
          path: node.originalFilePath,
          hint: "set `incremental_strategy: merge` and a `unique_key`, or remove it"))
    }
    var updateColumns: [String] = []
    if keyed, merges {
      switch IncrementalStrategy.updateColumns(
        config: node.config, columns: columns, uniqueKey: uniqueKey, model: node.name)
      {
      case .success(let resolved): updateColumns = resolved
      case .failure(let problem):
        throw StatementFailure(
          error: DatabaseError(.statement, problem.message, hint: problem.hint),
          statement: "", action: runner.action)
      }
    }
    let writer = IncrementalStrategy(
      target: relation.quoted, source: newRows, uniqueKey: uniqueKey, columns: columns,
      predicates: predicates, updateColumns: updateColumns)
    let result: QueryResult
    switch strategy {
    case "delete+insert" where keyed:
      try runner.run(writer.delete)
      result = try runner.run(writer.insert)
    case "merge" where keyed, "microbatch" where keyed:
      result = try runner.run(writer.merge)
    default:
      result = try runner.run(writer.insert)
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
    let changes = ColumnChanges(
      existing: existing.map { ColumnChanges.Column(name: $0.name, type: $0.type) },
      incoming: incoming.map { ColumnChanges.Column(name: $0.name, type: $0.type) })
    let added = changes.added
    let removed = changes.removed
    let retyped = changes.retyped
    let policy = node.config["on_schema_change"]?.stringValue ?? "ignore"
    switch policy {
    case "fail" where !changes.isEmpty:
      throw StatementFailure(
        error: changes.failure(of: relation.quoted), statement: "", action: runner.action)
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

  func columns(of quotedRelation: String) throws(StatementFailure) -> [(
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
