import Adapter
import Compiler
import Diagnostics
import Execution
import Project

/// The `snapshot` materialization: dbt's type-2 history of a query, in the node's one
/// transaction (a failure leaves the table as it was).
///
/// The first run creates the table from the query with dbt's meta columns. Later runs compare
/// the query with the table's current rows in one hash join on the key (NULL key parts match
/// each other), keep the changed keys in a temporary table, then close the old versions (by
/// `ctid`, under a table lock that keeps concurrent writers out) and insert the new ones.
/// A key that would get two current versions fails the snapshot before anything is written.
extension ModelBuilder {
  func buildSnapshot() throws(StatementFailure) -> BuildOutcome {
    let settings: SnapshotConfig
    switch SnapshotConfig.read(node.config, name: node.name) {
    case .success(let read): settings = read
    case .failure(let problem): throw snapshotFailure(problem.message, hint: problem.hint)
    }
    let existing = try RelationSwap.kind(of: relation.schema, relation.identifier, runner: runner)
    switch existing {
    case nil: return try createSnapshot(settings)
    case "r", "p": return try mergeSnapshot(settings)
    case let kind?:
      throw snapshotFailure(
        "\(relation.quoted) is a \(RelationSwap.keyword(for: kind)), not a snapshot table",
        hint: "drop it, or give the snapshot another `alias` or schema")
    }
  }

  private func snapshotFailure(_ message: String, hint: String) -> StatementFailure {
    StatementFailure(
      error: DatabaseError(.statement, message, hint: hint), statement: "", action: runner.action)
  }

  /// The first run: the query's rows, each its own first version.
  private func createSnapshot(_ settings: SnapshotConfig) throws(StatementFailure)
    -> BuildOutcome
  {
    let updated = settings.updatedAtExpression
    var meta = [
      "\(settings.scdIDExpression(updatedAt: updated)) as \(settings.scdID)",
      "\(updated) as \(settings.updatedAt)",
      "\(updated) as \(settings.validFrom)",
      // Typed like `updated_at`, as dbt's `coalesce(nullif(u, u), current)`.
      "coalesce(nullif(\(updated), \(updated)), \(settings.openValidTo)) as \(settings.validTo)",
    ]
    if settings.hardDeletes == .newRecord { meta.append("'False'::text as \(settings.isDeleted)") }
    let prefix =
      "create table \(relation.quoted) as\nselect *,\n  "
      + meta.joined(separator: ",\n  ") + "\nfrom (\n"
    let result = try runner.run(prefix + sql + "\n) sbq", modelOffset: prefix.utf8.count)
    try checkUniqueKey(settings, in: relation.quoted, filter: "true")
    try runner.run("analyze \(relation.quoted)")
    return BuildOutcome(
      commandTag: result.commandTag, rowsAffected: result.rowsAffected,
      message: "created snapshot \(relation.quoted)")
  }

