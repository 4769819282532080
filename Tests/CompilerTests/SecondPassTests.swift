import Diagnostics
import Graph
import Project
import Runtime
import SwdbtTestSupport
import Template
import Testing

@testable import Compiler

/// The two renders: the first without a connection (`execute` false, database functions
/// giving dbt's parse-time values); the second only for nodes that used them.
@Suite struct SecondPassTests {
  /// Answers every query with one fixed table and remembers the SQL it was sent.
  final class FakeIntrospector: Introspector {
    var received: [String] = []
    func run(_ sql: String) throws(IntrospectionError) -> QueryTable {
      received.append(sql)
      if sql.contains("fail") { throw IntrospectionError("relation \"fail\" does not exist") }
      return QueryTable(
        columnNames: ["name", "n"],
        rows: [[.string("a"), .integer(1)], [.string("b"), .integer(2)]],
        status: "SELECT 2")
    }
  }

  func compile(_ files: [String: String]) throws -> (Compilation?, CollectingSink) {
    var all = files
    all["project.yml"] = "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n"
    let fixture = try ProjectFixture(all)
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    return (Compiler.compile(loaded, sink: sink), sink)
  }

  @Test func executeIsFalseFirstAndTrueWhenRenderedAgain() throws {
    let (compiled, sink) = try compile([
      "models/base.sql": "select 1 as n\n",
      "models/plain.sql": "select * from {{ ref('base') }}\n",
      "models/pivot.sql": """
      {% set rows = run_query('select name, n from ' ~ ref('base')) %}
      select {% if execute %}{% for row in rows %}'{{ row['name'] }}{{ row[1] }}'{% if not loop.last %}, {% endif %}{% endfor %}{% else %}'parse'{% endif %} from {{ this }}
      """,
    ])
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let compilation = try #require(compiled)
    let pivot = try #require(compilation.graph.index(of: "model.shop.pivot"))
    let plain = try #require(compilation.graph.index(of: "model.shop.plain"))
    #expect(compilation.needsDatabase == [pivot])
    #expect(compilation.nodes[pivot].sql?.contains("select 'parse' from \"dev\".\"pivot\"") == true)
    #expect(compilation.nodes[plain].sql == "select * from \"dev\".\"base\"\n")

    let database = FakeIntrospector()
    let sql = try SecondPass(compilation).render(pivot, on: database)
    #expect(sql.contains("select 'a1', 'b2' from \"dev\".\"pivot\""), "\(sql)")
    #expect(database.received == ["select name, n from \"dev\".\"base\""])
  }

  @Test func theSecondRenderSeesTheLinkedGraph() throws {
    let (compiled, sink) = try compile([
      "models/base.sql": "select 1 as n\n",
      "models/plain.sql": "{{ config(schema='mart') }}select * from {{ ref('base') }}\n",
      "models/report.sql": """
      {%- for node in graph.nodes.values() if node.name == 'plain' -%}
      select '{{ node.depends_on.nodes | join(',') }}' as parents, '{{ node.schema }}' as s
      {%- endfor %} {{ execute }}
      """,
    ])
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let compilation = try #require(compiled)
    let report = try #require(compilation.graph.index(of: "model.shop.report"))
    // Before linking, dependencies and `config()` calls are not known yet.
    #expect(compilation.nodes[report].sql == "select '' as parents, 'dev' as s False")
    let sql = try SecondPass(compilation).render(report, on: FakeIntrospector())
    #expect(sql == "select 'model.shop.base' as parents, 'dev_mart' as s True")
  }

  @Test func unflaggedNodesAreRenderedOnce() throws {
    let (compiled, _) = try compile([
      "models/a.sql": "select 1 as n\n",
      "models/b.sql": "{{ config(materialized='table') }}select * from {{ ref('a') }}\n",
    ])
    #expect(try #require(compiled).needsDatabase.isEmpty)
  }

  @Test func aRefOnlyInTheSecondRenderResolvesToItsNode() throws {
    let (compiled, sink) = try compile([
      "models/late.sql": "select 1 as n\n",
      "models/m.sql": "select {% if execute %}* from {{ ref('late') }}{% else %}1{% endif %}\n",
    ])
    #expect(!sink.hasErrors)
    let compilation = try #require(compiled)
    let m = try #require(compilation.graph.index(of: "model.shop.m"))
    #expect(
      try SecondPass(compilation).render(m, on: FakeIntrospector())
        == "select * from \"dev\".\"late\"\n")
  }

  @Test func anUnknownRefInTheSecondRenderIsALocatedError() throws {
    let (compiled, _) = try compile([
      "models/m.sql": "select {% if execute %}* from {{ ref('nowhere') }}{% else %}1{% endif %}\n"
    ])
    let compilation = try #require(compiled)
    let m = try #require(compilation.graph.index(of: "model.shop.m"))
    #expect {
      try SecondPass(compilation).render(m, on: FakeIntrospector())
    } throws: { error in
      guard let diagnostic = error as? Diagnostic else { return false }
      return diagnostic.code == "compile.unknown-ref" && diagnostic.range?.start.line == 1
    }
  }

  @Test func aDatabaseErrorPointsAtTheRunQueryCall() throws {
    let (compiled, _) = try compile([
      "models/m.sql": "select 1\n{% set r = run_query('select * from fail') %}\n"
    ])
    let compilation = try #require(compiled)
    let m = try #require(compilation.graph.index(of: "model.shop.m"))
    #expect {
      try SecondPass(compilation).render(m, on: FakeIntrospector())
    } throws: { error in
      guard let diagnostic = error as? Diagnostic else { return false }
      return diagnostic.code == "runtime.database" && diagnostic.range?.start.line == 2
        && diagnostic.range?.start.column == 12 && diagnostic.message.contains("\"fail\"")
    }
  }
}
