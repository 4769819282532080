import Diagnostics
import SwdbtTestSupport
import Testing

@Suite struct DiagnosticRendererTests {
  @Test func errorPrintsLocationSourceLineCaretAndHint() {
    let source = MarkedSource("select *\nfrom ⟨a⟩{{ ref('stg_order') }}⟨b⟩\n")
    let file = SourceFile(path: "models/marts/orders.sql", text: source.text)
    let diagnostic = Diagnostic.error(
      "compile.unknown-ref", "unknown model `stg_order` in `ref`",
      at: SourceRange(file: file, span: Span(start: source.offset("a"), end: source.offset("b"))),
      hint: "did you mean `stg_orders`?")
    #expect(
      DiagnosticRenderer().render(diagnostic) == """
        models/marts/orders.sql:2:6: error: unknown model `stg_order` in `ref`
        2 | from {{ ref('stg_order') }}
          |      ^~~~~~~~~~~~~~~~~~~~~~
        hint: did you mean `stg_orders`?

        """)
  }

  @Test func notesPrintWithTheirOwnLocations() {
    let macroFile = SourceFile(path: "macros/money.sql", text: "{{ amount | bogus }}")
    let modelFile = SourceFile(path: "models/x.sql", text: "select\n  {{ money('a') }}")
    let diagnostic = Diagnostic.error(
      "template.evaluation", "unknown filter `bogus`",
      at: SourceRange(file: macroFile, span: Span(start: 3, end: 17)),
      notes: [
        .init(
          "in macro `money` called from models/x.sql:2:6",
          at: SourceRange(file: modelFile, span: Span(start: 12, end: 24)))
      ])
    #expect(
      DiagnosticRenderer().render(diagnostic) == """
        macros/money.sql:1:4: error: unknown filter `bogus`
        1 | {{ amount | bogus }}
          |    ^~~~~~~~~~~~~~
        models/x.sql:2:6: note: in macro `money` called from models/x.sql:2:6
        2 |   {{ money('a') }}
          |      ^~~~~~~~~~~~

        """)
  }

  @Test func columnsCountUTF8BytesButCaretsAlignByCharacter() {
    let file = SourceFile(path: "m.sql", text: "select 'São' as x, {{ oops }}")
    let start = "select 'São' as x, ".utf8.count
    let range = SourceRange(file: file, span: Span(start: start, end: start + 10))
    #expect(range.start.column == 21)
    let rendered = DiagnosticRenderer().render(.error("t", "boom", at: range))
    #expect(rendered.contains("\n  | " + String(repeating: " ", count: 19) + "^~~~~~~~~~\n"))
  }

  @Test func pathOnlyDiagnosticHasNoExcerpt() {
    let rendered = DiagnosticRenderer().render(
      .error("project.missing", "no project file", path: "/tmp/p"))
    #expect(rendered == "/tmp/p: error: no project file\n")
  }

  @Test func jsonLineCarriesLocationAndEscapes() {
    let file = SourceFile(path: "a.sql", text: "x\n\"y\"")
    let line = DiagnosticRenderer.jsonLine(
      .warning(
        "w", "quote \" and tab\t", at: SourceRange(file: file, span: Span(start: 2, end: 3)),
        hint: "h"))
    #expect(
      line
        == #"{"level":"warning","code":"w","message":"quote \" and tab\t","file":"a.sql","line":2,"column":1,"hint":"h"}"#
    )
  }

  @Test func collectingSinkSortsByFileThenPosition() {
    let sink = CollectingSink()
    let b = SourceFile(path: "b.sql", text: "0123456789")
    let a = SourceFile(path: "a.sql", text: "0123456789")
    sink.emit(.error("x", "third", at: SourceRange(file: b, span: Span(start: 1, end: 2))))
    sink.emit(.error("x", "second", at: SourceRange(file: a, span: Span(start: 5, end: 6))))
    sink.emit(.warning("x", "first", at: SourceRange(file: a, span: Span(start: 0, end: 1))))
    #expect(sink.diagnostics.map(\.message) == ["first", "second", "third"])
    #expect(sink.hasErrors)
    #expect(sink.count(of: .warning) == 1)
  }
}

@Suite struct SuggestionsTests {
  @Test(arguments: [
    ("stg_order", "stg_orders"), ("materialised", "materialized"), ("uniqe_key", "unique_key"),
    ("STG_ORDERS", "stg_orders"),
  ])
  func suggestsTheClosestName(typo: String, expected: String) {
    let candidates = ["stg_orders", "stg_customers", "materialized", "unique_key", "dim_date"]
    #expect(Suggestions.closest(to: typo, in: candidates) == expected)
  }

  @Test func suggestsNothingForUnrelatedNames() {
    #expect(Suggestions.closest(to: "revenue", in: ["stg_orders", "dim_date"]) == nil)
  }
}
