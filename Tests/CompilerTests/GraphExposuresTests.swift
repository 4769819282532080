import Diagnostics
import Exposures
import Graph
import Project
import Runtime
import SwdbtTestSupport
import Template
import Testing

@testable import Compiler

/// `graph.exposures` where nodes run: every exposure, the root project's and its packages', as
/// the manifest has it (dbt_project_evaluator iterates `graph.exposures.values()`).
@Suite struct GraphExposuresTests {
  final class NoDatabase: Introspector {
    func run(_ sql: String) throws(IntrospectionError) -> QueryTable {
      throw IntrospectionError("no database in this test")
    }
  }

  static let files: [String: String] = [
    "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
    "models/orders.sql": "select 1 as id\n",
    "models/marts/exposures.yml": """
    version: 2
    exposures:
      - name: weekly
        type: dashboard
        maturity: high
        url: https://bi.example.com/weekly
        owner: {name: Ana, email: ana@example.com}
        depends_on: [ref('orders')]
    """,
    "models/report.sql": """
    {% if execute %}{% for exposure in graph.exposures.values() | sort(attribute='unique_id') %}{{ exposure.unique_id }}|{{ exposure.name }}|{{ exposure.resource_type }}|{{ exposure.package_name }}|{{ exposure.type }}|{{ exposure.maturity }}|{{ exposure.url }}|{{ exposure.owner.name }}|{{ exposure.owner.email }}|{{ exposure.original_file_path }}|{{ exposure.depends_on.nodes | join(',') }};
    {% endfor %}{% endif %}select 1 as n

    """,
  ]

  func compile(_ files: [String: String]) throws -> (Compilation?, CollectingSink) {
    let fixture = try ProjectFixture(files)
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    return (Compiler.compile(loaded, sink: sink), sink)
  }

  func renderReport(_ files: [String: String]) throws -> String {
    let (compiled, sink) = try compile(files)
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let compilation = try #require(compiled)
    let report = try #require(compilation.graph.index(of: "model.shop.report"))
    return try SecondPass(compilation).render(report, on: NoDatabase())
  }

  @Test func theSecondRendersGraphHasTheExposures() throws {
    let text = try renderReport(Self.files)
    #expect(
      text.contains(
        "exposure.shop.weekly|weekly|exposure|shop|dashboard|high|https://bi.example.com/weekly"
          + "|Ana|ana@example.com|models/marts/exposures.yml|model.shop.orders;"),
      "\(text)")
  }

  /// A package's `exposures:` are read as the root project's: `exposure.<package>.<name>`,
  /// selectable, in `graph.exposures`; a bare `ref` finds the root project's model first.
  @Test func aPackagesExposuresAreRead() throws {
    var files = Self.files
    files["dbt_packages/pkga/dbt_project.yml"] = "name: pkga\n"
    files["dbt_packages/pkga/models/helper.sql"] = "select 1 as one\n"
    files["dbt_packages/pkga/models/usage.yml"] = """
      version: 2
      exposures:
        - name: usage
          type: analysis
          owner: {email: ops@example.com}
          depends_on: [ref('helper'), ref('orders')]
      """
    let text = try renderReport(files)
    #expect(
      text.contains(
        "exposure.pkga.usage|usage|exposure|pkga|analysis|None|None|None|ops@example.com"
          + "|models/usage.yml|model.pkga.helper,model.shop.orders;"),
      "\(text)")
    let (compiled, _) = try compile(files)
    let compilation = try #require(compiled)
    let usage = try #require(compilation.exposures.first { $0.uniqueID == "exposure.pkga.usage" })
    #expect(usage.fqn == ["pkga", "usage"])
    let selected = compilation.resolve(
      select: try Selector.parse(["+exposure:pkga.usage"]), exclude: nil)
    #expect(
      Set(selected.map { compilation.graph.ids[$0] }) == ["model.pkga.helper", "model.shop.orders"])
  }
}
