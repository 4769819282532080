import Diagnostics
import Project
import SwdbtTestSupport
import Template
import Testing

/// `.md` files: only their `{% docs %}` blocks are read, as dbt does; text around them is prose.
@Suite struct DocsFileTests {
  @Test func jinjaOutsideDocsBlocksIsNotParsed() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  local: {type: postgres, schema: dev}\n",
      "models/a.sql": "select 1",
      "models/docs.md": """
      # Notes {{ this is not jinja }} and {% nonsense %}
      {% docs orders %}
      One row per **order**.
      {% enddocs %}
      trailing {{ broken
      {%- docs customers -%}Customers.{%- enddocs -%}
      """,
    ])
    let sink = CollectingSink()
    let project = try ProjectLoader.load(root: fixture.root, sink: sink)
    #expect(sink.diagnostics.map(\.message) == [])
    #expect(project.docs["orders"]?.text == "One row per **order**.")
    #expect(project.docs["customers"]?.text == "Customers.")
  }

  @Test func anUnclosedDocsBlockIsALocatedError() throws {
    let file = SourceFile(path: "models/d.md", text: "text\n{% docs orders %}\nno end")
    #expect(throws: Diagnostic.self) { try Parser.parseDocs(file) }
    do {
      _ = try Parser.parseDocs(file)
    } catch {
      #expect(
        DiagnosticRenderer().render(error).contains(
          "models/d.md:2:9: error: unclosed `{% docs %}`"))
    }
  }
}
