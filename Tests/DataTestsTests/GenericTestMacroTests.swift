import Compiler
import DataTests
import Diagnostics
import Foundation
import Project
import Runtime
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

  @Test func packageTestsCallOneAnotherAsTestMacrosAndSeeModules() throws {
    // dbt names a `{% test x %}` block's macro `test_x`; dbt_expectations calls its own tests
    // so, and dbt_utils' `slugify` reads `modules.re`.
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
      "models/orders.sql": "select 1 as id\n",
      "models/schema.yml": """
      version: 2
      models:
        - name: orders
          columns:
            - name: id
              data_tests: [checks.unique_too]
      """,
      "dbt_packages/checks/dbt_project.yml": "name: checks\n",
      "dbt_packages/checks/macros/tests.sql": """
      {% test unique_too(model, column_name) %}
      {{ checks.test_counted(model, column_name) }}
      {% endtest %}
      {% test counted(model, column_name) %}
      select {{ modules.re.sub('[^a-z]', '_', column_name ~ '!') }}, count(*) from {{ model }}
      group by 1 having count(*) > 1
      {% endtest %}
      """,
    ])
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    let compilation = TestCompiler.complete(
      try #require(Compiler.compile(loaded, sink: sink)), sink: sink)
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    #expect(
      compilation.nodes.first { $0.name == "checks_unique_too_orders_id" }?.sql
        == "select id_, count(*) from \"dev\".\"orders\"\ngroup by 1 having count(*) > 1\n")
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

  @Test func customGenericTestsSeeTheInvocationsGlobals() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
      "models/orders.sql": "select 1 as id\n",
      "models/schema.yml": """
      version: 2
      models:
        - name: orders
          columns:
            - name: id
              data_tests: [stamped]
      """,
      "tests/generic/stamped.sql": """
      {% test stamped(model, column_name) %}
      {%- set parsed = fromjson('{"n": 3}') -%}
      select '{{ run_started_at.strftime("%Y") }}' as y, {{ parsed.n }} as n,
        '{{ flags.WHICH }}' as w
      from {{ model }} where {{ modules.re.sub('x', '', 'xidx') }} is null
      {% endtest %}
      """,
    ])
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    let invocation = InvocationContext(
      runStartedAt: Date(timeIntervalSince1970: 1_704_067_200),
      flags: InvocationContext.flags(which: "test"))
    let compiled = try #require(
      Compiler.compile(loaded, options: CompileOptions(invocation: invocation), sink: sink))
    let compilation = TestCompiler.complete(compiled, invocation: invocation, sink: sink)
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    #expect(
      compilation.nodes.first { $0.name == "stamped_orders_id" }?.sql
        == "select '2024' as y, 3 as n,\n  'test' as w\n"
        + "from \"dev\".\"orders\" where id is null\n")
  }
}
