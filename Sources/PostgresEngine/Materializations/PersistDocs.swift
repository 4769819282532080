import Adapter
import Compiler
import Diagnostics
import Execution
import Foundation
import OrderedCollections
import Project
import Template

/// Writes a model's YAML descriptions as PostgreSQL comments (`persist_docs`), on the relation
/// just built, in the node's transaction: after a swap the new relation carries them, and a
/// failed build leaves the old relation with its old comments.
struct PersistDocs {
  /// The model's YAML documentation.
  let patch: ModelPatch
  /// The project's `{% docs %}` blocks, for `{{ doc('name') }}` in descriptions.
  let docs: [String: DocsBlock]

  /// Whether the config asks for relation or column comments.
  static func isRequested(_ config: NodeConfig) -> Bool {
    guard case .dict(let entries)? = config["persist_docs"] else { return false }
    return entries.values.contains(where: \.isTruthy)
  }

  /// The keyword of `comment on` for the relation a model builds.
  static func keyword(_ config: NodeConfig) -> String {
    switch config.materialization {
    case .view: "view"
    case .materializedView: "materialized view"
    case .table, .incremental, .ephemeral, .snapshot, .seed: "table"
    }
  }

  /// Writes the comments; returns a warning naming documented columns the relation lacks.
  func apply(
    _ config: NodeConfig, to relation: RelationName, keyword: String, node: CompiledNode,
    runner: StatementRunner
  ) throws(StatementFailure) -> [Diagnostic] {
    guard case .dict(let entries)? = config["persist_docs"] else { return [] }
    var statements: [String] = []
    // As dbt: no description, no relation comment (an existing one is left).
    if entries["relation"]?.isTruthy == true, !patch.description.isEmpty {
      statements.append(
        "comment on \(keyword) \(relation.quoted) is "
          + SQLQuoting.literal(rendered(patch.description)))
    }
    var missing: [String] = []
    if entries["columns"]?.isTruthy == true, !patch.columns.isEmpty {
      let physical = try columnNames(of: relation, runner: runner)
      for column in patch.columns {
        guard let name = PersistDocs.match(column, in: physical) else {
          missing.append(column.name)
          continue
        }
        statements.append(
          "comment on column \(relation.quoted).\(SQLQuoting.identifier(name)) is "
            + SQLQuoting.literal(rendered(column.description)))
      }
    }
    // One round trip for all of them.
    if !statements.isEmpty { try runner.run(statements.joined(separator: ";\n")) }
    guard !missing.isEmpty else { return [] }
    return [
      .warning(
        "run.persist-docs-missing-column",
        "the YAML of `\(node.name)` documents column\(missing.count == 1 ? "" : "s") "
          + missing.map { "`\($0)`" }.joined(separator: ", ")
          + ", which \(relation.quoted) does not have; no comment is written for "
          + (missing.count == 1 ? "it" : "them"),
        path: node.originalFilePath,
        hint: "rename the column in the YAML, or remove it")
    ]
  }

  /// The physical column a documented one names: with `quote: true` the exact name, else the
  /// exact name or the one PostgreSQL folds an unquoted name to.
  static func match(_ column: ColumnSpec, in physical: [String]) -> String? {
    if physical.contains(column.name) { return column.name }
    if column.quote { return nil }
    let folded = column.name.lowercased()
    return physical.contains(folded) ? folded : nil
  }

  private func columnNames(of relation: RelationName, runner: StatementRunner)
    throws(StatementFailure) -> [String]
  {
    try runner.run(
      """
      select attname from pg_catalog.pg_attribute \
      where attrelid = \(SQLQuoting.literal(relation.quoted))::regclass and attnum > 0 \
      and not attisdropped order by attnum
      """
    ).rows.compactMap { $0.first ?? nil }
  }

  /// The description with `{{ doc('name') }}` replaced by the docs block's text.
  func rendered(_ description: String) -> String {
    guard description.contains("{{") else { return description }
    let pattern = /\{\{-?\s*doc\(\s*['"]([^'"]+)['"]\s*\)\s*-?\}\}/
    return description.replacing(pattern) { match in
      docs[String(match.output.1)].map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
        ?? String(match.output.0)
    }
  }
}
