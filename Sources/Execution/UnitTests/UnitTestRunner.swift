package import Adapter
package import Compiler
import Diagnostics
import Graph
package import Project
package import Runtime
import Template

/// Runs one unit test: the model's SQL rendered again with its inputs as CTEs of the given
/// rows, its output compared with the expected rows, row order ignored.
///
/// Input column types come from the catalog when the input relation exists, else from the
/// YAML `data_type`s of the input's columns, else from the values given, so unit tests run on
/// an empty database (dbt needs the upstream relations built). What differs between engines
/// (catalog look-ups, type names, text comparison) is the engine's `UnitTestSQL`.
package struct UnitTestRunner {
  let spec: UnitTestSpec
  let compilation: Compilation
  let secondPass: SecondPass
  let connection: any DatabaseConnection
  /// What the model's template sees of the database while it renders.
  let introspector: any Introspector
  let sql: any UnitTestSQL

  /// A runner for `spec` on `connection`.
  package init(
    spec: UnitTestSpec, compilation: Compilation, secondPass: SecondPass,
    connection: any DatabaseConnection, introspector: any Introspector, sql: any UnitTestSQL
  ) {
    self.spec = spec
    self.compilation = compilation
    self.secondPass = secondPass
    self.connection = connection
    self.introspector = introspector
    self.sql = sql
  }

  /// Runs the test and fills `result`: pass, fail with the differing rows, or error.
  package func run(into result: inout NodeResult) {
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

  private func query(_ text: String) throws(Diagnostic) -> QueryResult {
    do {
      return try connection.execute(text)
    } catch {
      throw fail(
        "unit test `\(spec.name)`: \(error.message)",
        hint: "the query that failed:\n" + text)
    }
  }

  private func compare() throws(Diagnostic) -> (differing: Int, table: String) {
    let project = compilation.project
    guard let modelIndex = compilation.graph.index(of: "model.\(project.name).\(spec.model)")
    else { throw fail("unit test `\(spec.name)` tests unknown model `\(spec.model)`") }
    let fixtures = UnitTestFixtureSQL(sql: sql, fail: fail)
    var inputs: [(reference: RelationReference, cteName: String, sql: String)] = []
    for given in spec.given {
      guard let reference = Self.reference(given.input) else {
        throw fail(
          "unit test input `\(given.input)` is not `ref('...')`, `source('...', '...')` or `this`")
      }
      let (name, columns, fromCatalog) = try inputColumns(reference)
      let fixtureSQL = try fixtures.query(
        given.fixture, columns: columns, what: "'\(name)'", strict: fromCatalog)
      inputs.append((reference, "__dbt__cte__" + name.replacing(".", with: "_"), fixtureSQL))
    }
    let rendering = UnitTestRendering(
      name: spec.name, range: spec.range, inputs: inputs,
      macros: Dictionary(uniqueKeysWithValues: spec.macroOverrides.map { ($0.key, $0.value) }),
      vars: Dictionary(uniqueKeysWithValues: spec.varOverrides.map { ($0.key, $0.value) }),
      environment: Dictionary(uniqueKeysWithValues: spec.envOverrides.map { ($0.key, $0.value) }))
    let modelSQL = StatementText.withoutTerminator(
      try secondPass.render(modelIndex, on: introspector, unitTest: rendering))
    let actual = "(\n\(modelSQL)\n) as dbt_internal_unit_test_actual"
    let actualColumns = try sql.outputColumns(of: actual, running: query)
    let expectedSQL = try fixtures.query(
      spec.expect, columns: actualColumns, what: "expected output", strict: true)
    let expectedShape = try query("select * from (\n\(expectedSQL)\n) as e limit 0")
    let compared = expectedShape.columns
    let typeOf = Dictionary(actualColumns.map { ($0.name, $0.type) }) { first, _ in first }
    let list = compared.map { column in
      sql.comparedText(sql.quoteIdentifier(column), type: typeOf[column] ?? "")
    }.joined(separator: ", ")
    let actualRows = try query("select \(list) from \(actual)").rows
    let expectedRows = try query("select \(list) from (\n\(expectedSQL)\n) as e").rows
    return UnitTestDifference.of(columns: compared, expected: expectedRows, actual: actualRows)
  }

  /// `ref('x')`, `ref('package', 'x')`, `source('a', 'b')` or `this`, as written in `input:`.
  package static func reference(_ text: String) -> RelationReference? {
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
    String, [UnitTestColumn], fromCatalog: Bool
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
      let catalog = try sql.catalogColumns(of: relation, running: query)
      if !catalog.isEmpty { return (name, catalog, true) }
    }
    return (name, yamlColumns(of: node), false)
  }

  /// Columns with a `data_type` in the YAML of a model, seed or source.
  private func yamlColumns(of node: CompiledNode) -> [UnitTestColumn] {
    let project = compilation.project
    let columns: [ColumnSpec] =
      switch node.resourceType {
      case .model: project.models.first { $0.uniqueID == node.uniqueID }?.patch?.columns ?? []
      case .seed: project.seeds.first { $0.uniqueID == node.uniqueID }?.patch?.columns ?? []
      case .source: project.sources.first { $0.uniqueID == node.uniqueID }?.columns ?? []
      default: []
      }
    return columns.map { column in UnitTestColumn(name: column.name, type: column.dataType ?? "") }
  }
}
