import Adapter
import Execution
import Foundation
package import Runtime
import Template

/// What templates' `run_query` and `adapter` look-ups use on Spark: values typed by their
/// Arrow column type (the connection reports them as PostgreSQL type ids), and the catalog
/// look-ups answered with `SHOW` and `DESCRIBE` (Spark has no information_schema).
final class SparkIntrospector: Introspector {
  let connection: any DatabaseConnection

  /// Introspection over a connection the caller owns.
  init(connection: any DatabaseConnection) { self.connection = connection }

  var databaseName: String? { connection.databaseName }

  func run(_ sql: String) throws(IntrospectionError) -> QueryTable {
    let result = try execute(sql)
    let types = result.columnTypes
    let rows = result.rows.map { row in
      row.indices.map { column in
        Self.value(row[column], type: column < types.count ? types[column] : 0)
      }
    }
    return QueryTable(columnNames: result.columns, rows: rows, status: result.commandTag)
  }

  private func execute(_ sql: String) throws(IntrospectionError) -> QueryResult {
    do {
      return try connection.execute(sql)
    } catch {
      throw IntrospectionError(error.message, sqlState: error.sqlState, hint: error.hint)
    }
  }

  /// A value in the connection's text form as the template value of its type.
  static func value(_ text: String?, type: UInt32) -> Value {
    guard let text else { return .none }
    switch type {
    case 16: return .bool(text == "true" || text == "t")
    case 20, 21, 23: return Int(text).map { .integer($0) } ?? .string(text)
    case 700, 701: return Double(text).map { .double($0) } ?? .string(text)
    case 1700:
      if !text.contains("."), let whole = Int(text) { return .integer(whole) }
      return Double(text).map { .double($0) } ?? .string(text)
    default: return .string(text)
    }
  }

  func columns(of relation: RelationObject) throws(IntrospectionError) -> [ColumnObject] {
    guard let identifier = relation.identifier else { return [] }
    let name =
      relation.schema.map { SparkSQLText.relation($0, identifier) }
      ?? SparkSQLText.identifier(identifier)
    let described = DescribedTable(try execute("describe table \(name)").rows)
    return described.columns.map { column in
      let (precision, scale) = Self.decimalParts(column.type)
      var object = ColumnObject(
        name: column.name, dtype: column.type, charSize: nil, numericPrecision: precision,
        numericScale: scale)
      object.dialect = .spark
      return object
    }
  }

  /// `decimal(p,s)`'s precision and scale.
  static func decimalParts(_ type: String) -> (Int?, Int?) {
    guard type.hasPrefix("decimal("), type.hasSuffix(")") else { return (nil, nil) }
    let parts = type.dropFirst(8).dropLast().split(separator: ",").map {
      Int($0.trimmingCharacters(in: .whitespaces))
    }
    return (parts.first ?? nil, parts.count > 1 ? parts[1] : nil)
  }

  func relations(inSchema schema: String, database: String?) throws(IntrospectionError)
    -> [RelationObject]
  {
    do {
      guard try SparkEngine.schemaExists(schema, on: connection) else { return [] }
      return try SparkEngine.relations(inSchema: schema, on: connection).map { name, kind in
        RelationObject(
          database: database, schema: schema, identifier: name,
          type: kind == .view ? "view" : "table", dialect: .spark)
      }
    } catch {
      throw IntrospectionError(error.message, sqlState: error.sqlState, hint: error.hint)
    }
  }

  func relation(database: String?, schema: String, identifier: String)
    throws(IntrospectionError) -> RelationObject?
  {
    do {
      guard let kind = try SparkEngine.kind(of: schema, identifier, on: connection) else {
        return nil
      }
      return RelationObject(
        database: database, schema: schema, identifier: identifier,
        type: kind == .view ? "view" : "table", dialect: .spark)
    } catch {
      throw IntrospectionError(error.message, sqlState: error.sqlState, hint: error.hint)
    }
  }

  func schemas() throws(IntrospectionError) -> [String] {
    do {
      return try SparkEngine.schemas(on: connection)
    } catch {
      throw IntrospectionError(error.message, sqlState: error.sqlState, hint: error.hint)
    }
  }

  func schemaExists(_ schema: String) throws(IntrospectionError) -> Bool {
    do {
      return try SparkEngine.schemaExists(schema, on: connection)
    } catch {
      throw IntrospectionError(error.message, sqlState: error.sqlState, hint: error.hint)
    }
  }
}

extension SparkIntrospector {
  /// dbt-spark's `expand_target_column_types` does nothing: Spark's strings have no length.
  func expandColumnTypes(from reference: RelationObject, to target: RelationObject) {}
}