  /// Later runs: close changed and deleted rows, insert their new versions.
  private func mergeSnapshot(_ settings: SnapshotConfig) throws(StatementFailure)
    -> BuildOutcome
  {
    let target = relation.quoted
    // Keeps other writers (another project's run, a manual update) from moving the rows whose
    // `ctid`s the staging table holds; readers are not blocked.
    try runner.run("lock table \(target) in exclusive mode")
    let query = SQLQuoting.identifier(RelationSwap.suffixed(relation.identifier, "__swdbt_query"))
    let staging = SQLQuoting.identifier(
      RelationSwap.suffixed(relation.identifier, "__swdbt_changes"))
    let viewPrefix = "create temporary view \(query) as (\n"
    try runner.run(viewPrefix + sql + "\n)", modelOffset: viewPrefix.utf8.count)
    let queryColumns = try columns(of: query)
    var tableColumns = try columns(of: target)
    let tableNames = Set(tableColumns.map { $0.name.lowercased() })
    var missingMeta = [settings.scdID, settings.validFrom, settings.validTo, settings.updatedAt]
      .filter { !tableNames.contains($0.lowercased()) }
    if settings.hardDeletes == .newRecord, !tableNames.contains(settings.isDeleted.lowercased()) {
      // A snapshot that starts recording deletions gets the column; older rows are not deleted.
      try runner.run("alter table \(target) add column \(settings.isDeleted) text")
      try runner.run("update \(target) set \(settings.isDeleted) = 'False'")
      missingMeta.removeAll { $0 == settings.isDeleted }
    }
    guard missingMeta.isEmpty else {
      throw snapshotFailure(
        "\(target) is not a snapshot table: it has no "
          + missingMeta.map { "`\($0)`" }.joined(separator: ", "),
        hint: "drop it or give the snapshot another `alias`; a snapshot's history starts with "
          + "the table it creates")
    }
    let metaNames = Set(settings.metaColumns.map { $0.lowercased() })
    let dataColumns = queryColumns.filter { !metaNames.contains($0.name.lowercased()) }
    // New columns of the query are added (older versions hold NULL in them).
    var addedColumns: [String] = []
    for column in dataColumns where !tableColumns.contains(where: { $0.name == column.name }) {
      try runner.run(
        "alter table \(target) add column \(SQLQuoting.identifier(column.name)) \(column.type)")
      tableColumns.append(column)
      addedColumns.append(column.name)
    }
    if let current = settings.validToCurrent {
      // Set later than the table was made: existing current rows get it too (dbt leaves
      // them NULL, and then its own comparisons miss them).
      try runner.run(
        "update \(target) set \(settings.validTo) = \(current) where \(settings.validTo) is null")
    }
    let quotedData = dataColumns.map { SQLQuoting.identifier($0.name) }
    let changed = rowChanged(settings, queryColumns: dataColumns, addedColumns: addedColumns)
    let deletes = settings.hardDeletes != .ignore
    var keep = ["c.swdbt_key is null", "(s.swdbt_key is not null and (\(changed)))"]
    if deletes {
      keep.append(
        settings.hardDeletes == .newRecord
          ? "(s.swdbt_key is null and c.\(settings.isDeleted) is distinct from 'True')"
          : "s.swdbt_key is null")
    }
    let stagingSQL = """
      create temporary table \(staging) on commit drop as
      with source_data as (
        select \(settings.keyExpression) as swdbt_key,
          \(settings.updatedAtExpression) as swdbt_updated_at, *
        from \(query)
      ),
      current_data as (
        select ctid as swdbt_row, \(settings.keyExpression) as swdbt_key, *
        from \(target) as t where \(settings.isCurrent("t"))
      )
      select
        case when c.swdbt_key is null then 'insert' when s.swdbt_key is null then 'delete'
          else 'update' end as swdbt_change,
        c.swdbt_row, s.swdbt_key as swdbt_new_key, s.swdbt_updated_at\
      \(quotedData.map { ", s.\($0)" }.joined())
      from source_data as s \(deletes ? "full" : "left") join current_data as c
        on c.swdbt_key = s.swdbt_key
      where \(keep.joined(separator: "\n  or "))
      """
    // The key is an expression, whose join size the planner overestimates a thousandfold: it
    // picks a merge join over sorts spilled to disk, and compiles it with JIT. A hash join in
    // memory takes a third of the time (1,000,000 rows).
    let plannerSettings = ["jit": "off", "enable_mergejoin": "off", "work_mem": "'256MB'"]
    for (name, value) in plannerSettings.sorted(by: { $0.key < $1.key }) {
      try runner.run("set local \(name) = \(value)")
    }
    try runner.run(stagingSQL)
    for name in plannerSettings.keys.sorted() { try runner.run("reset \(name)") }
    try checkUniqueKey(
      settings, in: staging, filter: "swdbt_change <> 'delete'", keyColumn: "swdbt_new_key")
    var counts: [String: Int] = [:]
    for row in try runner.run("select swdbt_change, count(*) from \(staging) group by 1").rows {
      if let change = row[0], let count = row[1].flatMap({ Int($0) }) { counts[change] = count }
    }
    let insertColumns = (quotedData + settings.metaColumns).joined(separator: ", ")
    if settings.hardDeletes == .newRecord, counts["delete", default: 0] > 0 {
      // A deleted key's last version is copied as a current row marked deleted.
      try runner.run(
        """
        insert into \(target) (\(insertColumns))
        select \(quotedData.map { "t.\($0)" }.joined(separator: ", "))\
        \(quotedData.isEmpty ? "" : ", ")\
        md5(coalesce(cast(t.\(settings.scdID) as varchar), '') || '|' || \
        coalesce(cast(\(SnapshotConfig.now) as varchar), '')), \(SnapshotConfig.now), \
        \(SnapshotConfig.now), t.\(settings.validTo), 'True'
        from \(target) as t join \(staging) as c on t.ctid = c.swdbt_row
        where c.swdbt_change = 'delete'
        """)
    }
    if counts["update", default: 0] + counts["delete", default: 0] > 0 {
      try runner.run(
        """
        update \(target) as t set \(settings.validTo) = case c.swdbt_change \
        when 'delete' then \(SnapshotConfig.now) else c.swdbt_updated_at end
        from \(staging) as c
        where t.ctid = c.swdbt_row and c.swdbt_change in ('update', 'delete')
        """)
    }
    var newMeta = [
      settings.scdIDExpression(updatedAt: "swdbt_updated_at"), "swdbt_updated_at",
      "swdbt_updated_at", settings.openValidTo,
    ]
    if settings.hardDeletes == .newRecord { newMeta.append("'False'") }
    let inserted = try runner.run(
      """
      insert into \(target) (\(insertColumns))
      select \((quotedData + newMeta).joined(separator: ", "))
      from \(staging) where swdbt_change in ('insert', 'update')
      """)
    try runner.run("drop view \(query)")
    let parts = [("insert", "new"), ("update", "changed"), ("delete", "deleted")].compactMap {
      key, word in counts[key].map { "\($0) \(word)" }
    }
    return BuildOutcome(
      commandTag: inserted.commandTag, rowsAffected: inserted.rowsAffected,
      message: "snapshotted \(target)"
        + (parts.isEmpty ? ": no change" : ": " + parts.joined(separator: ", ")))
  }

