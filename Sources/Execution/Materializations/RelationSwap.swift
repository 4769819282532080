import Adapter
import Compiler

/// Replaces a relation with a newly built one inside the caller's transaction: build under a
/// temporary name, rename the old one away, rename the new one in, drop the old one.
///
/// Better than dbt's `drop ... cascade`: views that depend on the old relation (other models'
/// views, or views nobody built with swdbt) are read first and recreated on the new relation
/// in the same transaction, with their grants. If one no longer fits (a column it reads is
/// gone), the transaction fails naming it and the old relation stays.
enum RelationSwap {
  /// Suffixes of swdbt's intermediate relations; leftovers are dropped at the start of a run.
  static let temporarySuffix = "__swdbt_tmp"
  static let backupSuffix = "__swdbt_backup"
  /// The transaction-level advisory lock that replacements with dependent views take turns on.
  static let swapLockKey: Int64 = 0x5377_6462_7453_7761

  /// A view that depends on the relation being replaced.
  struct DependentView {
    var schema: String
    var name: String
    var isMaterialized: Bool
    var definition: String
    var grants: [(role: String, privilege: String)]
  }

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
  /// every swap is one transaction, and a run drops leftovers of crashed runs when it starts.
  static func replace(
    _ relation: RelationName, as newKind: Character, runner: StatementRunner,
    create: (_ temporary: String) throws(StatementFailure) -> QueryResult
  ) throws(StatementFailure) -> QueryResult {
    let schema = relation.schema
    let temporary = suffixed(relation.identifier, temporarySuffix)
    let backup = suffixed(relation.identifier, backupSuffix)
    let oldKind = try kind(of: schema, relation.identifier, runner: runner)
    // The build comes first: it is the long part, and until the renames below nothing is
    // locked but the model's parents (shared) and the new relation.
    let result = try create(SQLQuoting.relation(schema, temporary))
    var dependents: [DependentView] = []
    if oldKind != nil {
      // Replacing a relation that views depend on drops and recreates those views, and two
      // such replacements can share a view (one view over two seeds): whoever recreates it
      // needs the other's relation, a deadlock. They take turns on an advisory lock. Waiting
      // for it, this transaction holds shared locks on its parents only, and no other
      // replacement of the run needs those exclusively (parents finish before children
      // start). Then the views are locked and their definitions read with a fresh snapshot.
      let found = try dependentViews(
        of: schema, relation.identifier, withDefinitions: false, runner: runner)
      if !found.isEmpty {
        try runner.run("select pg_advisory_xact_lock(\(swapLockKey))")
        let names = Set(found.map { SQLQuoting.relation($0.schema, $0.name) }).sorted()
        do {
          try runner.run("lock table \(names.joined(separator: ", ")) in access exclusive mode")
        } catch {
          var failure = error
          failure.isTransient = true
          throw failure
        }
        dependents = try dependentViews(of: schema, relation.identifier, runner: runner)
      }
    }
    if let oldKind {
      try runner.run(
        "alter \(keyword(for: oldKind)) \(SQLQuoting.relation(schema, relation.identifier)) "
          + "rename to \(SQLQuoting.identifier(backup))")
    }
    try runner.run(
      "alter \(keyword(for: newKind)) \(SQLQuoting.relation(schema, temporary)) "
        + "rename to \(SQLQuoting.identifier(relation.identifier))")
    if let oldKind {
      try runner.run(
        "drop \(keyword(for: oldKind)) \(SQLQuoting.relation(schema, backup)) cascade")
    }
    for view in dependents {
      let name = SQLQuoting.relation(view.schema, view.name)
      let sql =
        "create \(view.isMaterialized ? "materialized view" : "view") \(name) as \(view.definition)"
      do {
        try runner.run(sql)
        for grant in view.grants {
          try runner.run(
            "grant \(grant.privilege) on \(name) to \(SQLQuoting.identifier(grant.role))")
        }
      } catch {
        var failure = error
        failure.summary =
          "view \(name) depends on \(relation.quoted) and no longer fits its new version: "
          + error.error.message
        failure.error.hint =
          "change or drop \(name) first; \(relation.quoted) was left as it was"
        throw failure
      }
    }
    return result
  }

  /// Views and materialized views that depend on a relation, directly or through other
  /// views, in an order that can recreate them.
  static func dependentViews(
    of schema: String, _ identifier: String, withDefinitions: Bool = true,
    runner: StatementRunner
  ) throws(StatementFailure) -> [DependentView] {
    let target = SQLQuoting.literal(SQLQuoting.relation(schema, identifier))
    let result = try runner.run(
      """
      with recursive dependents(oid, depth) as (
        select distinct r.ev_class, 1
        from pg_catalog.pg_depend d
        join pg_catalog.pg_rewrite r on r.oid = d.objid
        where d.classid = 'pg_catalog.pg_rewrite'::regclass
          and d.refobjid = \(target)::regclass and r.ev_class <> d.refobjid
        union
        select distinct r.ev_class, dependents.depth + 1
        from dependents
        join pg_catalog.pg_depend d on d.refobjid = dependents.oid
        join pg_catalog.pg_rewrite r on r.oid = d.objid
        where d.classid = 'pg_catalog.pg_rewrite'::regclass and r.ev_class <> d.refobjid
          and dependents.depth < 100
      )
      select n.nspname, c.relname, c.relkind,
        \(withDefinitions ? "pg_catalog.pg_get_viewdef(c.oid)" : "''"),
        coalesce((select string_agg(a.grantee::regrole::text || ' ' || a.privilege_type, ',')
          from aclexplode(c.relacl) a where a.grantee <> 0 and a.grantee <> c.relowner), '')
      from dependents
      join pg_catalog.pg_class c on c.oid = dependents.oid
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      group by c.oid, n.nspname, c.relname, c.relkind
      order by max(dependents.depth), c.oid
      """)
    return result.rows.compactMap { row in
      guard row.count == 5, let schema = row[0], let name = row[1], let definition = row[3]
      else { return nil }
      let grants: [(role: String, privilege: String)] = (row[4] ?? "").split(separator: ",")
        .compactMap { item in
          let parts = item.split(separator: " ", maxSplits: 1)
          guard parts.count == 2 else { return nil }
          return (String(parts[0]).trimmingQuotes, String(parts[1]))
        }
      var body = definition
      while body.last == ";" || body.last?.isWhitespace == true { body.removeLast() }
      return DependentView(
        schema: schema, name: name, isMaterialized: row[2] == "m", definition: body,
        grants: grants)
    }
  }
}

extension String {
  /// `"Role"` → `Role` (regrole prints quoted names when they need quotes).
  var trimmingQuotes: String {
    guard hasPrefix("\""), hasSuffix("\""), count >= 2 else { return self }
    return String(dropFirst().dropLast()).replacing("\"\"", with: "\"")
  }
}
