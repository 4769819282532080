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

  /// dbt_utils' `get_column_values` pattern: the bare `load_relation`, a `statement` and
  /// `load_result(...)['data'] | map(attribute=0)`.
  @Test func loadRelationAndTheFirstColumnOfAStatementsRows() async throws {
    let fixture = try await DatabaseFixture(
      "loadrelation",
      files: [
        "models/colors.sql": """
        {{ config(materialized='table') }}
        select 'red' as color union all select 'blue'
        """,
        "models/picked.sql": """
        {{ config(materialized='table') }}
        {% set exists = load_relation(ref('colors')) is not none %}
        {% set absent = load_relation(api.Relation.create(schema=this.schema, identifier='nope')) %}
        {% call statement('colors', fetch_result=true) %}select color from {{ ref('colors') }} order by 1{% endcall %}
        {% set names = load_result('colors')['data'] | map(attribute=0) | list if execute else [] %}
        select '{{ exists }} {{ absent is none }} {{ names | join(",") }}' as picked
        """,
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.rows("select picked from \(fixture.relation("picked"))")
        == [["True True blue,red"]])
  }

  /// A ref inside `if execute` is ordered when a `-- depends_on:` comment declares it, and
  /// fails with a located error asking for one when none does.
  @Test func aRefSeenOnlyAtRunTimeNeedsADependsOnComment() async throws {
    let late = """
      {{ config(materialized='table') }}
      select 7 as n
      """
    let declared = try await DatabaseFixture(
      "dependson",
      files: [
        "models/zz_late.sql": late,
        "models/aa_reader.sql": """
        -- depends_on: {{ ref('zz_late') }}
        {{ config(materialized='table') }}
        {% if execute %}{% set n = run_query('select n from ' ~ ref('zz_late')).columns[0].values()[0] %}{% endif %}
        select {{ n if execute else 0 }} as n
        """,
      ])
    let ran = try declared.swdbt(["run", "--threads", "1"])
    #expect(ran.status == 0, "\(ran.stderr)")
    #expect(try declared.rows("select n::text from \(declared.relation("aa_reader"))") == [["7"]])

    let undeclared = try await DatabaseFixture(
      "nodependson",
      files: [
        "models/zz_late.sql": late,
        "models/aa_reader.sql": """
        {{ config(materialized='table') }}
        select {% if execute %}n from {{ ref('zz_late') }}{% else %}0 as n{% endif %}
        """,
      ])
    let failed = try undeclared.swdbt(["run", "--threads", "1"])
    #expect(failed.status == 1)
    let output = failed.stdout + failed.stderr
    #expect(output.contains("models/aa_reader.sql:2:34"), "\(output)")
    #expect(output.contains("-- depends_on: {{ ref('zz_late') }}"), "\(output)")
  }

  /// A post-hook is rendered after the build, so its `run_query` reads the new relation; in
  /// the second render `target.database` and `this.database` are the connection's database
  /// when the target names none, while names still render without it.
  @Test func postHooksSeeTheNewRelationAndTheDatabaseIsKnownWhenRunning() async throws {
    let fixture = try await DatabaseFixture(
      "posthookquery",
      files: [
        "models/counted.sql": """
        {{ config(materialized='table', post_hook="{% if execute %}{% set n = run_query('select count(*) from ' ~ this).columns[0].values()[0] %}insert into {{ this }} select {{ n }} + 100{% endif %}") }}
        select 1 as n union all select 2
        """,
        "models/where_am_i.sql": """
        {{ config(materialized='table') }}
        {% set tables = run_query("select count(*) from " ~ target.database ~ ".information_schema.tables where table_name = 'counted'") if execute else none %}
        select '{{ target.database if execute else "" }}' as target_db, '{{ this.database if execute else "" }}' as this_db,
          '{{ this }}' as rendered, {{ tables.columns[0].values()[0] if execute else 0 }} as found
        -- depends_on: {{ ref('counted') }}
        """,
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    let counted = try fixture.rows("select n from \(fixture.relation("counted")) order by n")
    #expect(counted == [["1"], ["2"], ["102"]], "\(result.stderr)")
    let database = try fixture.scalar("select current_database()")
    let whereAmI = try fixture.rows(
      "select target_db, this_db, rendered, found::text from \(fixture.relation("where_am_i"))")
    #expect(
      whereAmI
        == [[database, database, fixture.relation("where_am_i"), "1"]])
  }

  /// `adapter.expand_target_column_types` widens a target's `varchar` column to the source's
  /// size, keeping its values, as dbt-postgres does (the column moves last, as with dbt's
  /// add-copy-drop-rename); `text` and wider columns are left alone.
  @Test func expandTargetColumnTypesWidensNarrowerStrings() async throws {
    let fixture = try await DatabaseFixture(
      "expandtypes",
      files: [
        "models/m.sql": "select 1 as x\n",
        "macros/widen.sql": """
        {% macro widen() %}
          {% set narrow = api.Relation.create(schema=target.schema, identifier='narrow', type='table') %}
          {% set wide = api.Relation.create(schema=target.schema, identifier='wide', type='table') %}
          {% do adapter.create_schema(narrow) %}
          {% call statement('make') %}
            create table {{ narrow }} (code varchar(5), note text, id int, tag varchar(30));
            insert into {{ narrow }} values ('abcde', 'x', 1, 't');
            create table {{ wide }} (id int, code varchar(20), note varchar(10), tag varchar(8));
          {% endcall %}
          {% do adapter.expand_target_column_types(from_relation=wide, to_relation=narrow) %}
        {% endmacro %}
        """,
      ])
    let widened = try fixture.swdbt(["run-operation", "widen"])
    #expect(widened.status == 0, "\(widened.stderr)")
    #expect(
      try fixture.rows(
        "select column_name, data_type, coalesce(character_maximum_length::text, '') "
          + "from information_schema.columns where table_schema = '\(fixture.schema)' "
          + "and table_name = 'narrow' order by ordinal_position")
        == [
          ["note", "text", ""], ["id", "integer", ""], ["tag", "character varying", "30"],
          ["code", "character varying", "20"],
        ])
    #expect(
      try fixture.rows("select code, note from \(fixture.relation("narrow"))") == [["abcde", "x"]])
  }
}
