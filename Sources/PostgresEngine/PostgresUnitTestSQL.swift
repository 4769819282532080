import Adapter
import Compiler
import Diagnostics
import Execution

/// Unit tests' SQL on PostgreSQL: columns from `pg_attribute`, a query's output types from a
/// `limit 0` run's type oids, numbers compared as text without trailing zeros.
struct PostgresUnitTestSQL: UnitTestSQL {
  func catalogColumns(of relation: RelationName, running query: UnitTestQuery)
    throws(Diagnostic) -> [UnitTestColumn]
  {
    let catalog = try query(
      """
      select a.attname, format_type(a.atttypid, a.atttypmod) from pg_catalog.pg_attribute a
      where a.attrelid = to_regclass(\(SQLQuoting.literal(relation.quoted)))
        and a.attnum > 0 and not a.attisdropped order by a.attnum
      """)
    return catalog.rows.map { row in
      UnitTestColumn(
        name: row.first.flatMap { $0 } ?? "",
        type: Self.unbounded(row.last.flatMap { $0 } ?? "text"))
    }
  }

  func outputColumns(of relation: String, running query: UnitTestQuery)
    throws(Diagnostic) -> [UnitTestColumn]
  {
    let shape = try query("select * from \(relation) limit 0")
    let types = try typeNames(shape.columnTypes, running: query)
    return shape.columns.enumerated().map { position, name in
      let oid = position < shape.columnTypes.count ? shape.columnTypes[position] : 0
      return UnitTestColumn(name: name, type: types[oid] ?? "text")
    }
  }

  /// Names of PostgreSQL types by oid.
  private func typeNames(_ oids: [UInt32], running query: UnitTestQuery)
    throws(Diagnostic) -> [UInt32: String]
  {
    let unique = Set(oids.filter { $0 != 0 })
    guard !unique.isEmpty else { return [:] }
    let list = unique.map(String.init).joined(separator: ",")
    let result = try query(
      "select oid::text, format_type(oid, null) from pg_catalog.pg_type where oid in (\(list))")
    var names: [UInt32: String] = [:]
    for row in result.rows {
      if let oid = row.first.flatMap({ $0 }).flatMap(UInt32.init), let name = row.last ?? nil {
        names[oid] = name
      }
    }
    return names
  }

  /// A character type without its length: fixture values are not truncated (dbt #11974).
  static func unbounded(_ type: String) -> String {
    for prefix in ["character varying", "character", "varchar", "bpchar"]
    where type.hasPrefix(prefix + "(") {
      return "text"
    }
    return type
  }

  func typeName(_ inferred: InferredColumnType) -> String {
    switch inferred {
    case .boolean: "boolean"
    case .integer: "bigint"
    case .decimal: "numeric"
    case .date: "date"
    case .timestamp: "timestamp"
    case .string: "text"
    }
  }

  /// Compared as text, where `10.5` and `10.50` differ: numbers lose trailing zeros first.
  func comparedText(_ quotedColumn: String, type: String) -> String {
    type.hasPrefix("numeric") ? "trim_scale(\(quotedColumn))::text" : quotedColumn + "::text"
  }

  func quoteIdentifier(_ name: String) -> String { SQLQuoting.identifier(name) }

  func quoteLiteral(_ value: String) -> String { SQLQuoting.literal(value) }
}
