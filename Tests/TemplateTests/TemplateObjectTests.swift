import Diagnostics
import Template
import Testing

/// A small object with one attribute, one method and a falsy state, standing in for runtime
/// objects (relations, columns, `adapter`).
private struct Counter: TemplateObject {
  let count: Int
  var typeName: String { "counter" }
  var rendered: String { "<\(count)>" }
  var isTruthy: Bool { count != 0 }
  func attribute(_ name: String) -> Value? { name == "count" ? .integer(count) : nil }
  func hasMethod(_ name: String) -> Bool { name == "plus" }
  func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    guard case .integer(let step)? = arguments.value(0, "step") else {
      throw .error("template.arguments", "`plus` needs an integer", at: arguments.range)
    }
    return .object(Counter(count: count + step))
  }
}

@Suite struct TemplateObjectTests {
  private func host() throws -> TestHost {
    try TestHost(globals: ["c": .object(Counter(count: 2)), "zero": .object(Counter(count: 0))])
  }

  @Test func objectsAnswerAttributesMethodsTextAndTruthiness() throws {
    #expect(
      render(
        "{{ c }} {{ c.count }} {{ c.plus(3) }} {{ c.plus(step=1).count }} {{ 'y' if c else 'n' }}"
          + " {{ 'y' if zero else 'n' }} {{ c == c.plus(0) }} {{ c == zero }}",
        host: try host()) == "<2> 2 <5> 3 y n True False")
  }

  @Test func unknownAttributeOfAnObjectIsALocatedError() throws {
    let output = render("{{ c.size }}", host: try host())
    #expect(
      output == """
        ERROR models/t.sql:1:4: error: counter has no attribute `size`
        1 | {{ c.size }}
          |    ^~~~~~

        """)
  }

  @Test func methodErrorsPointAtTheCall() throws {
    #expect(
      render("{{ c.plus('x') }}", host: try host()).hasPrefix(
        "ERROR models/t.sql:1:4: error: `plus` needs an integer"))
  }
}

@Suite struct RelationPlaceholderTests {
  @Test func renderOfARecordedRelationIsItsPlaceholder() throws {
    let relation = RelationPlaceholder(index: 3)
    let host = try TestHost(globals: ["this": .relation(relation)])
    #expect(
      render("{{ this.render() }}|{{ this }}", host: host)
        == relation.placeholder + "|" + relation.placeholder)
  }
}
