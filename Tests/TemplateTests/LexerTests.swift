import Diagnostics
import Template
import Testing

@Suite struct LexerTests {
  private func kinds(_ text: String) throws -> [String] {
    let file = SourceFile(path: "t.sql", text: text)
    return try Lexer.tokenize(file).map { token in
      switch token.kind {
      case .text: "text(\(file.text(token.span)))"
      case .end: "end"
      default: file.text(token.span)
      }
    }
  }

  @Test func splitsTextAndTags() throws {
    #expect(
      try kinds("select {{ ref('a') }} x {% if y %}z{% endif %}") == [
        "text(select )", "{{", "ref", "(", "'a'", ")", "}}", "text( x )", "{%", "if", "y", "%}",
        "text(z)",
        "{%", "endif", "%}", "end",
      ])
  }

  @Test func dropsCommentsAndKeepsRawBlocksAsText() throws {
    #expect(
      try kinds("a{# note #}b{% raw %}{{ not a tag }}{% endraw %}c") == [
        "text(a)", "text(b)", "text({{ not a tag }})", "text(c)", "end",
      ])
  }

  @Test func whitespaceControlTrimsNeighbouringText() throws {
    #expect(
      try kinds("a  \n {%- if x -%}\n  b  {{- y }}") == [
        "text(a)", "{%", "if", "x", "-%}", "text(b)", "{{", "y", "}}", "end",
      ])
  }

  @Test func lexesOperatorsNumbersAndStrings() throws {
    #expect(
      try kinds("{{ 1 + 2.5e3 // 3 ** 2 != 'it\\'s' ~ \"q\" }}") == [
        "{{", "1", "+", "2.5e3", "//", "3", "**", "2", "!=", "'it\\'s'", "~", "\"q\"", "}}", "end",
      ])
  }

  @Test(arguments: [
    ("select {{ ref('a')", "unclosed tag: `{{` has no matching `}}`", 8),
    ("{% if x }}", "`{%` closed with `}}`", 9),
    ("{# forever", "unclosed comment: `{#` has no matching `#}`", 1),
    ("{{ 'open }}", "unterminated string literal", 4),
    ("{{ a $ b }}", "unexpected character `$` in tag", 6),
    ("{% raw %} never closed", "unclosed `{% raw %}` block: no matching `{% endraw %}`", 1),
  ])
  func reportsLexicalErrorsWithTheirColumn(text: String, message: String, column: Int) {
    let file = SourceFile(path: "t.sql", text: text)
    #expect {
      _ = try Lexer.tokenize(file)
    } throws: { error in
      guard let diagnostic = error as? Diagnostic else { return false }
      return diagnostic.message == message && diagnostic.range?.start.column == column
    }
  }
}
