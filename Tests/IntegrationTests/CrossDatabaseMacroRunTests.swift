import SwdbtTestSupport
import Testing

/// dbt's cross-database macros (`dbt.dateadd`, `type_string()`, ...) run against PostgreSQL,
/// and a project overrides them through `adapter.dispatch` as in dbt.
@Suite struct CrossDatabaseMacroRunTests {
  @Test func builtInMacrosCompileToWorkingPostgresSQL() async throws {
    let fixture = try await DatabaseFixture(
      "crossdb",
      files: [
        "models/facts.sql": """
        {{ config(materialized='table') }}
        select
          {{ dbt.dateadd('day', 3, "date '2024-01-30'") }} as later,
          {{ datediff("date '2024-01-01'", "date '2024-03-15'", 'month') }} as months,
          {{ datediff("timestamp '2024-01-01 00:00'", "timestamp '2024-01-01 10:30'", 'minute') }}
            as minutes,
          {{ last_day("date '2024-02-10'", 'month') }} as month_end,
          {{ last_day("date '2024-02-10'", 'quarter') }} as quarter_end,
          {{ concat(["'a'", "'-'", "'b'"]) }} as joined,
          {{ hash("'x'") }} as hashed,
          {{ split_part("'a,b,c'", "','", -1) }} as last_part,
          {{ string_literal(escape_single_quotes("it's")) }} as quoted,
          cast(1.5 as {{ type_float() }}) as f,
          cast('x' as {{ dbt.type_string() }}) as s,
          {{ array_construct(['1', '2']) }} as arr,
          {{ dbt.current_timestamp() }} is not null as has_now
        """,
        "models/agg.sql": """
        select {{ listagg("v::text", "'|'", "order by v") }} as listed, {{ any_value("v") }} as one_value,
          {{ bool_or('v > 1') }} as any_big
        from (values (1), (2), (3)) as t(v)
        """,
        "models/spine.sql": """
        {{ date_spine('day', "date '2024-01-01'", "date '2024-01-05'") }}
        """,
        "models/series.sql": "{{ dbt.generate_series(5) }}",
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.rows(
        "select later::date::text, months::text, minutes::text, month_end::text,"
          + " quarter_end::text, joined, hashed = md5('x'), last_part, quoted, f::text,"
          + " pg_typeof(s)::text, arr::text, has_now::text from \(fixture.relation("facts"))")
        == [
          [
            "2024-02-02", "2", "630", "2024-02-29", "2024-03-31", "a-b", "t", "c", "it's", "1.5",
            "text", "{1,2}", "true",
          ]
        ])
    #expect(
      try fixture.rows(
        "select listed, one_value::text, any_big::text from \(fixture.relation("agg"))")
        == [["1|2|3", "1", "true"]])
    #expect(
      try fixture.rows(
        "select date_day::date::text from \(fixture.relation("spine")) order by 1")
        == [["2024-01-01"], ["2024-01-02"], ["2024-01-03"], ["2024-01-04"]])
    #expect(
      try fixture.scalar(
        "select string_agg(generated_number::text, ',' order by generated_number)"
          + " from \(fixture.relation("series"))") == "1,2,3,4,5")
  }

  @Test func projectMacrosOverrideThroughDispatchAndSearchOrder() async throws {
    let files = [
      "macros/overrides.sql": """
      {% macro postgres__hash(field) %}upper(md5({{ field }})){% endmacro %}
      {% macro default__any_value(expression) %}max({{ expression }}){% endmacro %}
      """,
      "models/m.sql": """
      select {{ hash("'x'") }} = upper(md5('x')) as overridden,
        {{ any_value('v') }} as picked
      from (values (1), (2)) as t(v)
      """,
    ]
    let fixture = try await DatabaseFixture("dispatch", files: files)
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.rows("select overridden::text, picked::text from \(fixture.relation("m"))")
        == [["true", "2"]])
    // A search order without the project skips its overrides.
    let builtInOnly = try await DatabaseFixture(
      "dispatchorder",
      projectYAML: "dispatch:\n  - macro_namespace: dbt\n    search_order: ['dbt']\n",
      files: files)
    let second = try builtInOnly.swdbt(["run"])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(!second.stderr.contains("warning"), "\(second.stderr)")
    #expect(
      try builtInOnly.rows(
        "select overridden::text, picked::text from \(builtInOnly.relation("m"))")
        == [["false", "1"]])
  }
}
