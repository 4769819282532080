package import Adapter
package import Compiler
package import Execution

/// Relation look-ups, schemas and leftovers in `pg_catalog`.
extension PostgresEngine {
  package func existingRelations(on connection: any DatabaseConnection) throws(DatabaseError)
    -> Set<String>
  {
    let result = try connection.execute(
      """
      select n.nspname, c.relname from pg_catalog.pg_class c \
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace \
      where c.relkind in ('r', 'v', 'm', 'p', 'f') and n.nspname not like 'pg\\_%' \
      and n.nspname <> 'information_schema'
      """)
    var names: Set<String> = []
    for row in result.rows {
      if let schema = row[0], let name = row[1] { names.insert(schema + "." + name) }
    }
    return names
  }

  package func kind(of relation: RelationName, on connection: any DatabaseConnection)
    throws(DatabaseError) -> RelationKind?
  {
    let code = try Self.relkind(relation, connection)
    return code.map(Self.relationKind)
  }

  /// `r`, `v`, `m`, ... for a relation that exists, nil otherwise.
  static func relkind(_ relation: RelationName, _ connection: any DatabaseConnection)
    throws(DatabaseError) -> String?
  {
    try connection.execute(
      "select c.relkind from pg_catalog.pg_class c join pg_catalog.pg_namespace n "
        + "on n.oid = c.relnamespace where n.nspname = \(SQLQuoting.literal(relation.schema)) "
        + "and c.relname = \(SQLQuoting.literal(relation.identifier))"
    ).scalar
  }

  /// A `pg_class.relkind` as a kind: partitioned tables are tables.
  static func relationKind(_ code: String) -> RelationKind {
    switch code {
    case "r", "p": .table
    case "v": .view
    case "m": .materializedView
    default: .other(code)
    }
  }

  package func createSchemas(_ schemas: Set<String>, on connection: any DatabaseConnection)
    throws(DatabaseError)
  {
    for schema in schemas.sorted() {
      do {
        _ = try connection.execute(
          "create schema if not exists \(SQLQuoting.identifier(schema))")
      } catch {
        // `if not exists` is checked after the database's create privilege, so a role without
        // it fails even on a schema that exists; asked only then, so it costs nothing else.
        let exists = try? connection.execute(
          "select 1 from pg_catalog.pg_namespace where nspname = \(SQLQuoting.literal(schema))")
        guard error.sqlState == "42501" else { throw error }
        guard exists?.rows.isEmpty == false else {
          var refused = error
          refused.message = "cannot create schema `\(schema)`: \(error.message)"
          refused.hint =
            "create it once as a role that may (`create schema \(SQLQuoting.identifier(schema)) "
            + "authorization <target user>`), or grant the target's user create on the database"
          throw refused
        }
      }
    }
  }

  /// Only relations carrying swdbt's marker comment are leftovers: a user's relation of such
  /// a name is never touched. Swaps are transactional, so this is a safety net, not a habit.
  package func dropLeftovers(
    inSchemas schemas: Set<String>, on connection: any DatabaseConnection
  ) throws(DatabaseError) -> [String] {
    guard !schemas.isEmpty else { return [] }
    let list = schemas.sorted().map(SQLQuoting.literal).joined(separator: ", ")
    let marker = SQLQuoting.literal(TargetSession.intermediateMarker)
    let result = try connection.execute(
      """
      select n.nspname, c.relname, c.relkind from pg_catalog.pg_class c \
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace \
      where n.nspname in (\(list)) and c.relkind in ('r', 'v', 'm') \
      and (c.relname like '%\\_\\_swdbt\\_tmp' or c.relname like '%\\_\\_swdbt\\_backup') \
      and pg_catalog.obj_description(c.oid, 'pg_class') = \(marker)
      """)
    var dropped: [String] = []
    for row in result.rows {
      guard let schema = row[0], let name = row[1], let kind = row[2]?.first else { continue }
      let keyword = kind == "v" ? "view" : kind == "m" ? "materialized view" : "table"
      let relation = SQLQuoting.relation(schema, name)
      _ = try connection.execute("drop \(keyword) if exists \(relation)")
      dropped.append(relation)
    }
    return dropped
  }

  /// As dbt-postgres: PostgreSQL has no zero-copy table clone, so the node becomes a view
  /// reading the state's relation; a table in the way is dropped first.
  package func clone(
    _ target: RelationName, from source: RelationName, fullRefresh: Bool,
    on connection: any DatabaseConnection
  ) throws(DatabaseError) -> String {
    let kind = try Self.relkind(target, connection)
    if kind != nil, !fullRefresh { return "No-op" }
    _ = try connection.execute(
      "create schema if not exists \(SQLQuoting.identifier(target.schema))")
    if let kind, kind != "v" {
      _ = try connection.execute(
        "drop \(kind == "m" ? "materialized view" : "table") if exists \(target.quoted) cascade")
    }
    _ = try connection.execute(
      "create or replace view \(target.quoted) as select * from \(source.quoted)")
    return "CREATE VIEW"
  }
}
