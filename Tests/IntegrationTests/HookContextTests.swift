import Foundation
import SwdbtTestSupport
import Testing

@Suite struct HookContextTests {
  @Test func hooksSeeTheInvocationAndRefAndTheRunEndSeesItsSchemas() async throws {
    let fixture = try await DatabaseFixture(
      "hookctx",
      projectYAML: """
        on-run-start:
          - "create table if not exists {{ target.schema }}.audit (event text, started text, invocation text, thread text)"
        on-run-end:
          - "insert into {{ target.schema }}.audit values ('end {{ schemas | join(',') }}', '{{ run_started_at }}', '{{ invocation_id }}', '{{ thread_id }}')"
        """,
      files: [
        "models/a.sql": "select 1 as x\n",
        "models/m.sql":
          "{{ config(materialized='table', pre_hook=[{'sql': \"insert into {{ target.schema }}.audit select 'pre ' || count(*), '{{ run_started_at.strftime('%Y') }}', '{{ invocation_id }}', '{{ thread_id }}' from {{ ref('a') }}\", 'transaction': true}]) }}\nselect 1 as x from {{ ref('a') }}\n",
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    let rows = try fixture.rows(
      "select event, started, invocation, thread from \"\(fixture.schema)\".audit order by event desc"
    )
    #expect(rows.map { $0[0] ?? "" } == ["pre 1", "end \(fixture.schema)"])
    let year = String(Calendar(identifier: .gregorian).component(.year, from: Date()))
    #expect(rows.first?[1] == year)
    #expect(rows.last?[1]?.hasSuffix("+00:00") == true)
    // One invocation id for the whole command, written to run_results.json too.
    let invocation = rows.first?[2] ?? ""
    #expect(!invocation.isEmpty && rows.last?[2] == invocation)
    let results = try String(
      contentsOfFile: fixture.project.root + "/target/run_results.json", encoding: .utf8)
    #expect(results.contains(invocation))
    #expect(rows.first?[3]?.hasPrefix("Thread-") == true)
    #expect(rows.last?[3] == "MainThread")
  }

  /// `on-run-end`'s `results` name each node by its name: a generic test's unique id ends in
  /// dbt's hash, not in its name.
  @Test func runEndResultsNameGenericTestsByName() async throws {
    let fixture = try await DatabaseFixture(
      "hookresults",
      projectYAML: """
        on-run-end:
          - "create table {{ target.schema }}.ran as select {% for r in results %}'{{ r.node.name }}|{{ r.node.unique_id }}' as n{{ loop.index }}{{ ', ' if not loop.last }}{% endfor %}"
        """,
      files: [
        "models/a.sql": "select 1 as id\n",
        "models/schema.yml":
          "version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [not_null]\n",
      ])
    let result = try fixture.swdbt(["build"])
    #expect(result.status == 0, "\(result.stderr)")
    let rows = try fixture.rows("select * from \"\(fixture.schema)\".ran")
    let names = Set((rows.first ?? []).compactMap { $0 })
    #expect(
      names == ["a|model.it.a", "not_null_a_id|test.it.not_null_a_id.c1cebc1440"], "\(names)")
  }

  /// A package model's hooks call the package's macros by bare name and read its vars, whose
  /// Jinja is rendered when read, and `graph` (dbt_project_evaluator's post-hooks).
  @Test func aPackagesHooksSeeItsMacrosVarsAndTheGraph() async throws {
    let fixture = try await DatabaseFixture(
      "pkghooks",
      files: [
        "dbt_packages/helpers/dbt_project.yml": """
        name: helpers
        vars:
          batch: "{{ 2 if target.type == 'postgres' else 9 }}"
        """,
        "dbt_packages/helpers/macros/fill.sql": """
        {% macro fill(relation) %}
        {%- set ids = [] -%}
        {%- for id in graph.nodes if id.startswith('model.') -%}{% do ids.append(id) %}{%- endfor -%}
        insert into {{ relation }} select {{ var('batch') | int * 10 }}, '{{ ids | join(",") }}'
        {%- endmacro %}
        """,
        "dbt_packages/helpers/models/filled.sql": """
        {{ config(materialized='table', post_hook="{{ fill(this) }}") }}
        select 0 as n, '' as ids
        """,
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.rows("select n::text, ids from \(fixture.relation("filled")) where n > 0")
        == [["20", "model.helpers.filled"]])
  }
}
