package import Adapter
package import Compiler
package import Execution

/// Relation look-ups with `SHOW TABLES` / `SHOW VIEWS` (Spark has no information_schema),
/// schemas, leftovers and clones.
extension SparkEngine {
  /// The suffix of a table being built, before it replaces the model's table.
  package static let buildingSuffix = "__swdbt_tmp"
  /// The table property marking swdbt's own intermediates: only they are leftovers.
  package static let intermediateProperty = "swdbt.intermediate"

  package func existingRelations(on connection: any DatabaseConnection) throws(DatabaseError)
    -> Set<String>
  {
    var names: Set<String> = []
    for schema in try Self.schemas(on: connection) {
      // Names only: `show tables` lists views too, so one statement per schema. A schema
      // another session drops between `show schemas` and `show tables` has no relations
      // (Spark has no snapshot to list them in one statement).
      let rows: [[String?]]
      do {
        rows = try connection.execute("show tables in \(SparkSQLText.identifier(schema))").rows
      } catch let error where Self.isMissingSchema(error) {
        continue
      }
      for row in rows where Self.isPersistent(row) {
        if let name = row[1] { names.insert(schema + "." + name) }
      }
    }
    return names
  }

  package func kind(of relation: RelationName, on connection: any DatabaseConnection)
    throws(DatabaseError) -> RelationKind?
  {
    try Self.kind(of: relation.schema, relation.identifier, on: connection)
  }

  /// The kind of `schema.name`, nil when it (or its schema) does not exist: one round trip
  /// when there is no such relation (each costs Spark tens of milliseconds), two when there is.
  static func kind(
    of schema: String, _ name: String, on connection: any DatabaseConnection
  ) throws(DatabaseError) -> RelationKind? {
    let pattern = SparkSQLText.literal(name)
    let tables: QueryResult
    do {
      tables = try connection.execute(
        "show tables in \(SparkSQLText.identifier(schema)) like \(pattern)")
    } catch let error where isMissingSchema(error) {
      return nil
    }
    guard tables.rows.contains(where: { Self.isPersistent($0, name: name) }) else { return nil }
    let views = try connection.execute(
      "show views in \(SparkSQLText.identifier(schema)) like \(pattern)")
    return views.rows.contains { Self.isPersistent($0, name: name) } ? .view : .table
  }

  /// A `SHOW TABLES` / `SHOW VIEWS` row (namespace, name, isTemporary) naming `name` that is
  /// not a session's temporary view. Spark matches `like` case-insensitively, as it stores
  /// names in lower case.
  static func isPersistent(_ row: [String?], name: String? = nil) -> Bool {
    guard row.count >= 2, let found = row[1] else { return false }
    if let name, found.lowercased() != name.lowercased() { return false }
    return row.count < 3 || row[2] != "true"
  }

  /// Spark's answer to a statement naming a schema that does not exist.
  static func isMissingSchema(_ error: DatabaseError) -> Bool {
    error.message.hasPrefix("[SCHEMA_NOT_FOUND]")
  }

  /// The schemas (Spark's databases) of the session's catalog.
  static func schemas(on connection: any DatabaseConnection) throws(DatabaseError) -> [String] {
    try connection.execute("show schemas").rows.compactMap { $0.first ?? nil }
  }

  static func schemaExists(_ schema: String, on connection: any DatabaseConnection)
    throws(DatabaseError) -> Bool
  {
    let result = try connection.execute("show schemas like \(SparkSQLText.literal(schema))")
    return result.rows.contains { $0.first??.lowercased() == schema.lowercased() }
  }

  /// The persistent relations of a schema with their kinds.
  static func relations(inSchema schema: String, on connection: any DatabaseConnection)
    throws(DatabaseError) -> [(name: String, kind: RelationKind)]
  {
    let quoted = SparkSQLText.identifier(schema)
    let views = Set(
      try connection.execute("show views in \(quoted)").rows.filter { isPersistent($0) }
        .compactMap { $0[1] })
    return try connection.execute("show tables in \(quoted)").rows.filter { isPersistent($0) }
      .compactMap { row in
        row[1].map { ($0, views.contains($0) ? RelationKind.view : .table) }
      }
  }

  package func createSchemas(_ schemas: Set<String>, on connection: any DatabaseConnection)
    throws(DatabaseError)
  {
    for schema in schemas.sorted() {
      _ = try connection.execute("create schema if not exists \(SparkSQLText.identifier(schema))")
    }
  }

  /// Tables named `*__swdbt_tmp` that carry swdbt's marker property: what a build that
  /// stopped between creating its table and renaming it left behind.
  package func dropLeftovers(
    inSchemas schemas: Set<String>, on connection: any DatabaseConnection
  ) throws(DatabaseError) -> [String] {
    var dropped: [String] = []
    for schema in schemas.sorted() {
      let candidates: QueryResult
      do {
        candidates = try connection.execute(
          "show tables in \(SparkSQLText.identifier(schema)) like '*\(Self.buildingSuffix)'")
      } catch let error where Self.isMissingSchema(error) {
        continue
      }
      for row in candidates.rows where Self.isPersistent(row) {
        guard let name = row[1], name.hasSuffix(Self.buildingSuffix) else { continue }
        let relation = SparkSQLText.relation(schema, name)
        let marker = try? connection.execute(
          "show tblproperties \(relation) (\(SparkSQLText.literal(Self.intermediateProperty)))")
        guard marker?.rows.first?.last == "true" else { continue }
        _ = try connection.execute("drop table if exists \(relation)")
        dropped.append(relation)
      }
    }
    return dropped
  }

  /// As dbt-spark without a zero-copy clone: the node becomes a view over the state's
  /// relation; a table in the way is dropped first.
  package func clone(
    _ target: RelationName, from source: RelationName, fullRefresh: Bool,
    on connection: any DatabaseConnection
  ) throws(DatabaseError) -> String {
    let existing = try kind(of: target, on: connection)
    if existing != nil, !fullRefresh { return "No-op" }
    try createSchemas([target.schema], on: connection)
    if existing == .table {
      _ = try connection.execute("drop table if exists \(SparkSQLText.relation(target))")
    }
    _ = try connection.execute(
      "create or replace view \(SparkSQLText.relation(target)) as select * from "
        + SparkSQLText.relation(source))
    return "CREATE VIEW"
  }
}

extension SparkEngine {
  /// The kind of `schema.name` through a runner: a failed look-up is the build's failure.
  static func kind(of schema: String, _ name: String, runner: StatementRunner)
    throws(StatementFailure) -> RelationKind?
  {
    do {
      return try kind(of: schema, name, on: runner.connection)
    } catch {
      throw StatementFailure(
        error: error, statement: "show tables in \(SparkSQLText.identifier(schema))",
        action: runner.action)
    }
  }
}
