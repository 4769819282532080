import Adapter
import Compiler
import Diagnostics
import Execution
import Foundation
import OrderedCollections
import Project
import Template

/// One entry of a model's `indexes` config, or an index read back from the catalog.
struct IndexSpec: Equatable, Sendable {
  /// The key columns or expressions, as written (pasted into the DDL, as dbt does).
  var columns: [String]
  /// Whether the index is unique.
  var unique: Bool
  /// The access method (`btree`, `hash`, `gin`, ...), nil for the default.
  var type: String?
  /// The index's name, for indexes read from the catalog.
  var name: String? = nil

  /// Whether two specs describe the same index: same columns (as PostgreSQL folds unquoted
  /// names), uniqueness and method; names do not count.
  func matches(_ other: IndexSpec) -> Bool {
    columns.map(IndexSpec.normalized) == other.columns.map(IndexSpec.normalized)
      && unique == other.unique
      && (type ?? "btree").lowercased()
        == (other.type ?? "btree")
        .lowercased()
  }

  private static func normalized(_ column: String) -> String {
    let trimmed = column.trimmingCharacters(in: .whitespaces)
    if trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") {
      return String(trimmed.dropFirst().dropLast()).replacing("\"\"", with: "\"")
    }
    return trimmed.lowercased()
  }
}

/// Creates and compares the `indexes` of tables, incremental models and materialized views.
///
/// Indexes are created on the new relation before it is swapped in, so the swap stays one
/// atomic step and the relation is never visible without them.
enum Indexes {
  /// The configured indexes (the config schema has checked their shape).
  static func configured(_ config: NodeConfig) -> [IndexSpec] {
    guard case .list(let items)? = config["indexes"] else { return [] }
    return items.compactMap { item in
      guard case .dict(let entries) = item, let columns = entries["columns"] else { return nil }
      return IndexSpec(
        columns: NodeConfig.strings(columns), unique: entries["unique"]?.isTruthy ?? false,
        type: entries["type"]?.stringValue)
    }
  }

  /// `create [unique] index` statements for `specs` on `quotedRelation`, named after
  /// `identifier` with a hash that includes the time, so a new relation's indexes never clash
  /// with those of the relation it replaces (index names share the schema's namespace).
  static func createStatements(_ specs: [IndexSpec], on quotedRelation: String, identifier: String)
    -> [String]
  {
    let now = String(Date().timeIntervalSince1970)
    return specs.enumerated().map { position, spec in
      let seed =
        ([quotedRelation, String(position), String(spec.unique), spec.type ?? "", now]
        + spec.columns).joined(separator: "\u{1f}")
      let hash = String(StableHash.fnv1a(seed), radix: 16)
      let name = RelationSwap.suffixed(identifier, "_" + hash + "_idx")
      return "create \(spec.unique ? "unique " : "")index \(SQLQuoting.identifier(name)) on "
        + quotedRelation + (spec.type.map { " using \($0)" } ?? "")
        + " (\(spec.columns.joined(separator: ", ")))"
    }
  }

  /// Creates the configured indexes on a relation.
  static func create(
    _ config: NodeConfig, on quotedRelation: String, identifier: String, runner: StatementRunner
  ) throws(StatementFailure) {
    let statements = createStatements(
      configured(config), on: quotedRelation, identifier: identifier)
    for statement in statements { try runner.run(statement) }
  }

  /// The indexes a relation has, with their key columns as PostgreSQL prints them.
  static func existing(on relation: RelationName, runner: StatementRunner)
    throws(StatementFailure) -> [IndexSpec]
  {
    let result = try runner.run(
      """
      select i.relname, am.amname, x.indisunique::text, \
      (select string_agg(pg_catalog.pg_get_indexdef(x.indexrelid, k, true), E'\\x1f' order by k) \
      from generate_series(1, x.indnkeyatts) k) \
      from pg_catalog.pg_index x join pg_catalog.pg_class i on i.oid = x.indexrelid \
      join pg_catalog.pg_am am on am.oid = i.relam \
      where x.indrelid = \(SQLQuoting.literal(relation.quoted))::regclass order by i.relname
      """)
    return result.rows.compactMap { row in
      guard row.count == 4, let name = row[0], let method = row[1], let keys = row[3] else {
        return nil
      }
      return IndexSpec(
        columns: keys.split(separator: "\u{1f}").map(String.init), unique: row[2] == "true",
        type: method, name: name)
    }
  }

  /// What turns the indexes a relation has into the configured ones.
  static func changes(configured: [IndexSpec], existing: [IndexSpec]) -> (
    drop: [IndexSpec], create: [IndexSpec]
  ) {
    let drop = existing.filter { index in !configured.contains { $0.matches(index) } }
    let create = configured.filter { index in !existing.contains { $0.matches(index) } }
    return (drop, create)
  }

  /// Adds the configured indexes an existing incremental table lacks (a config that gained an
  /// index); indexes it has beyond the config are left, as they may be someone else's.
  static func addMissing(
    _ config: NodeConfig, to relation: RelationName, runner: StatementRunner
  ) throws(StatementFailure) {
    let wanted = configured(config)
    guard !wanted.isEmpty else { return }
    let missing = changes(configured: wanted, existing: try existing(on: relation, runner: runner))
      .create
    for statement in createStatements(
      missing, on: relation.quoted, identifier: relation.identifier)
    {
      try runner.run(statement)
    }
  }
}

extension Indexes {
  /// Warnings for relation properties the node's materialization cannot have (a view has no
  /// indexes; only tables can be unlogged), so that they are not silently dropped.
  static func inapplicable(to node: CompiledNode) -> [Diagnostic] {
    let materialized = node.config.materialized
    var keys: [String] = []
    if node.config.materialization == .view, !configured(node.config).isEmpty {
      keys.append("indexes")
    }
    if node.config.materialization == .view || node.config.materialization == .materializedView,
      node.config["unlogged"]?.isTruthy == true
    {
      keys.append("unlogged")
    }
    return keys.map { key in
      .warning(
        "run.inapplicable-config",
        "`\(key)` has no effect on `\(node.name)`, a \(materialized.replacing("_", with: " "))",
        path: node.originalFilePath,
        hint: key == "indexes"
          ? "indexes need a table or a materialized view" : "only tables can be unlogged")
    }
  }
}
