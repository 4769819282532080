import Compiler
import DataTests
import Diagnostics
import Project
import SwdbtTestSupport
import Testing

/// Generic tests see dbt's built-in macros and `adapter.dispatch`, as models do.
@Suite struct GenericTestMacroTests {
  @Test func customGenericTestCallsBuiltInAndDispatchedMacros() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
      "models/orders.sql": "select 1 as id\n",
      "models/schema.yml": """
      version: 2
      models:
        - name: orders
          columns:
            - name: id
              data_tests: [recent]
      """,
      "macros/overrides.sql":
        "{% macro postgres__current_timestamp() %}clock_timestamp(){% endmacro %}\n",
      "tests/generic/recent.sql": """
      {% test recent(model, column_name) %}
      select * from {{ model }}
      where {{ dbt.dateadd('day', 1, column_name) }} < {{ current_timestamp() }}
      {% endtest %}
      """,
    ])
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    let compilation = TestCompiler.complete(
      try #require(Compiler.compile(loaded, sink: sink)), sink: sink)
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    #expect(
      compilation.nodes.first { $0.name == "recent_orders_id" }?.sql
        == "select * from \"dev\".\"orders\"\n"
        + "where id + ((interval '1 day') * (1)) < clock_timestamp()\n")
  }

  /// dbt's context functions reach generic tests too: dbt_utils' `equality` compares
  /// `set(...)`s of column names.
  @Test func customGenericTestCallsContextFunctions() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
      "models/orders.sql": "select 1 as id\n",
      "models/schema.yml": """
      version: 2
      models:
        - name: orders
          data_tests:
            - same_columns: {left: ['a', 'B'], right: ['b', 'a', 'a']}
      """,
      "tests/generic/same_columns.sql": """
      {% test same_columns(model, left, right) %}
      {%- set l = set(left | map('lower')) %}{% set r = set(right) -%}
      select {{ l == r }} as same, {{ tojson(left) }} as names from {{ model }}
      {% endtest %}
      """,
    ])
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    let compilation = TestCompiler.complete(
      try #require(Compiler.compile(loaded, sink: sink)), sink: sink)
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    #expect(
      compilation.nodes.first { $0.resourceType == .test }?.sql
        == "select True as same, [\"a\", \"B\"] as names from \"dev\".\"orders\"\n")
  }

  /// A package's `{% test x %}` is also its macro `test_x`, as in dbt: dbt_expectations'
  /// tests call each other so.
  @Test func aPackagesGenericTestIsCallableAsTestMacro() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
      "dbt_packages/helpers/dbt_project.yml": "name: helpers\n",
      "dbt_packages/helpers/macros/tests.sql": """
      {% test at_most(model, column_name, value) %}select * from {{ model }} where {{ column_name }} > {{ value }}{% endtest %}
      {% test small(model, column_name) %}{{ helpers.test_at_most(model, column_name, 10) }}{% endtest %}
      """,
      "models/orders.sql": "select 1 as id\n",
      "models/schema.yml": """
      version: 2
      models:
        - name: orders
          columns:
            - name: id
              data_tests: [helpers.small]
      """,
    ])
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    let compilation = TestCompiler.complete(
      try #require(Compiler.compile(loaded, sink: sink)), sink: sink)
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    #expect(
      compilation.nodes.first { $0.resourceType == .test }?.sql
        == "select * from \"dev\".\"orders\" where id > 10\n")
  }
}
