import Diagnostics
import OrderedCollections
import Project
import Template
import Testing

/// Hostile YAML (nesting thousands deep, nested aliases that expand to billions of nodes) must
/// give a located error quickly; anchors and aliases in ordinary use must keep working.
@Suite struct YAMLBoundsTests {
  func parse(_ text: String) -> Result<YAMLDocument, Diagnostic> {
    do throws(Diagnostic) {
      return .success(try YAMLDocument.parse(SourceFile(path: "models/x.yml", text: text)))
    } catch {
      return .failure(error)
    }
  }

  func failure(_ text: String) -> (message: String, line: Int, column: Int)? {
    guard case .failure(let diagnostic) = parse(text), let range = diagnostic.range else {
      return nil
    }
    let location = range.file.location(of: range.span.start)
    return (diagnostic.message, location.line, location.column)
  }

  /// 10,000 levels overflowed the fast reader's stack (a crash with no output) before its
  /// depth was bounded.
  @Test(arguments: [
    "x: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
    "x: " + String(repeating: "{a: ", count: 10_000) + "1" + String(repeating: "}", count: 10_000),
    "x: " + String(repeating: "[", count: 700) + String(repeating: "]", count: 700),
    "x:\n" + (0..<800).map { String(repeating: " ", count: 2 * $0 + 2) + "- \n" }.joined(),
  ])
  func deepNestingIsALocatedError(text: String) {
    let found = failure(text)
    #expect(found?.message == "YAML nested too deeply (over 512 levels)")
    #expect((found?.line ?? 0) >= 1)
  }

  @Test func nestingIsReportedWhereItGoesTooDeep() {
    let text = "x: " + String(repeating: "[", count: 700) + String(repeating: "]", count: 700)
    let found = failure(text)
    // The mapping is level 1, so the 512th bracket (column 3 + 512) is level 513.
    #expect(found?.line == 1)
    #expect(found?.column == 515)
  }

  /// Eleven lines that expand to 10^12 nodes grew past 8 GB before alias expansion was bounded.
  @Test func aliasBombIsRefusedAtTheAliasThatExpandsTooFar() {
    var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in 1...11 {
      lines.append(
        "a\(level): &a\(level) ["
          + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
    }
    let found = failure(lines.joined(separator: "\n"))
    #expect(found?.message == "YAML aliases expand to more than 1000000 nodes")
    #expect(found?.line == 6)
    #expect(found?.column == 45)
  }

  /// Yams hashes every mapping key: an alias bomb used as a key hung it before aliases were
  /// resolved by swdbt.
  @Test func aliasBombAsAKeyIsRefusedToo() {
    var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in 1...11 {
      lines.append(
        "a\(level): &a\(level) ["
          + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
    }
    lines.append("*a11 : 2")
    #expect(
      failure(lines.joined(separator: "\n"))?.message.hasPrefix("YAML aliases expand") == true)
  }

  @Test func anchorsAndAliasesInOrdinaryUseKeepTheirValues() throws {
    let text = """
      shared: &cols
        - name: id
          data_tests: [not_null]
        - name: "a*b"
      models:
        - name: one
          columns: *cols
          description: 'select * from x'
          sql: a *b
        - name: two
          columns: *cols
      """
    let document = try parse(text).get()
    let value = document.root.map(YAMLDocument.value(of:))
    let columns: Value = .list([
      .dict(["name": .string("id"), "data_tests": .list([.string("not_null")])]),
      .dict(["name": .string("a*b")]),
    ])
    #expect(
      value
        == .dict([
          "shared": columns,
          "models": .list([
            .dict([
              "name": .string("one"), "columns": columns,
              "description": .string("select * from x"), "sql": .string("a *b"),
            ]),
            .dict(["name": .string("two"), "columns": columns]),
          ]),
        ]))
  }

  @Test func undefinedAliasIsLocated() {
    let found = failure("a: &a 1\nb: *c\n")
    #expect(found?.message == "undefined alias `c`")
    #expect(found?.line == 2)
    #expect(found?.column == 4)
  }
}
