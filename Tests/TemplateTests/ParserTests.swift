import Diagnostics
import Template
import Testing

@Suite struct ParserTests {
  @Test func collectsMacrosTestsAndDocsBlocks() throws {
    let template = try Parser.parse(
      SourceFile(
        path: "macros/x.sql",
        text: """
          {% macro a(x, y=1) %}{{ x }}{% endmacro %}
          {% test is_positive(model, column_name) %}select * from {{ model }} where {{ column_name }} < 0{% endtest %}
          {% docs churn %}
          A customer **churns** after 90 days without an order.
          {% enddocs %}
          """))
    #expect(template.macros.map(\.name) == ["a"])
    #expect(template.macros[0].parameters.map(\.name) == ["x", "y"])
    #expect(template.tests.map(\.name) == ["is_positive"])
    #expect(template.docs.map(\.name) == ["churn"])
    #expect(template.docs[0].text == "A customer **churns** after 90 days without an order.")
  }

  @Test func recordsMaterializationBlocksWithoutParsingTheirBodies() throws {
    let template = try Parser.parse(
      SourceFile(
        path: "macros/m.sql",
        text: """
          {% materialization my_view, adapter='postgres', supported_languages=['sql'] %}
          {%- set target_relation = this.incorporate(type='view') -%}
          {% unknowntag whatever %}{{ adapter.drop_relation(target_relation) }}
          {% endmaterialization %}
          {% materialization other, default %}{% endmaterialization %}
          {% macro after() %}1{% endmacro %}
          """))
    #expect(template.materializations.map(\.name) == ["my_view", "other"])
    #expect(template.materializations.map(\.adapter) == ["postgres", "default"])
    #expect(template.macros.map(\.name) == ["after"])
  }

  @Test func anUnclosedMaterializationBlockIsLocated() {
    #expect(throws: Diagnostic.self) {
      try Parser.parse(
        SourceFile(path: "macros/m.sql", text: "{% materialization m, default %}select 1"))
    }
  }

  @Test(arguments: [
    (
      "{% if x %}a",
      "unclosed `{% if %}`: expected `{% elif %}` or `{% else %}` or `{% endif %}` before the end of the file"
    ),
    ("{% endif %}", "`{% endif %}` without a matching opening tag"),
    ("{% for x of y %}{% endfor %}", "expected `in` in `{% for %}`, found `of`"),
    ("{{ f(a=1, 2) }}", "positional argument follows keyword argument"),
    ("{% macro m(a, a) %}{% endmacro %}", "duplicate parameter `a`"),
    ("{{ 1 + }}", "expected an expression, found `}}`"),
    ("{% fi x %}", "unknown tag `{% fi %}`"),
  ])
  func reportsSyntaxErrors(text: String, message: String) {
    #expect {
      _ = try Parser.parse(SourceFile(path: "t.sql", text: text))
    } throws: { error in
      (error as? Diagnostic)?.message == message
    }
  }

  @Test func unknownTagSuggestsTheIntendedOne() {
    #expect {
      _ = try Parser.parse(SourceFile(path: "t.sql", text: "{% fi x %}"))
    } throws: { error in
      (error as? Diagnostic)?.hint == "did you mean `if`?"
    }
  }

  @Test func deepNestingIsRejectedWithoutOverflowingTheStack() {
    let deep =
      "{{ " + String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
      + " }}"
    #expect {
      _ = try Parser.parse(SourceFile(path: "t.sql", text: deep))
    } throws: { error in
      (error as? Diagnostic)?.message == "template nests deeper than 128 levels"
    }
    let deepBlocks = String(repeating: "{% if x %}", count: 10_000)
    #expect(throws: Diagnostic.self) {
      _ = try Parser.parse(SourceFile(path: "t.sql", text: deepBlocks))
    }
  }

  /// Chained operators build a left-deep tree the evaluator walks recursively: 10,000 of them
  /// overflowed its stack (a crash with no output) before the chain length was bounded.
  @Test(arguments: [
    ("1", " + 1"), ("1", " - 1"), ("'a'", " ~ 'a'"), ("1", " * 1"), ("2", " ** 1"),
    ("x", " or x"), ("x", " and x"), ("1", " == 1"), ("x", " is defined"), ("x", " | upper"),
    ("x", ".a"), ("x", "[0]"), ("f", "()"),
  ])
  func longOperatorChainsAreRejectedAtTheOperatorThatGoesTooDeep(first: String, link: String) {
    let text = "{{ " + first + String(repeating: link, count: 10_000) + " }}"
    let base =
      "{{ ".utf8.count + first.utf8.count
      + link.utf8.prefix(while: { $0 == UInt8(ascii: " ") }).count
    #expect {
      _ = try Parser.parse(SourceFile(path: "models/x.sql", text: text))
    } throws: { error in
      guard let diagnostic = error as? Diagnostic, let start = diagnostic.range?.span.start else {
        return false
      }
      // The caret is in the link that goes past the bound (one earlier when the link itself
      // nests, as `[0]` and `()` do).
      let links = (start - base) / link.utf8.count
      return diagnostic.message == "expression nested too deeply (over 512 levels)"
        && (Parser.maximumExpressionDepth - 2..<Parser.maximumExpressionDepth).contains(links)
    }
  }

  @Test func chainsWithinTheBoundStillRender() {
    let text = "{{ 1" + String(repeating: " + 1", count: Parser.maximumExpressionDepth - 2) + " }}"
    #expect(render(text) == String(Parser.maximumExpressionDepth - 1))
  }
}
