import Adapter
import Compiler
import Execution

/// What `drop ... cascade` would take with a replaced relation, read before the swap: views
/// and materialized views are recreated exactly; anything else fails the node, named.
extension RelationSwap {
  /// A view or materialized view over the replaced relation (directly or through others).
  struct DependentRelation {
    /// `v` or `m`.
    var kind: Character
    /// `"schema"."name"`.
    var quoted: String
    /// The `create` statement that rebuilds it on the new relation.
    var create: String
    /// Statements after every `create`: indexes, rules, triggers, defaults, comments, grants,
    /// and the owner last (so that grants read as the owner's, as they did).
    var details: [String]
  }

  /// A query answering `t` when anything but the relation's own parts depends on it (one
  /// catalog query, without locks, on every swap of an existing relation).
  static func dependentsProbe(_ schema: String, _ identifier: String) -> String {
    let target = SQLQuoting.literal(SQLQuoting.relation(schema, identifier))
    return """
      select exists (select 1 from pg_catalog.pg_depend d \
      where d.deptype = 'n' and ((d.refclassid = 'pg_catalog.pg_class'::regclass \
      and d.refobjid = \(target)::regclass) or (d.refclassid = 'pg_catalog.pg_type'::regclass \
      and d.refobjid = (select reltype from pg_catalog.pg_class where oid = \(target)::regclass))) \
      and not (d.classid = 'pg_catalog.pg_class'::regclass and d.objid = \(target)::regclass) \
      and not (d.classid = 'pg_catalog.pg_constraint'::regclass and (select conrelid \
      from pg_catalog.pg_constraint where oid = d.objid) = \(target)::regclass))
      """
  }

