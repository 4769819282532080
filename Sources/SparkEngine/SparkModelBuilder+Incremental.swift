import Adapter
import Compiler
import Diagnostics
import Execution
import Project
import Template

/// Incremental models on Spark, as dbt-spark's strategies mean them: the new rows become a
/// temporary view, then `append` inserts them, `insert_overwrite` replaces the partitions they
/// touch (dynamic partition overwrite) or, without `partition_by`, the whole table, and
/// `merge` / `delete+insert` (delta, iceberg, hudi) match them on `unique_key`. Before that,
/// `on_schema_change` compares the new rows' columns with the table's.
extension SparkModelBuilder {
  var uniqueKey: [String] { node.config.uniqueKey }

  func buildIncremental() throws(StatementFailure) -> BuildOutcome {
    let existing = try SparkEngine.kind(
      of: relation.schema, relation.identifier, runner: runner)
    guard !fullRefresh, existing == .table else {
      var outcome = try buildTable()
      outcome.message = (existing == nil ? "created" : "rebuilt") + " incremental table \(quoted)"
      return outcome
    }
    let strategy = node.config["incremental_strategy"]?.stringValue ?? "append"
    let newRows = SparkSQLText.identifier(relation.identifier + "__swdbt_new")
    try runCreate("create or replace temporary view \(newRows)")
    defer { _ = try? runner.run("drop view if exists \(newRows)") }
    let list = try synchronizeColumns(newRows: newRows)
    let select = "select \(list.joined(separator: ", ")) from \(newRows)"
    let result: QueryResult
    switch strategy {
    case "insert_overwrite":
      let options = SparkTableOptions(node.config, identifier: relation.identifier)
      if options.partitionBy.isEmpty {
        result = try runner.run("insert overwrite table \(quoted) \(select)")
      } else {
        // Only the partitions the new rows hold are replaced, as dbt-spark does.
        try runner.run("set spark.sql.sources.partitionOverwriteMode = DYNAMIC")
        let partitions = options.partitionBy.map(SparkSQLText.identifier).joined(separator: ", ")
        result = try runner.run(
          "insert overwrite table \(quoted) partition (\(partitions)) \(select)")
      }
    case "merge":
      let condition =
        uniqueKey.isEmpty
        ? "false"
        : uniqueKey.map {
          "DBT_INTERNAL_SOURCE.\(SparkSQLText.identifier($0)) = "
            + "DBT_INTERNAL_DEST.\(SparkSQLText.identifier($0))"
        }.joined(separator: " and ")
      result = try runner.run(
        "merge into \(quoted) as DBT_INTERNAL_DEST using \(newRows) as DBT_INTERNAL_SOURCE "
          + "on \(condition) when matched then update set * when not matched then insert *")
    case "delete+insert" where !uniqueKey.isEmpty:
      let matches = uniqueKey.map {
        "DBT_INTERNAL_SOURCE.\(SparkSQLText.identifier($0)) = "
          + "DBT_INTERNAL_DEST.\(SparkSQLText.identifier($0))"
      }.joined(separator: " and ")
      try runner.run(
        "delete from \(quoted) as DBT_INTERNAL_DEST where exists (select 1 from \(newRows) "
          + "as DBT_INTERNAL_SOURCE where \(matches))")
      result = try runner.run("insert into table \(quoted) \(select)")
    default:
      result = try runner.run("insert into table \(quoted) \(select)")
    }
    return BuildOutcome(
      commandTag: result.commandTag, rowsAffected: nil,
      message: "\(strategy) into incremental table \(quoted)")
  }

  /// Applies `on_schema_change` and returns what to select from the new rows, one expression
  /// per column of the table in its order (the positional insert needs that order).
  private func synchronizeColumns(newRows: String) throws(StatementFailure) -> [String] {
    let policy = node.config["on_schema_change"]?.stringValue ?? "ignore"
    guard policy != "ignore" else {
      // The default path: one look-up, the table's columns taken from the new rows.
      let table = DescribedTable(try runner.run("describe table \(quoted)").rows)
      return table.columns.map { SparkSQLText.identifier($0.name) }
    }
    let table = DescribedTable(try runner.run("describe table extended \(quoted)").rows)
    let incoming = DescribedTable(try runner.run("describe table \(newRows)").rows).columns
    let changes = ColumnChanges(
      existing: table.columns.map { ColumnChanges.Column(name: $0.name, type: $0.type) },
      incoming: incoming.map { ColumnChanges.Column(name: $0.name, type: $0.type) },
      caseInsensitive: true)
    var columns = table.columns
    if !changes.isEmpty {
      switch policy {
      case "fail":
        throw StatementFailure(
          error: changes.failure(of: quoted), statement: "", action: runner.action)
      case "sync_all_columns":
        try dropAndRetype(changes, format: table.provider ?? options.fileFormat)
        fallthrough
      case "append_new_columns":
        if !changes.added.isEmpty {
          let definitions = changes.added.map { "\(SparkSQLText.identifier($0.name)) \($0.type)" }
          try runner.run(
            "alter table \(quoted) add columns (\(definitions.joined(separator: ", ")))")
        }
        // The table's own order after the change (added columns go before partition columns).
        columns = DescribedTable(try runner.run("describe table \(quoted)").rows).columns
      default:
        break  // other values are refused when the project loads
      }
    }
    // Columns the new rows lack (kept by `append_new_columns`) are null in them.
    let incomingNames = Set(incoming.map { $0.name.lowercased() })
    return columns.map { column in
      incomingNames.contains(column.name.lowercased())
        ? SparkSQLText.identifier(column.name) : "cast(null as \(column.type))"
    }
  }

  /// `sync_all_columns`' removals and type changes, which only delta and iceberg tables take:
  /// on other formats nothing is altered and the node stops naming the columns.
  private func dropAndRetype(_ changes: ColumnChanges, format: String) throws(StatementFailure) {
    guard !changes.removed.isEmpty || !changes.retyped.isEmpty else { return }
    guard ["delta", "iceberg"].contains(format) else {
      var parts: [String] = []
      if !changes.removed.isEmpty { parts.append("remove " + ColumnChanges.names(changes.removed)) }
      if !changes.retyped.isEmpty {
        parts.append(
          "change the type of "
            + changes.retyped.map { "`\($0.name)` to \($0.type)" }.joined(separator: ", "))
      }
      throw failure(
        .error(
          "run.spark-schema-change",
          "on_schema_change `sync_all_columns` of `\(node.name)` would "
            + parts.joined(separator: " and ") + " in \(quoted), but `\(format)` tables on "
            + "Spark cannot drop or retype columns; nothing was changed",
          path: node.originalFilePath,
          hint: "run with --full-refresh to rebuild the table, set on_schema_change to "
            + "append_new_columns (removed columns stay, null in new rows), or use "
            + "`file_format: delta` or `iceberg`"))
    }
    if !changes.removed.isEmpty {
      let names = changes.removed.map { SparkSQLText.identifier($0.name) }
      try runner.run("alter table \(quoted) drop columns (\(names.joined(separator: ", ")))")
    }
    for column in changes.retyped {
      try runner.run(
        "alter table \(quoted) alter column \(SparkSQLText.identifier(column.name)) "
          + "type \(column.type)")
    }
  }
}
