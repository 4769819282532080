import Adapter
import Compiler
import Diagnostics
import Execution
import Graph
import OrderedCollections
import Project
import Template

/// Runs one unit test: the model's SQL rendered again with its inputs as CTEs of the given
/// rows, its output compared with the expected rows, row order ignored.
///
/// Input column types come from the catalog when the input relation exists, else from the
/// YAML `data_type`s of the input's columns, else from the values given, so unit tests run on
/// an empty database (dbt needs the upstream relations built).
struct UnitTestRunner {
  let spec: UnitTestSpec
  let compilation: Compilation
  let secondPass: SecondPass
  let connection: any DatabaseConnection

  /// Runs the test and fills `result`: pass, fail with the differing rows, or error.
  func run(into result: inout NodeResult) {
    do throws(Diagnostic) {
      let outcome = try compare()
      result.failures = outcome.differing
      if outcome.differing == 0 {
        result.status = .pass
        result.message = "passed"
      } else {
        result.status = .fail
        result.message =
          "actual differs from expected in \(outcome.differing) row"
          + (outcome.differing == 1 ? "" : "s")
        let start = spec.range.start
        result.details.append(
          "  unit test `\(spec.name)` at \(spec.originalFilePath):\(start.line):\(start.column)")
        result.details.append(outcome.table)
      }
    } catch {
      result.fail(with: error)
    }
  }

  private func fail(_ message: String, hint: String? = nil) -> Diagnostic {
    .error("unit.failed", message, at: spec.range, hint: hint)
  }

  private func query(_ sql: String) throws(Diagnostic) -> QueryResult {
    do {
      return try connection.execute(sql)
    } catch {
      throw fail(
        "unit test `\(spec.name)`: \(error.message)",
        hint: "the query that failed:\n" + sql)
    }
  }

  private func compare() throws(Diagnostic) -> (differing: Int, table: String) {
    let project = compilation.project
    guard let modelIndex = compilation.graph.index(of: "model.\(project.name).\(spec.model)")
    else { throw fail("unit test `\(spec.name)` tests unknown model `\(spec.model)`") }
    var inputs: [(reference: RelationReference, cteName: String, sql: String)] = []
    for given in spec.given {
      guard let reference = Self.reference(given.input) else {
        throw fail(
          "unit test input `\(given.input)` is not `ref('...')`, `source('...', '...')` or `this`")
      }
      let (name, columns, fromCatalog) = try inputColumns(reference)
      let sql = try fixtureSQL(
        given.fixture, columns: columns, what: "'\(name)'", strict: fromCatalog)
      inputs.append((reference, "__dbt__cte__" + name.replacing(".", with: "_"), sql))
    }
    let rendering = UnitTestRendering(
      name: spec.name, range: spec.range, inputs: inputs,
      macros: Dictionary(uniqueKeysWithValues: spec.macroOverrides.map { ($0.key, $0.value) }),
      vars: Dictionary(uniqueKeysWithValues: spec.varOverrides.map { ($0.key, $0.value) }),
      environment: Dictionary(uniqueKeysWithValues: spec.envOverrides.map { ($0.key, $0.value) }))
    var modelSQL = try secondPass.render(
      modelIndex, on: PostgresIntrospector(connection: connection), unitTest: rendering)
    while modelSQL.last == ";" || modelSQL.last?.isWhitespace == true { modelSQL.removeLast() }
    let actual = "(\n\(modelSQL)\n) as dbt_internal_unit_test_actual"
    let shape = try query("select * from \(actual) limit 0")
    let types = try typeNames(shape.columnTypes)
    var actualColumns: [(name: String, type: String)] = []
    for (position, name) in shape.columns.enumerated() {
      let oid = position < shape.columnTypes.count ? shape.columnTypes[position] : 0
      actualColumns.append((name, types[oid] ?? "text"))
    }
    let expectedSQL = try fixtureSQL(
      spec.expect, columns: actualColumns, what: "expected output", strict: true)
    let expectedShape = try query("select * from (\n\(expectedSQL)\n) as e limit 0")
    let compared = expectedShape.columns
    let typeOf = Dictionary(actualColumns.map { ($0.name, $0.type) }) { first, _ in first }
    // Compared as text, where `10.5` and `10.50` differ: numbers lose trailing zeros first.
    let list = compared.map { column in
      let name = SQLQuoting.identifier(column)
      return typeOf[column]?.hasPrefix("numeric") == true
        ? "trim_scale(\(name))::text" : name + "::text"
    }.joined(separator: ", ")
    let actualRows = try query("select \(list) from \(actual)").rows
    let expectedRows = try query("select \(list) from (\n\(expectedSQL)\n) as e").rows
    return Self.difference(columns: compared, expected: expectedRows, actual: actualRows)
  }