  /// Takes the swap lock, locks the old relation and reads what depends on it; throws naming
  /// every dependent object that cannot be recreated exactly.
  ///
  /// Replacing a relation that views depend on drops and recreates those views, and two
  /// such replacements can share a view (one view over two seeds): whoever recreates it needs
  /// the other's relation, a deadlock. They take turns on an advisory lock. Waiting for it,
  /// this transaction holds shared locks on its parents only, and no other replacement of the
  /// run needs those exclusively (parents finish before children start). Holding it, it locks
  /// only the old relation and its dependents, never what they read: `lock table` on a view
  /// would lock every relation under it, readers of a shared seed would wait for it while
  /// holding what the lock holder waits for.
  static func takeTurnAndReadDependents(
    of relation: RelationName, kind oldKind: Character, runner: StatementRunner
  ) throws(StatementFailure) -> [DependentRelation] {
    try runner.run("select pg_advisory_xact_lock(\(swapLockKey))")
    if oldKind == "r" || oldKind == "p" {
      try runner.run("lock table only \(relation.quoted) in access exclusive mode")
    }
    let target = SQLQuoting.literal(relation.quoted)
    let found = try runner.run(
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
      select c.oid, n.nspname, c.relname, c.relkind,
        pg_catalog.pg_describe_object('pg_catalog.pg_class'::regclass, c.oid, 0),
        c.relpersistence = 't' and n.oid <> pg_catalog.pg_my_temp_schema(),
        pg_catalog.pg_has_role(c.relowner, 'MEMBER'), c.relowner::regrole::text,
        pg_catalog.pg_get_viewdef(c.oid), coalesce(array_to_string(c.reloptions, ', '), ''),
        c.relispopulated,
        c.relowner = me.oid or me.rolsuper
          or pg_catalog.has_schema_privilege(c.relowner, n.oid, 'CREATE')
      from dependents
      join pg_catalog.pg_class c on c.oid = dependents.oid
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      cross join (select oid, rolsuper from pg_catalog.pg_roles where rolname = current_user) me
      group by c.oid, n.nspname, c.relname, n.oid, me.oid, me.rolsuper
      order by max(dependents.depth), c.oid
      """)
    var problems: [String] = []
    var needsCreate = false
    var relations: [(oid: String, relation: DependentRelation)] = []
    // Every dependent view, refused ones too: their own rules are no further problem.
    var viewOIDs: [String] = []
    for row in found.rows {
      guard row.count == 12, let oid = row[0], let schema = row[1], let name = row[2],
        let kind = row[3]?.first, let description = row[4], let owner = row[7]
      else { continue }
      viewOIDs.append(oid)
      let quoted = SQLQuoting.relation(schema, name)
      if row[5] == "t" {
        problems.append("temporary \(description) of another session depends on it")
        continue
      }
      if row[6] != "t" {
        problems.append(
          "\(description), owned by `\(owner)`, depends on it and swdbt's role cannot act as "
            + "`\(owner)` to recreate it")
        continue
      }
      if row[11] != "t" {
        // PostgreSQL gives a relation to a new owner only if that owner may create in its
        // schema (superusers excepted); failing here says so instead of `permission denied`.
        needsCreate = true
        problems.append(
          "\(description), owned by `\(owner)`, depends on it and swdbt's role cannot give the "
            + "recreated view back to `\(owner)`, who has no create privilege on schema "
            + "`\(schema)`")
        continue
      }
      let body = StatementText.withoutTerminator(row[8] ?? "")
      let options = row[9].map { $0.isEmpty ? "" : " with (\($0))" } ?? ""
      let create =
        "create \(keyword(for: kind)) \(quoted)\(options) as \(body)"
        + (kind == "m" ? (row[10] == "t" ? " with data" : " with no data") : "")
      relations.append(
        (oid, DependentRelation(kind: kind, quoted: quoted, create: create, details: [])))
    }
    let oids = ([target + "::regclass::oid"] + viewOIDs).joined(separator: ", ")
    problems += try otherDependents(oids: "array[\(oids)]", target: target, runner: runner)
    guard problems.isEmpty else {
      throw StatementFailure(
        error: DatabaseError(
          .statement,
          "\(relation.quoted) cannot be replaced: " + problems.joined(separator: "; "),
          hint: "swdbt recreates only views and materialized views it may own; change or drop "
            + "what is named (and recreate it after the run)"
            + (needsCreate ? ", or grant the owner create on the schema" : "")
            + "; \(relation.quoted) was left as it was"),
        statement: "", action: runner.action)
    }
    guard !relations.isEmpty else { return [] }
    let details = try detailStatements(oids: relations.map(\.oid), runner: runner)
    return relations.map { entry in
      var relation = entry.relation
      relation.details = details[entry.oid] ?? []
      return relation
    }
  }

  /// Descriptions of objects other than the dependent views' own parts that depend on the
  /// replaced relation, the dependent views or their row types (functions with SQL bodies,
  /// foreign keys, columns of the row type, policies...).
  private static func otherDependents(
    oids: String, target: String, runner: StatementRunner
  ) throws(StatementFailure) -> [String] {
    let result = try runner.run(
      """
      select distinct pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)
      from pg_catalog.pg_depend d
      where d.deptype = 'n'
        and ((d.refclassid = 'pg_catalog.pg_class'::regclass and d.refobjid = any(\(oids)))
          or (d.refclassid = 'pg_catalog.pg_type'::regclass and d.refobjid in
            (select reltype from pg_catalog.pg_class where oid = any(\(oids)))))
        and not (d.classid = 'pg_catalog.pg_rewrite'::regclass and (select ev_class
          from pg_catalog.pg_rewrite where oid = d.objid) = any(\(oids)))
        and not (d.classid = 'pg_catalog.pg_class'::regclass and d.objid = any(\(oids)))
        and not (d.classid = 'pg_catalog.pg_constraint'::regclass and (select conrelid
          from pg_catalog.pg_constraint where oid = d.objid) = \(target)::regclass)
      order by 1
      """)
    return result.rows.compactMap { $0.first ?? nil }.map { "\($0) depends on it" }
  }

  /// The statements that give recreated relations what the old ones had beyond their
  /// definition, keyed by the old relation's oid, in the order to run them.
  private static func detailStatements(
    oids: [String], runner: StatementRunner
  ) throws(StatementFailure) -> [String: [String]] {
    let list = "array[\(oids.joined(separator: ", "))]::oid[]"
    let result = try runner.run(
      """
      with rel as (
        select c.oid, format('%I.%I', n.nspname, c.relname) as name, c.relowner, c.relacl,
          case c.relkind when 'm' then 'materialized view' else 'view' end as keyword
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where c.oid = any(\(list))
      )
      select oid, 1, pg_catalog.pg_get_indexdef(i.indexrelid)
        from rel join pg_catalog.pg_index i on i.indrelid = rel.oid
      union all
      select rel.oid, 2, pg_catalog.pg_get_ruledef(r.oid)
        from rel join pg_catalog.pg_rewrite r on r.ev_class = rel.oid
        where r.rulename <> '_RETURN'
      union all
      select rel.oid, 3, pg_catalog.pg_get_triggerdef(t.oid)
        from rel join pg_catalog.pg_trigger t on t.tgrelid = rel.oid where not t.tgisinternal
      union all
      select rel.oid, 4, format('alter %s %s alter column %I set default %s', keyword, name,
          a.attname, pg_catalog.pg_get_expr(d.adbin, d.adrelid))
        from rel join pg_catalog.pg_attrdef d on d.adrelid = rel.oid
        join pg_catalog.pg_attribute a on a.attrelid = rel.oid and a.attnum = d.adnum
      union all
      select rel.oid, 5, case when d.objsubid = 0
          then format('comment on %s %s is %L', keyword, name, d.description)
          else format('comment on column %s.%I is %L', name, a.attname, d.description) end
        from rel join pg_catalog.pg_description d on d.objoid = rel.oid
          and d.classoid = 'pg_catalog.pg_class'::regclass
        left join pg_catalog.pg_attribute a on a.attrelid = rel.oid and a.attnum = d.objsubid
      union all
      select rel.oid, 6, format('revoke all on %s from public', name) from rel
        where rel.relacl is not null
      union all
      select rel.oid, 7, format('grant %s on %s to %s%s', g.privilege_type, name,
          case g.grantee when 0 then 'public' else g.grantee::regrole::text end,
          case when g.is_grantable then ' with grant option' else '' end)
        from rel, aclexplode(rel.relacl) g where g.grantee <> rel.relowner
      union all
      select rel.oid, 8, format('grant %s (%I) on %s to %s%s', g.privilege_type, a.attname,
          name, case g.grantee when 0 then 'public' else g.grantee::regrole::text end,
          case when g.is_grantable then ' with grant option' else '' end)
        from rel join pg_catalog.pg_attribute a on a.attrelid = rel.oid
          and a.attacl is not null, aclexplode(a.attacl) g
      union all
      select rel.oid, 9, format('alter %s %s owner to %s', keyword, name,
          rel.relowner::regrole::text)
        from rel where rel.relowner <> (select oid from pg_catalog.pg_roles
          where rolname = current_user)
      order by 1, 2, 3
      """)
    var details: [String: [String]] = [:]
    for row in result.rows {
      guard row.count == 3, let oid = row[0], let statement = row[2] else { continue }
      details[oid, default: []].append(statement)
    }
    return details
  }

  /// Recreates the dependents on the new relation, then gives them back their details; a
  /// view that no longer fits fails the swap, naming it.
  static func recreate(
    _ dependents: [DependentRelation], of relation: RelationName, runner: StatementRunner
  ) throws(StatementFailure) {
    for dependent in dependents {
      do {
        try runner.run(dependent.create)
      } catch {
        var failure = error
        failure.summary =
          "\(keyword(for: dependent.kind)) \(dependent.quoted) depends on \(relation.quoted) "
          + "and no longer fits its new version: " + error.error.message
        failure.error.hint =
          "change or drop \(dependent.quoted) first; \(relation.quoted) was left as it was"
        throw failure
      }
    }
    for dependent in dependents {
      for statement in dependent.details {
        do {
          try runner.run(statement)
        } catch {
          var failure = error
          failure.summary =
            "\(keyword(for: dependent.kind)) \(dependent.quoted) depends on \(relation.quoted) "
            + "and cannot be recreated as it was: " + error.error.message
          failure.error.hint = "\(relation.quoted) was left as it was"
          throw failure
        }
      }
    }
  }
}
