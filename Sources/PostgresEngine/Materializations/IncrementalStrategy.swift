import Adapter
import Diagnostics
import Execution
import Project

/// The statements that write an incremental model's new rows into its table, as dbt's
/// `get_merge_sql` / `get_delete_insert_merge_sql` mean them on PostgreSQL: the table is
/// `DBT_INTERNAL_DEST` and the new rows `DBT_INTERNAL_SOURCE`, so that `incremental_predicates`
/// written for dbt work unchanged.
struct IncrementalStrategy {
  /// The quoted table.
  let target: String
  /// The quoted temporary table of new rows.
  let source: String
  /// The `unique_key` columns.
  let uniqueKey: [String]
  /// The columns written, in order.
  let columns: [String]
  /// `incremental_predicates` (or dbt's older `predicates`), each a SQL condition.
  let predicates: [String]
  /// The columns a matched row updates in a merge.
  let updateColumns: [String]

  /// The predicates a node configures: dbt reads `predicates` first, then
  /// `incremental_predicates`; a single string is one predicate.
  static func predicates(of config: NodeConfig) -> [String] {
    let value = config["predicates"] ?? config["incremental_predicates"]
    return value.map(NodeConfig.strings)?.filter { !$0.isEmpty } ?? []
  }

  /// The columns a merge updates: `merge_update_columns`, or every column but those of
  /// `merge_exclude_columns` (compared case-insensitively, as dbt does), or every column; the
  /// key columns only when listed (setting a key to itself changes nothing). Fails when the
  /// configuration cannot be honoured.
  static func updateColumns(
    config: NodeConfig, columns: [String], uniqueKey: [String], model: String
  ) -> Result<
    [String], IncrementalConfigError
  > {
    let update = config["merge_update_columns"].map(NodeConfig.strings) ?? []
    let exclude = config["merge_exclude_columns"].map(NodeConfig.strings) ?? []
    if !update.isEmpty, !exclude.isEmpty {
      return .failure(
        IncrementalConfigError(
          message: "`\(model)` sets both `merge_update_columns` and `merge_exclude_columns`",
          hint: "keep one of them: the columns to update, or the columns to leave alone"))
    }
    if !update.isEmpty {
      var resolved: [String] = []
      for name in update {
        // An unquoted name in dbt's SQL folds to lower case; an exact match wins.
        guard
          let column = columns.first(where: { $0 == name })
            ?? columns.first(where: { $0 == name.lowercased() })
        else {
          return .failure(
            IncrementalConfigError(
              message: "`merge_update_columns` names `\(name)`, which `\(model)` does not have",
              hint: Suggestions.didYouMean(name, in: columns)
                ?? "its columns are \(columns.map { "`\($0)`" }.joined(separator: ", "))"))
        }
        if !resolved.contains(column) { resolved.append(column) }
      }
      return .success(resolved)
    }
    let excluded = Set(exclude.map { $0.lowercased() })
    return .success(
      columns.filter { !excluded.contains($0.lowercased()) && !uniqueKey.contains($0) })
  }

  private var columnList: String { columns.map(SQLQuoting.identifier).joined(separator: ", ") }

  /// `insert into target (columns) select columns from source`.
  var insert: String {
    "insert into \(target) (\(columnList)) select \(columnList) from \(source)"
  }

  /// Deletes the rows whose key comes again (narrowed by the predicates), before `insert`.
  var delete: String {
    let keys = uniqueKey.map(SQLQuoting.identifier).joined(separator: ", ")
    return "delete from \(target) as DBT_INTERNAL_DEST where (\(keys)) in "
      + "(select distinct \(keys) from \(source) as DBT_INTERNAL_SOURCE)"
      + predicates.map { " and (\($0))" }.joined()
  }

  /// One `merge`: rows matching on the key (and the predicates) update `updateColumns`, the
  /// others are inserted.
  var merge: String {
    let match =
      predicates.map { "(\($0))" }
      + uniqueKey.map {
        "(DBT_INTERNAL_SOURCE.\(SQLQuoting.identifier($0)) = "
          + "DBT_INTERNAL_DEST.\(SQLQuoting.identifier($0)))"
      }
    let updates = updateColumns.map {
      "\(SQLQuoting.identifier($0)) = DBT_INTERNAL_SOURCE.\(SQLQuoting.identifier($0))"
    }
    let values = columns.map { "DBT_INTERNAL_SOURCE.\(SQLQuoting.identifier($0))" }
      .joined(separator: ", ")
    return "merge into \(target) as DBT_INTERNAL_DEST using \(source) as DBT_INTERNAL_SOURCE "
      + "on \(match.joined(separator: " and "))"
      + (updates.isEmpty ? "" : " when matched then update set " + updates.joined(separator: ", "))
      + " when not matched then insert (\(columnList)) values (\(values))"
  }
}

/// An incremental configuration that cannot be carried out as written.
struct IncrementalConfigError: Error {
  /// What is wrong, naming the keys.
  let message: String
  /// What to do instead.
  let hint: String?
}