  /// `ref('x')`, `ref('package', 'x')`, `source('a', 'b')` or `this`, as written in `input:`.
  static func reference(_ text: String) -> RelationReference? {
    let trimmed = text.trimmingWhitespace()
    if trimmed == "this" { return .this }
    guard let open = trimmed.firstIndex(of: "("), trimmed.hasSuffix(")") else { return nil }
    let function = String(trimmed[..<open]).trimmingWhitespace()
    let inside = trimmed[trimmed.index(after: open)...].dropLast()
    let arguments: [String] = inside.split(separator: ",").map { part in
      String(String(part).trimmingWhitespace().filter { $0 != "'" && $0 != "\"" })
    }
    switch (function, arguments.count) {
    case ("ref", 1), ("ref", 2): return arguments.last.map { .ref(name: $0) }
    case ("source", 2): return .source(source: arguments[0], table: arguments[1])
    default: return nil
    }
  }

  /// The input's name (for CTEs and messages) and its known columns with types, in order:
  /// from the catalog when the relation exists, else from YAML `data_type`s.
  private func inputColumns(_ reference: RelationReference) throws(Diagnostic) -> (
    String, [(name: String, type: String)], fromCatalog: Bool
  ) {
    let project = compilation.project
    let node: CompiledNode?
    let name: String
    switch reference {
    case .this:
      node = compilation.node("model.\(project.name).\(spec.model)")
      name = "this"
    case .ref(let model, let package):
      let owner = package ?? project.name
      node =
        compilation.node("model.\(owner).\(model)")
        ?? compilation.node("seed.\(owner).\(model)")
      name = model
    case .source(let source, let table):
      node = compilation.node("source.\(project.name).\(source).\(table)")
      name = "\(source)_\(table)"
    }
    guard let node else { throw fail("unit test input `\(reference.text)` names no node") }
    if let relation = node.relation {
      let catalog = try query(
        """
        select a.attname, format_type(a.atttypid, a.atttypmod) from pg_catalog.pg_attribute a
        where a.attrelid = to_regclass(\(SQLQuoting.literal(relation.quoted)))
          and a.attnum > 0 and not a.attisdropped order by a.attnum
        """)
      if !catalog.rows.isEmpty {
        return (
          name,
          catalog.rows.map { row in
            (row.first.flatMap { $0 } ?? "", Self.unbounded(row.last.flatMap { $0 } ?? "text"))
          },
          true
        )
      }
    }
    return (name, yamlColumns(of: node), false)
  }

  /// Columns with a `data_type` in the YAML of a model, seed or source.
  private func yamlColumns(of node: CompiledNode) -> [(name: String, type: String)] {
    let project = compilation.project
    let columns: [ColumnSpec] =
      switch node.resourceType {
      case .model: project.models.first { $0.uniqueID == node.uniqueID }?.patch?.columns ?? []
      case .seed: project.seeds.first { $0.uniqueID == node.uniqueID }?.patch?.columns ?? []
      case .source: project.sources.first { $0.uniqueID == node.uniqueID }?.columns ?? []
      default: []
      }
    return columns.map { column in (column.name, column.dataType ?? "") }
  }

  /// A character type without its length: fixture values are not truncated (dbt #11974).
  static func unbounded(_ type: String) -> String {
    for prefix in ["character varying", "character", "varchar", "bpchar"]
    where type.hasPrefix(prefix + "(") {
      return "text"
    }
    return type
  }

