import Diagnostics
import OrderedCollections
import Project
import Template

/// A unit test's fixtures (`given` rows and `expect`) as queries in the engine's SQL.
struct UnitTestFixtureSQL {
  let sql: any UnitTestSQL
  /// A located error at the unit test.
  let fail: (String, String?) -> Diagnostic

  /// A fixture as a query: `sql` as given; rows as `select cast(...) as "col" union all ...`
  /// over the known columns (missing values null) and any other column the rows name (typed
  /// from its values). With `strict` (columns from the catalog or the model's output), a row
  /// naming another column is an error, as in dbt.
  func query(
    _ fixture: UnitTestFixture, columns known: [UnitTestColumn], what: String, strict: Bool
  ) throws(Diagnostic) -> String {
    if fixture.format == .sql {
      guard let query = fixture.sql else {
        throw fail("the `sql` fixture for \(what) has no query", nil)
      }
      return query
    }
    var columns = known
    var lookup: [String: Int] = [:]
    for (position, column) in known.enumerated() { lookup[column.name.lowercased()] = position }
    for row in fixture.rows {
      for (key, _) in row where lookup[key.lowercased()] == nil {
        guard !strict else {
          throw fail(
            "Invalid column name: '\(key)' in unit test fixture for \(what).",
            "the columns are \(known.map { "`\($0.name)`" }.joined(separator: ", "))")
        }
        lookup[key.lowercased()] = columns.count
        columns.append(UnitTestColumn(name: key.lowercased(), type: ""))
      }
    }
    // A column declared without a `data_type`, or named only by the rows: typed from a value.
    for position in columns.indices where columns[position].type.isEmpty {
      let name = columns[position].name.lowercased()
      let value = fixture.rows.lazy.compactMap { row in
        row.first { $0.key.lowercased() == name }?.value
      }.first { $0 != .none }
      columns[position].type = sql.typeName(value.map(InferredColumnType.init) ?? .string)
    }
    // An expected output lists only the columns it names; inputs give every known column.
    let selected: [Int] =
      what == "expected output"
      ? columns.indices.filter { position in
        fixture.rows.contains { row in
          row.keys.contains { $0.lowercased() == columns[position].name.lowercased() }
        }
      } : Array(columns.indices)
    guard !selected.isEmpty else {
      return "select null as dbt_no_columns where false"
    }
    func select(_ row: OrderedDictionary<String, Value>?) -> String {
      var values: [Int: Value] = [:]
      for (key, value) in row ?? [:] {
        if let position = lookup[key.lowercased()] { values[position] = value }
      }
      return "select "
        + selected.map { position in
          let text = values[position].flatMap(literal) ?? "null"
          return "cast(\(text) as \(columns[position].type)) as "
            + sql.quoteIdentifier(columns[position].name)
        }.joined(separator: ", ")
    }
    guard !fixture.rows.isEmpty else { return select(nil) + " where false" }
    return fixture.rows.map(select).joined(separator: "\nunion all\n")
  }

  /// A YAML value as a SQL string literal (cast afterwards), or nil for null.
  func literal(_ value: Value) -> String? {
    switch value {
    case .none, .undefined: nil
    case .bool(let flag): sql.quoteLiteral(flag ? "true" : "false")
    case .integer(let number): sql.quoteLiteral("\(number)")
    case .double(let number): sql.quoteLiteral("\(number)")
    case .string(let text): sql.quoteLiteral(text)
    default: sql.quoteLiteral(value.rendered)
    }
  }
}
