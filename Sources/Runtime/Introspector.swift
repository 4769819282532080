public import Template

/// What templates reach the database through: the only way `run_query`, `statement` and the
/// `adapter` look-ups touch a connection, so templates that use none of them render once, in
/// parallel, with no connection.
///
/// An implementation runs SQL; the catalog look-ups dbt's adapter offers are requirements, so
/// each engine answers them its own way (Spark: `SHOW TABLES`, `DESCRIBE TABLE`). Their
/// defaults below query PostgreSQL's catalog on top of `run`, as dbt-postgres does.
public protocol Introspector: AnyObject {
  /// Runs one or more statements and returns the last one's rows and status.
  func run(_ sql: String) throws(IntrospectionError) -> QueryTable
  /// The database the connection is on, when known without a query: what `target.database`
  /// and a relation's `database` say when the target names none (dbt-postgres always has one).
  var databaseName: String? { get }
  /// The columns of a relation in order.
  func columns(of relation: RelationObject) throws(IntrospectionError) -> [ColumnObject]
  /// The relations of a schema with their kind (`table`, `view`, `materialized_view`).
  func relations(inSchema schema: String, database: String?) throws(IntrospectionError)
    -> [RelationObject]
  /// The relation with this name, with its kind, or nil when there is none.
  func relation(database: String?, schema: String, identifier: String)
    throws(IntrospectionError) -> RelationObject?
  /// The schemas of the database.
  func schemas() throws(IntrospectionError) -> [String]
  /// Whether a schema exists.
  func schemaExists(_ schema: String) throws(IntrospectionError) -> Bool
  /// dbt's `expand_target_column_types`: widens each string column of `target` that is
  /// narrower than the same column of `reference`.
  func expandColumnTypes(from reference: RelationObject, to target: RelationObject)
    throws(IntrospectionError)
}

extension Introspector {
  /// Unknown unless the introspector says otherwise.
  public var databaseName: String? { nil }
}

/// A failure the database reported while a template used it.
public struct IntrospectionError: Error, Sendable {
  /// The database's message.
  public var message: String
  /// The SQLSTATE code, when known.
  public var sqlState: String?
  /// The database's hint, if it gave one.
  public var hint: String?

  /// Creates an error.
  public init(_ message: String, sqlState: String? = nil, hint: String? = nil) {
    self.message = message
    self.sqlState = sqlState
    self.hint = hint
  }
}

/// A query's result as templates see it: typed values, as agate gives them to dbt.
public struct QueryTable: Sendable {
  /// Column names, in order.
  public var columnNames: [String]
  /// Rows of values (numbers, strings, booleans, `none`), parallel to `columnNames`.
  public var rows: [[Value]]
  /// The command's status (`SELECT 3`, `CREATE TABLE`).
  public var status: String

  /// Creates a table.
  public init(columnNames: [String] = [], rows: [[Value]] = [], status: String = "") {
    self.columnNames = columnNames
    self.rows = rows
    self.status = status
  }

  /// The rows a command touched, from the last number of its status.
  public var rowsAffected: Int? {
    status.split(separator: " ").last.flatMap { Int($0) }
  }
}

/// PostgreSQL's answers, the defaults.
extension Introspector {
  /// The columns of a relation in order, as `information_schema` describes them.
  public func columns(of relation: RelationObject) throws(IntrospectionError) -> [ColumnObject] {
    guard let identifier = relation.identifier else { return [] }
    let schemaFilter = relation.schema.map { " and table_schema = " + Self.literal($0) } ?? ""
    let table = try run(
      """
      select column_name, data_type, character_maximum_length, numeric_precision, numeric_scale \
      from information_schema.columns where table_name = \(Self.literal(identifier))\(schemaFilter) \
      order by ordinal_position
      """)
    return table.rows.map { row in
      ColumnObject(
        name: row[0].stringValue ?? row[0].rendered, dtype: row[1].stringValue ?? "",
        charSize: Self.integer(row[2]), numericPrecision: Self.integer(row[3]),
        numericScale: Self.integer(row[4]))
    }
  }

  /// The relations of a schema with their kind (`table`, `view`, `materialized_view`).
  public func relations(inSchema schema: String, database: String?) throws(IntrospectionError)
    -> [RelationObject]
  {
    let table = try run(
      """
      select tablename, 'table' from pg_tables where schemaname = \(Self.literal(schema)) \
      union all select viewname, 'view' from pg_views where schemaname = \(Self.literal(schema)) \
      union all select matviewname, 'materialized_view' from pg_matviews \
      where schemaname = \(Self.literal(schema))
      """)
    return table.rows.map { row in
      RelationObject(
        database: database, schema: schema, identifier: row[0].stringValue,
        type: row[1].stringValue)
    }
  }

  /// The relation with this name, with its kind, or nil when there is none.
  public func relation(database: String?, schema: String, identifier: String)
    throws(IntrospectionError) -> RelationObject?
  {
    try relations(inSchema: schema, database: database).first { $0.identifier == identifier }
  }

  /// The schemas of the database.
  public func schemas() throws(IntrospectionError) -> [String] {
    try run("select distinct nspname from pg_namespace order by 1").rows.compactMap {
      $0.first?.stringValue
    }
  }

  /// Whether a schema exists.
  public func schemaExists(_ schema: String) throws(IntrospectionError) -> Bool {
    let table = try run(
      "select count(*) from pg_namespace where nspname = \(Self.literal(schema))")
    return Self.integer(table.rows.first?.first ?? .none).map { $0 > 0 } ?? false
  }

  /// Widens as dbt-postgres does (dbt's SQL adapter): a string column of `target` whose size
  /// (`text` or an unsized one counting as 256) is below the same-named column's of
  /// `reference` becomes `character varying(n)`, by a new column the values are copied to,
  /// the old one dropped (`cascade`) and the new one renamed, as dbt's `alter_column_type`.
  public func expandColumnTypes(from reference: RelationObject, to target: RelationObject)
    throws(IntrospectionError)
  {
    let current = Dictionary(
      try columns(of: target).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    for wanted in try columns(of: reference) {
      guard let column = current[wanted.name], column.canExpand(to: wanted) else { continue }
      let relation = target.render()
      let name = RelationDialect.postgres.quote(column.name)
      let temporary = RelationDialect.postgres.quote(column.name + "__dbt_alter")
      _ = try run(
        """
        alter table \(relation) add column \(temporary) \(ColumnObject.stringType(wanted.stringSize));
        update \(relation) set \(temporary) = \(name);
        alter table \(relation) drop column \(name) cascade;
        alter table \(relation) rename column \(temporary) to \(name)
        """)
    }
  }

  static func literal(_ text: String) -> String { "'" + text.replacing("'", with: "''") + "'" }

  static func integer(_ value: Value) -> Int? {
    switch value {
    case .integer(let number): number
    case .double(let number): Int(exactly: number)
    case .string(let text): Int(text)
    default: nil
    }
  }
}
