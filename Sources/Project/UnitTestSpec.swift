public import Diagnostics
public import OrderedCollections
public import Template

/// Rows of a unit test's input or expected output, in one of dbt's three formats.
public struct UnitTestFixture: Sendable {
  /// How the rows are written (`format:`).
  public enum Format: String, Sendable {
    case dict, csv, sql
  }

  /// The format.
  public var format: Format = .dict
  /// The rows (`dict` and `csv`), each a column-to-value mapping; a CSV cell is a string, and
  /// an empty one is null.
  public var rows: [OrderedDictionary<String, Value>] = []
  /// A `sql` fixture's query.
  public var sql: String?
  /// `fixture:`, a file under `<test-path>/fixtures/`, read by the loader into `rows`/`sql`.
  public var fixtureName: String?
  /// Where the fixture is declared.
  public var range: SourceRange?

  /// Creates an empty `dict` fixture.
  public init() {}
}

/// One `given:` entry: the rows a `ref(...)` or `source(...)` reads during the test.
public struct UnitTestInput: Sendable {
  /// `input:` as written: `ref('name')`, `ref('package', 'name')` or `source('a', 'b')`.
  public var input: String
  /// Its rows.
  public var fixture: UnitTestFixture
}

/// A `unit_tests:` entry: a model's SQL run against fixed inputs, its output compared with
/// expected rows.
public struct UnitTestSpec: Sendable {
  /// The test's name.
  public var name: String
  /// The model it tests.
  public var model: String
  /// Its description.
  public var description: String = ""
  /// Inputs by `ref`/`source`.
  public var given: [UnitTestInput] = []
  /// The expected output.
  public var expect = UnitTestFixture()
  /// `overrides.macros` (`is_incremental` among them).
  public var macroOverrides = OrderedDictionary<String, Value>()
  /// `overrides.vars`.
  public var varOverrides = OrderedDictionary<String, Value>()
  /// `overrides.env_vars`.
  public var envOverrides = OrderedDictionary<String, Value>()
  /// `config:` (`tags`, `enabled`, `meta`).
  public var config = NodeConfig()
  /// The YAML file, relative to the project root.
  public var originalFilePath: String
  /// Where the entry's name is.
  public var range: SourceRange

  /// `unit_test.<project>.<model>.<name>`, as dbt names it.
  public func uniqueID(project: String) -> String { "unit_test.\(project).\(model).\(name)" }
}

/// Reads `unit_tests:` entries of a properties file.
struct UnitTestReader {
  let document: YAMLDocument
  let sink: any DiagnosticSink

  func read(_ node: YAMLNode) -> UnitTestSpec? {
    let range = document.range(of: node)
    guard let nameNode = node[key: "name"], let name = nameNode.string, !name.isEmpty else {
      sink.emit(.error("schema.missing-name", "unit test entry has no `name`", at: range))
      return nil
    }
    guard let model = node[key: "model"]?.string, !model.isEmpty else {
      sink.emit(
        .error(
          "unit.missing-model", "unit test `\(name)` has no `model`", at: range,
          hint: "name the model it tests: `model: my_model`"))
      return nil
    }
    var spec = UnitTestSpec(
      name: name, model: model, originalFilePath: document.file.path,
      range: document.range(of: nameNode))
    for (key, keyNode, value) in node.entries {
      switch key {
      case "name", "model": continue
      case "description": spec.description = value.string ?? ""
      case "given":
        for item in value.items {
          guard let input = item[key: "input"]?.string else {
            sink.emit(
              .error(
                "unit.invalid-input", "a `given` entry needs `input: ref('...')` or `source(...)`",
                at: document.range(of: item)))
            continue
          }
          spec.given.append(UnitTestInput(input: input, fixture: fixture(item)))
        }
      case "expect": spec.expect = fixture(value)
      case "overrides":
        for (kind, kindNode, entries) in value.entries {
          guard case .dict(let values) = YAMLDocument.value(of: entries) else { continue }
          switch kind {
          case "macros": spec.macroOverrides = values
          case "vars": spec.varOverrides = values
          case "env_vars": spec.envOverrides = values
          default:
            sink.emit(
              .warning(
                "unit.unknown-key", "unknown unit test override `\(kind)` is ignored",
                at: document.range(of: kindNode), hint: "overrides are `macros`, `vars`, `env_vars`"
              ))
          }
        }
      case "config":
        var values = OrderedDictionary<String, Value>()
        for (configKey, _, configValue) in value.entries {
          values[configKey] = YAMLDocument.value(of: configValue)
        }
        spec.config = NodeConfig(values)
      case "versions":
        sink.emit(
          .warning(
            "unit.versions", "`versions` is ignored: swdbt has no model versions",
            at: document.range(of: keyNode), hint: "remove `versions`; the test runs on `\(model)`")
        )
      default:
        sink.emit(
          .warning(
            "unit.unknown-key", "unknown unit test property `\(key)` is ignored",
            at: document.range(of: keyNode),
            hint: Suggestions.didYouMean(
              key, in: ["model", "given", "expect", "overrides", "config", "description"])))
      }
    }
    return spec
  }

