package import Adapter

/// What `on_schema_change` looks at: the columns of an incremental model's new rows against
/// those of its existing table. Shared by the engines so that `fail` reads the same on each.
package struct ColumnChanges: Sendable, Equatable {
  package struct Column: Sendable, Equatable {
    package var name: String
    package var type: String

    package init(name: String, type: String) {
      self.name = name
      self.type = type
    }
  }

  /// Columns of the new rows that the table lacks, in the new rows' order.
  package var added: [Column] = []
  /// Columns of the table that the new rows lack, in the table's order.
  package var removed: [Column] = []
  /// Columns of the new rows whose type differs from the table's, with the new type.
  package var retyped: [Column] = []

  /// Compares `incoming` with `existing`; `caseInsensitive` matches names as Spark does.
  package init(existing: [Column], incoming: [Column], caseInsensitive: Bool = false) {
    let key: (String) -> String = { caseInsensitive ? $0.lowercased() : $0 }
    let existingTypes = Dictionary(
      existing.map { (key($0.name), $0.type) }, uniquingKeysWith: { first, _ in first })
    let incomingNames = Set(incoming.map { key($0.name) })
    added = incoming.filter { existingTypes[key($0.name)] == nil }
    removed = existing.filter { !incomingNames.contains(key($0.name)) }
    retyped = incoming.filter { column in
      guard let type = existingTypes[key(column.name)] else { return false }
      return caseInsensitive ? type.lowercased() != column.type.lowercased() : type != column.type
    }
  }

  package var isEmpty: Bool { added.isEmpty && removed.isEmpty && retyped.isEmpty }

  /// `new `a`; removed `b`; retyped `c``.
  package var summary: String {
    var parts: [String] = []
    if !added.isEmpty { parts.append("new " + Self.names(added)) }
    if !removed.isEmpty { parts.append("removed " + Self.names(removed)) }
    if !retyped.isEmpty { parts.append("retyped " + Self.names(retyped)) }
    return parts.joined(separator: "; ")
  }

  /// The error of `on_schema_change: fail` for the table `relation` (as the engine quotes it).
  package func failure(of relation: String) -> DatabaseError {
    DatabaseError(
      .statement,
      "the columns of \(relation) changed (\(summary)) and on_schema_change is `fail`",
      hint: "run with --full-refresh, or set on_schema_change to append_new_columns or "
        + "sync_all_columns")
  }

  package static func names(_ columns: [Column]) -> String {
    columns.map { "`\($0.name)`" }.joined(separator: ", ")
  }
}
