import Adapter
import Compiler
import Diagnostics
import Execution

/// Unit tests' SQL on Spark: columns from `describe table`, a query's output types from
/// `describe query`, backtick identifiers and backslash-escaped strings, values compared as
/// `cast(x as string)` with decimals' trailing zeros dropped.
struct SparkUnitTestSQL: UnitTestSQL {
  func catalogColumns(of relation: RelationName, running query: UnitTestQuery)
    throws(Diagnostic) -> [UnitTestColumn]
  {
    // `describe table` fails on a missing table: the schema and table are listed first.
    let schema = try query("show schemas like \(SparkSQLText.literal(relation.schema))")
    guard schema.rows.contains(where: { $0.first??.lowercased() == relation.schema.lowercased() })
    else { return [] }
    let tables = try query(
      "show tables in \(SparkSQLText.identifier(relation.schema)) like "
        + SparkSQLText.literal(relation.identifier))
    guard tables.rows.contains(where: { SparkEngine.isPersistent($0, name: relation.identifier) })
    else { return [] }
    let described = try query("describe table \(SparkSQLText.relation(relation))")
    return DescribedTable(described.rows).columns.map { column in
      UnitTestColumn(name: column.name, type: Self.unbounded(column.type))
    }
  }

  func outputColumns(of relation: String, running query: UnitTestQuery)
    throws(Diagnostic) -> [UnitTestColumn]
  {
    let described = try query("describe query select * from \(relation)")
    return DescribedTable(described.rows).columns.map { column in
      UnitTestColumn(name: column.name, type: Self.unbounded(column.type))
    }
  }

  /// A `char(n)`/`varchar(n)` as `string`: fixture values are not truncated (dbt #11974).
  static func unbounded(_ type: String) -> String {
    let lowered = type.lowercased()
    return lowered.hasPrefix("varchar(") || lowered.hasPrefix("char(") ? "string" : type
  }

  func typeName(_ inferred: InferredColumnType) -> String {
    switch inferred {
    case .boolean: "boolean"
    case .integer: "bigint"
    // As dbt-spark's seeds type a column of decimals (a bare `decimal` would be scale 0).
    case .decimal: "double"
    case .date: "date"
    case .timestamp: "timestamp"
    case .string: "string"
    }
  }

  /// Compared as strings; a decimal's string has its scale's zeros (`10.50`), dropped here so
  /// the differences table reads as the values were written.
  func comparedText(_ quotedColumn: String, type: String) -> String {
    let text = "cast(\(quotedColumn) as string)"
    guard type.lowercased().hasPrefix("decimal") else { return text }
    return "regexp_replace(regexp_replace(\(text), '([.][0-9]*?)0+$', '$1'), '[.]$', '')"
  }

  func quoteIdentifier(_ name: String) -> String { SparkSQLText.identifier(name) }

  func quoteLiteral(_ value: String) -> String { SparkSQLText.literal(value) }
}