  /// Names of PostgreSQL types by oid.
  private func typeNames(_ oids: [UInt32]) throws(Diagnostic) -> [UInt32: String] {
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

  /// A fixture as a query: `sql` as given; rows as `select cast(...) as "col" union all ...`
  /// over the known columns (missing values null) and any other column the rows name (typed
  /// from its values). With `strict` (columns from the catalog or the model's output), a row
  /// naming another column is an error, as in dbt.
  private func fixtureSQL(
    _ fixture: UnitTestFixture, columns known: [(name: String, type: String)], what: String,
    strict: Bool
  ) throws(Diagnostic) -> String {
    if fixture.format == .sql {
      guard let sql = fixture.sql else { throw fail("the `sql` fixture for \(what) has no query") }
      return sql
    }
    var columns = known
    var lookup: [String: Int] = [:]
    for (position, column) in known.enumerated() { lookup[column.name.lowercased()] = position }
    for row in fixture.rows {
      for (key, value) in row where lookup[key.lowercased()] == nil {
        guard !strict else {
          throw fail(
            "Invalid column name: '\(key)' in unit test fixture for \(what).",
            hint: "the columns are \(known.map { "`\($0.name)`" }.joined(separator: ", "))")
        }
        lookup[key.lowercased()] = columns.count
        columns.append((key.lowercased(), ""))
      }
    }
    // A column declared without a `data_type`, or named only by the rows: typed from a value.
    for position in columns.indices where columns[position].type.isEmpty {
      let name = columns[position].name.lowercased()
      let value = fixture.rows.lazy.compactMap { row in
        row.first { $0.key.lowercased() == name }?.value
      }.first { $0 != .none }
      columns[position].type = value.map(Self.inferredType) ?? "text"
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
          let text = values[position].flatMap(Self.literal) ?? "null"
          return "cast(\(text) as \(columns[position].type)) as "
            + SQLQuoting.identifier(columns[position].name)
        }.joined(separator: ", ")
    }
    guard !fixture.rows.isEmpty else { return select(nil) + " where false" }
    return fixture.rows.map(select).joined(separator: "\nunion all\n")
  }

  /// A YAML value as a SQL string literal (cast afterwards), or nil for null.
  static func literal(_ value: Value) -> String? {
    switch value {
    case .none, .undefined: nil
    case .bool(let flag): flag ? "'true'" : "'false'"
    case .integer(let number): "'\(number)'"
    case .double(let number): "'\(number)'"
    case .string(let text): SQLQuoting.literal(text)
    default: SQLQuoting.literal(value.rendered)
    }
  }

  /// The type of a column nothing declares, from a value given for it.
  static func inferredType(_ value: Value) -> String {
    switch value {
    case .bool: "boolean"
    case .integer: "bigint"
    case .double: "numeric"
    case .string(let text) where text.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil: "date"
    case .string(let text)
    where text.wholeMatch(of: /\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?/) != nil:
      "timestamp"
    default: "text"
    }
  }

  /// The rows in one list and not the other (as multisets), as a table marking each.
  static func difference(columns: [String], expected: [[String?]], actual: [[String?]]) -> (
    differing: Int, table: String
  ) {
    var remaining: [[String?]: Int] = [:]
    for row in actual { remaining[row, default: 0] += 1 }
    var missing: [[String?]] = []
    for row in expected {
      if let count = remaining[row], count > 0 {
        remaining[row] = count - 1
      } else {
        missing.append(row)
      }
    }
    var unexpected: [[String?]] = []
    for row in actual where (remaining[row] ?? 0) > 0 {
      remaining[row, default: 0] -= 1
      unexpected.append(row)
    }
    let differing = missing.count + unexpected.count
    guard differing > 0 else { return (0, "") }
    let header = ["", ""] + columns
    let lines =
      missing.map { ["-", "expected"] + $0.map { $0 ?? "null" } }
      + unexpected.map { ["+", "actual"] + $0.map { $0 ?? "null" } }
    let widths = header.indices.map { column in
      ([header] + lines).map { $0[column].count }.max() ?? 0
    }
    func line(_ cells: [String]) -> String {
      "    "
        + cells.enumerated().map { column, cell in
          cell + String(repeating: " ", count: max(0, widths[column] - cell.count))
        }.joined(separator: " | ")
    }
    let table = ([line(header)] + lines.map(line)).joined(separator: "\n")
    return (differing, table)
  }
}