  private func fixture(_ node: YAMLNode) -> UnitTestFixture {
    var result = UnitTestFixture()
    result.range = document.range(of: node)
    if let formatNode = node[key: "format"], let text = formatNode.string {
      if let format = UnitTestFixture.Format(rawValue: text) {
        result.format = format
      } else {
        sink.emit(
          .error(
            "unit.invalid-format", "unknown fixture format `\(text)`",
            at: document.range(of: formatNode), hint: "use `dict`, `csv` or `sql`"))
      }
    }
    result.fixtureName = node[key: "fixture"]?.string
    guard let rows = node[key: "rows"] else { return result }
    switch result.format {
    case .dict:
      for item in rows.items {
        if case .dict(let row) = YAMLDocument.value(of: item) { result.rows.append(row) }
      }
    case .csv: result.rows = Self.csvRows(rows.string ?? "")
    case .sql: result.sql = rows.string
    }
    return result
  }

  /// Rows of CSV text with a header line; an empty cell is null, as in dbt's fixtures.
  static func csvRows(_ text: String) -> [OrderedDictionary<String, Value>] {
    let lines = text.split(whereSeparator: \.isNewline).map(String.init)
      .filter { !$0.trimmingWhitespace().isEmpty }
    guard let header = lines.first else { return [] }
    let columns = csvFields(header).map { $0.trimmingWhitespace() }
    return lines.dropFirst().map { line in
      var row = OrderedDictionary<String, Value>()
      let fields = csvFields(line)
      for (position, column) in columns.enumerated() {
        let field = position < fields.count ? fields[position] : ""
        row[column] = field.isEmpty || field == "null" ? Value.none : Value.string(field)
      }
      return row
    }
  }

  /// The fields of one CSV line; double quotes group and `""` escapes a quote.
  static func csvFields(_ line: String) -> [String] {
    var fields: [String] = []
    var field = ""
    var quoted = false
    var previous: Character?
    for character in line {
      if character == "\"" {
        if !quoted, previous == "\"" { field.append("\"") }
        quoted.toggle()
      } else if character == ",", !quoted {
        fields.append(field)
        field = ""
      } else {
        field.append(character)
      }
      previous = character
    }
    fields.append(field)
    return fields
  }
}

extension ProjectLoader {
  /// Reads each `fixture:` file (`<test-path>/fixtures/<name>.csv` or `.sql`) into its
  /// fixture's rows or query; a missing file is a located error.
  static func readFixtures(
    _ tests: [UnitTestSpec], root: String, testPaths: [String], sink: any DiagnosticSink
  ) -> [UnitTestSpec] {
    func resolve(_ fixture: inout UnitTestFixture) {
      guard let name = fixture.fixtureName else { return }
      let fileExtension = fixture.format == .sql ? "sql" : "csv"
      for testPath in testPaths {
        let path = "\(root)/\(testPath)/fixtures/\(name).\(fileExtension)"
        guard FileSystem.exists(path), let bytes = try? FileSystem.read(path) else { continue }
        let text = String(decoding: bytes, as: UTF8.self)
        if fixture.format == .sql {
          fixture.sql = text
        } else {
          fixture.rows = UnitTestReader.csvRows(text)
        }
        return
      }
      sink.emit(
        .error(
          "unit.missing-fixture", "fixture file `\(name).\(fileExtension)` not found",
          at: fixture.range,
          hint: "put it in `\(testPaths.first ?? "tests")/fixtures/\(name).\(fileExtension)`"))
    }
    return tests.map { test in
      var test = test
      for index in test.given.indices { resolve(&test.given[index].fixture) }
      resolve(&test.expect)
      return test
    }
  }
}
