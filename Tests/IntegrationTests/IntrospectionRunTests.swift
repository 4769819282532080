import SwdbtTestSupport
import Testing

/// `run_query`, `statement` / `load_result` and the `adapter` look-ups at run time: the node
/// is rendered again on its worker's connection, `execute` true, as dbt does.
@Suite struct IntrospectionRunTests {
  @Test func runQueryReadsAnUpstreamModelBuiltInTheSameRun() async throws {
    let fixture = try await DatabaseFixture(
      "runquery",
      files: [
        "models/colors.sql": """
        {{ config(materialized='table') }}
        select 'red' as color, 1 as n union all select 'blue', 2
        """,
        "models/pivot.sql": """
        {{ config(materialized='table') }}
        {% set result = run_query("select color, n from " ~ ref('colors') ~ " order by n") %}
        {% if execute %}
          {% set names = result.columns[0].values() %}
        {% else %}
          {% set names = [] %}
        {% endif %}
        select {{ result | length if execute else 0 }} as row_count
        {%- for name in names %}, '{{ name }}' as c_{{ name }}{% endfor %}
        {%- if execute %}, {{ result.rows[1]['n'] }} as second_n, '{{ result.column_names | join('|') }}' as names{% endif %}
        """,
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.rows(
        "select row_count::text, c_red, c_blue, second_n::text, names from \(fixture.relation("pivot"))"
      )
        == [["2", "red", "blue", "2", "color|n"]])
    let compiled = try fixture.project.read("target/compiled/it/models/pivot.sql")
    #expect(compiled.contains("'red' as c_red"), "\(compiled)")
  }

  @Test func statementAndLoadResultKeepTheRowsByName() async throws {
    let fixture = try await DatabaseFixture(
      "statement",
      files: [
        "models/m.sql": """
        {{ config(materialized='table') }}
        {% call statement('numbers', fetch_result=True) %}
          select 41 + 1 as answer, true as yes, null as nothing, 2.5::float as half
        {% endcall %}
        {% set loaded = load_result('numbers') %}
        {% if execute %}
        select {{ loaded['data'][0][0] }} as answer, '{{ loaded.table.rows[0]['yes'] }}' as yes,
          '{{ loaded['data'][0][2] }}' as nothing, {{ loaded.table.rows[0][3] * 2 }} as whole,
          '{{ loaded['response']['_message'] }}' as status
        {% else %}
        select 0 as answer
        {% endif %}
        """
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.rows(
        "select answer::text, yes, nothing, whole::text, status from \(fixture.relation("m"))")
        == [["42", "True", "None", "5.0", "SELECT 1"]])
  }

  @Test func adapterLooksUpColumnsAndRelations() async throws {
    let fixture = try await DatabaseFixture(
      "adapterlookup",
      files: [
        "models/base.sql": """
        {{ config(materialized='table') }}
        select 1::integer as id, 'x'::varchar(20) as label, 1.5::numeric(10,2) as amount
        """,
        "models/described.sql": """
        {{ config(materialized='table') }}
        {% set columns = adapter.get_columns_in_relation(ref('base')) %}
        {% set found = adapter.get_relation(database=none, schema=this.schema, identifier='base') %}
        {% set missing = adapter.get_relation(database=none, schema=this.schema, identifier='nope') %}
        select '{% for c in columns %}{{ c.name }}:{{ c.data_type }}:{{ c.char_size }}:{{ c.numeric_precision }};{% endfor %}' as cols,
          '{{ found.type if found else "none" }}' as kind, '{{ missing is none }}' as absent
        """,
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.rows("select cols, kind, absent from \(fixture.relation("described"))")
        == [
          [
            "id:integer:None:32;label:character varying(20):20:None;amount:numeric(10,2):None:10;",
            "table", "True",
          ]
        ])
  }

  @Test func aDatabaseErrorIsLocatedAtTheCall() async throws {
    let fixture = try await DatabaseFixture(
      "queryerror",
      files: [
        "models/m.sql": """
        {{ config(materialized='table') }}
        select 1 as x
        {% set r = run_query("select * from no_such_table_here") %}
        """
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 1)
    let output = result.stdout + result.stderr
    #expect(output.contains("models/m.sql:3:12"), "\(output)")
    #expect(output.contains("no_such_table_here"), "\(output)")
  }
}
