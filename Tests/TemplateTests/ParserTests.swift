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
}