  /// Whether a current row `c` and the query's row `s` of one key differ.
  private func rowChanged(
    _ settings: SnapshotConfig, queryColumns: [(name: String, type: String)],
    addedColumns: [String]
  ) -> String {
    switch settings.strategy {
    case .timestamp:
      return "c.\(settings.validFrom) < s.swdbt_updated_at" + revived(settings)
    case .check(let listed):
      let names = listed ?? queryColumns.map { SQLQuoting.identifier($0.name) }
      // As dbt: a compared column the table did not have yet changes every row.
      let added = Set(addedColumns.map { SQLQuoting.identifier($0) })
      if listed == nil ? names.contains(where: added.contains) : false { return "true" }
      // NULL and a value differ; two NULLs do not (`is distinct from`).
      let differences = names.map { "c.\($0) is distinct from s.\($0)" }
      return (differences.isEmpty ? "false" : differences.joined(separator: " or "))
        + revived(settings)
    }
  }

  /// With `new_record`, a key whose current row records its deletion is back: a change.
  private func revived(_ settings: SnapshotConfig) -> String {
    settings.hardDeletes == .newRecord ? " or c.\(settings.isDeleted) = 'True'" : ""
  }

  /// Fails when a key would get more than one current version: the query repeats it.
  private func checkUniqueKey(
    _ settings: SnapshotConfig, in relation: String, filter: String,
    keyColumn: String? = nil
  ) throws(StatementFailure) {
    let key = keyColumn ?? settings.keyExpression
    let result = try runner.run(
      """
      select count(*) from (select 1 from \(relation) where \(filter) \
      group by \(key) having count(*) > 1) as repeated
      """)
    guard let count = result.scalar.flatMap({ Int($0) }), count > 0 else { return }
    throw snapshotFailure(
      "the unique_key of snapshot `\(node.name)` ("
        + settings.uniqueKey.map { "`\($0)`" }.joined(separator: ", ")
        + ") is not unique: \(count) key\(count == 1 ? "" : "s") would get more than one "
        + "current row; nothing was written",
      hint: "make the key unique in the snapshot's query (or add columns to `unique_key`)")
  }
}
