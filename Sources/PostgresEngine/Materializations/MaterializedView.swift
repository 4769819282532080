import Adapter
import Compiler
import Diagnostics
import Execution
import Project
import Template

/// The `materialized_view` materialization, as dbt-postgres runs it, in one transaction:
/// created (under a temporary name, with its indexes, then swapped in); on later runs
/// refreshed; rebuilt through the swap on `--full-refresh`, when the relation is of another
/// kind, or when the model's query changed; when only its indexes changed,
/// `on_configuration_change` decides: `apply` (default) drops and creates indexes in place and
/// refreshes, `continue` leaves it as it is with a warning, `fail` fails the node.
extension ModelBuilder {
  func buildMaterializedView() throws(StatementFailure) -> BuildOutcome {
    let existing = try RelationSwap.kind(of: relation.schema, relation.identifier, runner: runner)
    if existing == "m", !fullRefresh, let outcome = try updateMaterializedView() {
      return outcome
    }
    let result = try RelationSwap.replace(relation, as: "m", runner: runner) {
      (temporary: String) throws(StatementFailure) -> QueryResult in
      let prefix = "create materialized view \(temporary) as (\n"
      let created = try runner.run(prefix + sql + "\n)", modelOffset: prefix.utf8.count)
      try Indexes.create(
        node.config, on: temporary, identifier: relation.identifier, runner: runner)
      try runner.run("analyze \(temporary)")
      return created
    }
    return BuildOutcome(
      commandTag: result.commandTag, rowsAffected: result.rowsAffected,
      message: (existing == nil ? "created" : "replaced") + " materialized view "
        + relation.quoted)
  }

  /// Refreshes or alters the existing materialized view; nil when it must be rebuilt.
  private func updateMaterializedView() throws(StatementFailure) -> BuildOutcome? {
    let queryChanged = try materializedViewQueryChanged()
    let (drop, create) = Indexes.changes(
      configured: Indexes.configured(node.config),
      existing: try Indexes.existing(on: relation, runner: runner))
    if !queryChanged, drop.isEmpty, create.isEmpty {
      let result = try runner.run("refresh materialized view \(relation.quoted)")
      return BuildOutcome(
        commandTag: result.commandTag, rowsAffected: nil,
        message: "refreshed materialized view \(relation.quoted)")
    }
    var changes: [String] = []
    if queryChanged { changes.append("query") }
    if !drop.isEmpty || !create.isEmpty { changes.append("indexes") }
    let what = "the " + changes.joined(separator: " and the ")
    switch node.config["on_configuration_change"]?.stringValue ?? "apply" {
    case "continue":
      return BuildOutcome(
        commandTag: "", rowsAffected: nil,
        message: "kept materialized view \(relation.quoted) as it is",
        warnings: [
          .warning(
            "run.configuration-change-continue",
            "\(what) of materialized view \(relation.quoted) changed and "
              + "`on_configuration_change` is `continue`: it is left as it is, not refreshed",
            path: node.originalFilePath,
            hint: "set on_configuration_change to `apply`, or run with --full-refresh")
        ])
    case "fail":
      throw StatementFailure(
        error: DatabaseError(
          .statement,
          "\(what) of materialized view \(relation.quoted) changed and "
            + "`on_configuration_change` is `fail`",
          hint: "run with --full-refresh, or set on_configuration_change to `apply`"),
        statement: "", action: runner.action)
    default:
      if queryChanged { return nil }
      for index in drop {
        guard let name = index.name else { continue }
        try runner.run(
          "drop index \(SQLQuoting.relation(relation.schema, name))")
      }
      for statement in Indexes.createStatements(
        create, on: relation.quoted, identifier: relation.identifier)
      {
        try runner.run(statement)
      }
      // dbt only alters the indexes; a run of the model also brings its rows up to date.
      let result = try runner.run("refresh materialized view \(relation.quoted)")
      return BuildOutcome(
        commandTag: result.commandTag, rowsAffected: nil,
        message: "altered indexes of materialized view \(relation.quoted) and refreshed it")
    }
  }

  /// Whether the model's query differs from the one the materialized view was built from:
  /// both are compared as PostgreSQL prints them back (`pg_get_viewdef`), so formatting and
  /// comments do not count, while a `*` over a parent that gained a column does.
  private func materializedViewQueryChanged() throws(StatementFailure) -> Bool {
    let probe = SQLQuoting.identifier(
      RelationSwap.suffixed(relation.identifier, "__swdbt_probe"))
    let prefix = "create temporary view \(probe) as (\n"
    try runner.run(prefix + sql + "\n)", modelOffset: prefix.utf8.count)
    let same = try runner.run(
      "select pg_catalog.pg_get_viewdef(\(SQLQuoting.literal(relation.quoted))::regclass) "
        + "= pg_catalog.pg_get_viewdef(\(SQLQuoting.literal("pg_temp." + probe))::regclass)")
    try runner.run("drop view pg_temp.\(probe)")
    return same.scalar != "t"
  }
}
