import Adapter
import Compiler
import Execution

/// Replaces a relation with a newly built one inside the caller's transaction: build under a
/// temporary name, rename the old one away, rename the new one in, drop the old one.
///
/// Better than dbt's `drop ... cascade`: views and materialized views that depend on the old
/// relation (other models' views, or views nobody built with swdbt) are read first and
/// recreated exactly on the new relation in the same transaction (owner, options, grants,
/// comments, indexes, rules, triggers). Anything else that depends on it (a function, a
/// foreign key, another session's temporary view, a view swdbt may not own) fails the node
/// naming it, as does a view that no longer fits; the old relation then stays.
enum RelationSwap {
  /// Suffixes of swdbt's intermediate relations; leftovers are dropped at the start of a run.
  static let temporarySuffix = "__swdbt_tmp"
  static let backupSuffix = "__swdbt_backup"
  /// The transaction-level advisory lock that replacements with dependent views take turns on.
  static let swapLockKey: Int64 = 0x5377_6462_7453_7761

  /// `identifier + suffix`, cut to PostgreSQL's 63-byte name limit.
  static func suffixed(_ identifier: String, _ suffix: String) -> String {
    var base = identifier
    while base.utf8.count + suffix.utf8.count > 63 { base.removeLast() }
    return base + suffix
  }

  /// The relkind of a relation (`r` table, `v` view, `m` materialized view, `p` partitioned), or
  /// nil when it does not exist.
  static func kind(
    of schema: String, _ identifier: String, runner: StatementRunner
  ) throws(StatementFailure) -> Character? {
    let result = try runner.run(
      """
      select c.relkind from pg_catalog.pg_class c join pg_catalog.pg_namespace n \
      on n.oid = c.relnamespace where n.nspname = \(SQLQuoting.literal(schema)) \
      and c.relname = \(SQLQuoting.literal(identifier))
      """)
    return result.scalar.flatMap(\.first)
  }

  static func keyword(for kind: Character) -> String {
    switch kind {
    case "v": "view"
    case "m": "materialized view"
    case "f": "foreign table"
    default: "table"
    }
  }

  /// Swaps in a relation of kind `newKind` (`r` or `v`) that `create` builds under the
  /// temporary name it is given. Leftover temporary and backup relations need no check here:
  /// every swap is one transaction, and a run drops marked leftovers when it starts.
  static func replace(
    _ relation: RelationName, as newKind: Character, runner: StatementRunner,
    create: (_ temporary: String) throws(StatementFailure) -> QueryResult
  ) throws(StatementFailure) -> QueryResult {
    let schema = relation.schema
    let temporary = SQLQuoting.relation(schema, suffixed(relation.identifier, temporarySuffix))
    let backup = suffixed(relation.identifier, backupSuffix)
    let oldKind = try kind(of: schema, relation.identifier, runner: runner)
    // The build comes first: it is the long part, and until the renames below nothing is
    // locked but the model's parents (shared) and the new relation.
    let result = try create(temporary)
    // The marker is what tells a leftover from a user's relation of the same name; it rides
    // with the next statement, so it costs no round trip.
    let mark =
      "comment on \(keyword(for: newKind)) \(temporary) is "
      + "\(SQLQuoting.literal(TargetSession.intermediateMarker));\n"
    var dependents: [DependentRelation] = []
    if let oldKind {
      let hasDependents = try runner.run(mark + dependentsProbe(schema, relation.identifier))
      if hasDependents.scalar == "t" {
        dependents = try takeTurnAndReadDependents(of: relation, kind: oldKind, runner: runner)
      }
      try runner.run(
        "alter \(keyword(for: oldKind)) \(relation.quoted) rename to \(SQLQuoting.identifier(backup))"
      )
      // Deepest first, so that each drop finds nothing depending on what it drops.
      for dependent in dependents.reversed() {
        try runner.run("drop \(keyword(for: dependent.kind)) \(dependent.quoted)")
      }
    }
    try runner.run(
      (oldKind == nil ? mark : "") + "alter \(keyword(for: newKind)) \(temporary) rename to "
        + "\(SQLQuoting.identifier(relation.identifier));\n"
        + "comment on \(keyword(for: newKind)) \(relation.quoted) is null")
    if let oldKind {
      // No cascade: whatever still depends on the old relation fails the swap, never vanishes.
      try runner.run("drop \(keyword(for: oldKind)) \(SQLQuoting.relation(schema, backup))")
    }
    try recreate(dependents, of: relation, runner: runner)
    return result
  }
}

extension String {
  /// `"Role"` → `Role` (regrole prints quoted names when they need quotes).
  var trimmingQuotes: String {
    guard hasPrefix("\""), hasSuffix("\""), count >= 2 else { return self }
    return String(dropFirst().dropLast()).replacing("\"\"", with: "\"")
  }
}
