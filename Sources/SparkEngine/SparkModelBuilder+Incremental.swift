import Adapter
import Compiler
import Diagnostics
import Execution
import Project
import Template

/// Incremental models on Spark, as dbt-spark's strategies mean them: the new rows become a
/// temporary view, then `append` inserts them, `insert_overwrite` replaces the partitions they
/// touch (dynamic partition overwrite) or, without `partition_by`, the whole table, and
/// `merge` / `delete+insert` (delta, iceberg, hudi) match them on `unique_key`.
extension SparkModelBuilder {
  var uniqueKey: [String] {
    guard let value = node.config["unique_key"] else { return [] }
    return NodeConfig.strings(value).flatMap { $0.split(separator: ",") }.map {
      String($0).trimmingWhitespace()
    }.filter { !$0.isEmpty }
  }

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
    let columns = DescribedTable(try runner.run("describe table \(quoted)").rows).columns.map(
      \.name)
    let list = columns.map(SparkSQLText.identifier).joined(separator: ", ")
    let select = "select \(list) from \(newRows)"
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
}
