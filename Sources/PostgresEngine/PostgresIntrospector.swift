import Adapter
package import Runtime
import Template

/// The `Introspector` templates use at run time: one worker's connection, with values
/// converted from PostgreSQL's text form to numbers, booleans and strings by column type, as
/// dbt's agate tables hold them.
final class PostgresIntrospector: Introspector {
  let connection: any DatabaseConnection

  /// Introspection over a connection the caller owns.
  init(connection: any DatabaseConnection) { self.connection = connection }

  /// The connection's database.
  var databaseName: String? { connection.databaseName }

  /// Runs SQL on the connection.
  func run(_ sql: String) throws(IntrospectionError) -> QueryTable {
    let result: QueryResult
    do {
      result = try connection.execute(sql)
    } catch {
      throw IntrospectionError(error.message, sqlState: error.sqlState, hint: error.hint)
    }
    let types = result.columnTypes
    let rows = result.rows.map { row in
      row.indices.map { column in
        Self.value(row[column], type: column < types.count ? types[column] : 0)
      }
    }
    return QueryTable(columnNames: result.columns, rows: rows, status: result.commandTag)
  }

  /// A value in PostgreSQL's text format as the template value of its type.
  static func value(_ text: String?, type: UInt32) -> Value {
    guard let text else { return .none }
    switch type {
    case 16: return .bool(text == "t")
    case 20, 21, 23, 26: return Int(text).map { .integer($0) } ?? .string(text)
    case 700, 701: return Double(text).map { .double($0) } ?? .string(text)
    case 1700:
      // numeric: whole numbers stay exact integers (agate's Decimal renders them so).
      if !text.contains("."), let whole = Int(text) { return .integer(whole) }
      return Double(text).map { .double($0) } ?? .string(text)
    default: return .string(text)
    }
  }
}
