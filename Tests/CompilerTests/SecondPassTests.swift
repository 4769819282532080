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

  @Test func aRefInTheSecondRenderDeclaredByADependsOnCommentResolvesToItsNode() throws {
    let (compiled, sink) = try compile([
      "models/late.sql": "select 1 as n\n",
      "models/m.sql": """
      -- depends_on: {{ ref('late') }}
      select {% if execute %}* from {{ ref('late') }}{% else %}1{% endif %}

      """,
    ])
    #expect(!sink.hasErrors)
    let compilation = try #require(compiled)
    let m = try #require(compilation.graph.index(of: "model.shop.m"))
    let late = try #require(compilation.graph.index(of: "model.shop.late"))
    #expect(compilation.graph.parents[m] == [late])
    #expect(
      try SecondPass(compilation).render(m, on: FakeIntrospector())
        == "-- depends_on: \"dev\".\"late\"\nselect * from \"dev\".\"late\"\n")
  }

  @Test func aRefOnlyInTheSecondRenderIsALocatedErrorAskingForDependsOn() throws {
    let (compiled, sink) = try compile([
      "models/late.sql": "select 1 as n\n",
      "models/m.sql": "select {% if execute %}* from {{ ref('late') }}{% else %}1{% endif %}\n",
    ])
    #expect(!sink.hasErrors)
    let compilation = try #require(compiled)
    let m = try #require(compilation.graph.index(of: "model.shop.m"))
    #expect {
      try SecondPass(compilation).render(m, on: FakeIntrospector())
    } throws: { error in
      guard let diagnostic = error as? Diagnostic else { return false }
      return diagnostic.code == "compile.unrecorded-dependency"
        && diagnostic.range?.start.line == 1 && diagnostic.range?.start.column == 34
        && diagnostic.hint?.contains("-- depends_on: {{ ref('late') }}") == true
    }
  }

  /// dbt's relations are mappings in both renders: dbt_utils' `_is_relation` reads
  /// `relation.get('metadata')` before `execute` is known, and `_is_ephemeral` reads `is_cte`.
  @Test func aRefIsAMappingWithRelationMetadataInTheFirstRender() throws {
    let (compiled, sink) = try compile([
      "models/base.sql": "select 1 as n\n",
      "models/m.sql": """
      {% set r = ref('base') %}
      select '{{ r is mapping }} {{ r.get('metadata', {}).get('type', '').endswith('Relation') }} {{ r.is_cte is true }}' as checks, {{ r.get('identifier') }} as n
      from {{ r.information_schema('columns') }}

      """,
    ])
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let compilation = try #require(compiled)
    let m = try #require(compilation.graph.index(of: "model.shop.m"))
    #expect(
      compilation.nodes[m].sql?.contains(
        "select 'True True False' as checks, base as n\nfrom information_schema.columns")
        == true, "\(compilation.nodes[m].sql ?? "")")
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

  /// A connection that knows its database and answers every query with no rows.
  final class NamedDatabase: Introspector {
    var databaseName: String? { "warehouse" }
    func run(_ sql: String) throws(IntrospectionError) -> QueryTable { QueryTable() }
  }

  /// With no database on the target, the second render reads the connection's for
  /// `target.database`, `database`, `this.database` and a ref's `database`, as dbt-postgres
  /// always has one; relations still render without it.
  @Test func theSecondRenderKnowsTheConnectionsDatabase() throws {
    let (compiled, sink) = try compile([
      "models/base.sql": "select 1 as n\n",
      "models/m.sql": """
      {% if execute %}{% do run_query('select 1') %}{% endif %}
      select '{{ target.database }}|{{ database }}|{{ this.database }}|{{ ref('base').database }}' as dbs, {{ this }} as t

      """,
    ])
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let compilation = try #require(compiled)
    let m = try #require(compilation.graph.index(of: "model.shop.m"))
    #expect(
      compilation.nodes[m].sql?.contains("select 'None|None||' as dbs") == true,
      "\(compilation.nodes[m].sql ?? "")")
    #expect(
      try SecondPass(compilation).render(m, on: NamedDatabase()).contains(
        "select 'warehouse|warehouse|warehouse|warehouse' as dbs, \"dev\".\"m\" as t"))
  }

  /// A result's `columns` is agate's `MappedSequence`: dbt_utils' `get_query_results_as_dict`
  /// walks `columns.items()`.
  @Test func queryColumnsAreAMappedSequence() throws {
    let (compiled, _) = try compile([
      "models/m.sql": """
      {% set columns = run_query('select name, n') .columns if execute else none %}
      select '{% if execute %}{% for name, column in columns.items() %}{{ name }}={{ column.values() | join('/') }};{% endfor %}{{ columns.keys() }} {{ columns.get('n').values() }} {{ columns.get('x', 0) }}{% endif %}' as c

      """
    ])
    let compilation = try #require(compiled)
    let m = try #require(compilation.graph.index(of: "model.shop.m"))
    #expect(
      try SecondPass(compilation).render(m, on: FakeIntrospector())
        == "\nselect 'name=a/b;n=1/2;['name', 'n'] [1, 2] 0' as c\n")
  }

  /// A package's model rendered again sees its package's vars and macros, as in the first
  /// render (dbt_project_evaluator reads its `primary_key_test_macros` var when it runs).
  @Test func aPackagesModelKeepsItsPackageInTheSecondRender() throws {
    let (compiled, sink) = try compile([
      "dbt_packages/helpers/dbt_project.yml": "name: helpers\nvars:\n  depth: 3\n",
      "dbt_packages/helpers/macros/twice.sql": "{% macro twice(n) %}{{ n * 2 }}{% endmacro %}\n",
      "dbt_packages/helpers/models/counted.sql": """
      select {{ twice(var('depth')) if execute else 0 }} as n

      """,
    ])
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let compilation = try #require(compiled)
    let counted = try #require(compilation.graph.index(of: "model.helpers.counted"))
    #expect(
      try SecondPass(compilation).render(counted, on: FakeIntrospector()) == "select 6 as n\n")
  }

  /// Where nodes run, `graph` has what linking learned, as dbt's has at execution:
  /// dependencies, packages, and generic tests with their `test_metadata` and macro.
  @Test func theSecondRendersGraphHasDependenciesAndGenericTests() throws {
    let (compiled, sink) = try compile([
      "models/base.sql": "select 1 as id\n",
      "models/schema.yml": """
      version: 2
      models:
        - name: base
          columns:
            - name: id
              data_tests: [unique]
      """,
      "models/m.sql": """
      {% if execute %}{% for id, node in graph.nodes.items() if node.resource_type != 'seed' %}{{ id }}:{{ node.package_name }}:{{ node.depends_on.nodes | join(',') }}:{{ node.depends_on.macros | join(',') }}:{{ node.test_metadata.name if node.test_metadata else '' }};
      {% endfor %}{% endif %}
      -- depends_on: {{ ref('base') }}

      """,
    ])
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let compilation = try #require(compiled)
    let m = try #require(compilation.graph.index(of: "model.shop.m"))
    let text = try SecondPass(compilation).render(m, on: FakeIntrospector())
    #expect(text.contains("model.shop.base:shop:::;"), "\(text)")
    #expect(text.contains("model.shop.m:shop:model.shop.base::;"), "\(text)")
    #expect(
      text.contains(
        "test.shop.unique_base_id.c59834fb40:shop:model.shop.base:macro.dbt.test_unique:unique;"),
      "\(text)")
  }

  /// A `ref` in a hook is a dependency, as dbt records it while parsing; the hook's text is
  /// not rendered into the node and does not make it need the database.
  @Test func refsInHooksAreDependencies() throws {
    let (compiled, sink) = try compile([
      "models/audit.sql": "select 1 as n\n",
      "models/m.sql": """
      {{ config(post_hook=["insert into {{ ref('audit') }} select 2", "select 1"]) }}select 1 as n

      """,
    ])
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let compilation = try #require(compiled)
    let m = try #require(compilation.graph.index(of: "model.shop.m"))
    let audit = try #require(compilation.graph.index(of: "model.shop.audit"))
    #expect(compilation.graph.parents[m] == [audit])
    #expect(compilation.needsDatabase.isEmpty)
    #expect(compilation.nodes[m].sql == "select 1 as n\n")
  }
}
