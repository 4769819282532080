import SwdbtTestSupport
import Testing

/// dbt's adapter macros run their statements when the model is rendered where it runs, and
/// `swdbt run-operation` calls a macro on the target.
@Suite struct AdapterMacroRunTests {
  @Test func ddlMacrosChangeTheDatabaseBeforeTheModelBuilds() async throws {
    let fixture = try await DatabaseFixture(
      "ddlmacros",
      files: [
        "models/base.sql": "{{ config(materialized='table') }}\nselect 1 as id, 2 as n\n",
        "models/changer.sql": """
        {{ config(materialized='table') }}
        {% set base = ref('base') %}
        {{ alter_column_type(base, 'n', 'text') }}
        {% do alter_relation_add_remove_columns(base, [api.Column('extra', 'integer')], none) %}
        {% set scratch = api.Relation.create(schema=this.schema, identifier='scratch', type='table') %}
        {% do run_query('create table ' ~ scratch ~ ' as select 1 as x') %}
        {{ dbt.truncate_relation(scratch) }}
        select {{ get_columns_in_query('select * from ' ~ base) | length if execute else 0 }} as column_count
        """,
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.rows(
        "select column_name, data_type from information_schema.columns where table_schema = '\(fixture.schema)' and table_name = 'base' order by ordinal_position"
      ) == [["id", "integer"], ["n", "text"], ["extra", "integer"]])
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("scratch"))") == "0")
    #expect(try fixture.scalar("select column_count from \(fixture.relation("changer"))") == "3")
  }

  @Test func runOperationCallsAMacroWithArgumentsAndCommits() async throws {
    let fixture = try await DatabaseFixture(
      "runop",
      files: [
        "models/m.sql": "select 1 as x\n",
        "macros/ops.sql": """
        {% macro make_table(name, rows) %}
          {% set relation = api.Relation.create(schema=target.schema, identifier=name) %}
          {% do adapter.create_schema(relation) %}
          {% call statement('make') %}
            create table {{ relation }} as select generate_series(1, {{ rows }}) as n
          {% endcall %}
          {% set count = run_query('select count(*) from ' ~ relation).rows[0][0] %}
          {{ log('made ' ~ name ~ ' with ' ~ count ~ ' rows', info=True) }}
        {% endmacro %}
        {% macro broken() %}
          {% do run_query('select * from missing_relation_here') %}
        {% endmacro %}
        """,
      ])
    let made = try fixture.swdbt(["run-operation", "make_table", "--args", "{name: made, rows: 3}"])
    #expect(made.status == 0, "\(made.stderr)")
    #expect((made.stdout + made.stderr).contains("made made with 3 rows"))
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("made"))") == "3")

    let broken = try fixture.swdbt(["run-operation", "broken"])
    #expect(broken.status == 1)
    #expect((broken.stdout + broken.stderr).contains("macros/ops.sql:11:9"), "\(broken.stderr)")
    #expect((broken.stdout + broken.stderr).contains("missing_relation_here"))

    #expect(try fixture.swdbt(["run-operation", "nope"]).status == 2)
    #expect(try fixture.swdbt(["run-operation", "make_table", "--args", "[1, 2]"]).status == 2)
  }

  @Test func runOperationDropsASchemaByNameWithDbtsBuiltInMacro() async throws {
    let fixture = try await DatabaseFixture("dropnamed", files: ["models/m.sql": "select 1 as x\n"])
    #expect(try fixture.swdbt(["run"]).status == 0)
    let dropped = try fixture.swdbt([
      "run-operation", "drop_schema_named", "--args", "{schema_name: \(fixture.schema)}",
    ])
    #expect(dropped.status == 0, "\(dropped.stderr)")
    #expect(
      try fixture.scalar(
        "select count(*) from pg_namespace where nspname = '\(fixture.schema)'") == "0")
  }

  @Test func runOperationCallsAPackageMacroWithTheRuntimeGlobals() async throws {
    let fixture = try await DatabaseFixture(
      "runoppkg",
      files: [
        "models/m.sql": "select 1 as x\n",
        "dbt_packages/tools/dbt_project.yml": "name: tools\nversion: '1.0.0'\n",
        "dbt_packages/tools/macros/stamp.sql": """
        {% macro stamp(name) %}
          {% set relation = api.Relation.create(schema=target.schema, identifier=name) %}
          {% do adapter.create_schema(relation) %}
          {% do run_query('create table ' ~ relation ~ " as select '"
            ~ modules.datetime.date(2024, 2, 29).isoformat() ~ "'::date as day, '"
            ~ invocation_id ~ "' as invocation") %}
        {% endmacro %}
        """,
      ])
    let result = try fixture.swdbt(["run-operation", "tools.stamp", "--args", "{name: stamped}"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.scalar("select day::text from \(fixture.relation("stamped"))") == "2024-02-29")
    #expect(
      try fixture.scalar("select length(invocation) from \(fixture.relation("stamped"))") == "36")
  }

  @Test func aGenericTestReadsColumnsWhereItRuns() async throws {
    let fixture = try await DatabaseFixture(
      "testcolumns",
      files: [
        "models/m.sql": "{{ config(materialized='table') }}\nselect 1::integer as id\n",
        "models/schema.yml": """
        models:
          - name: m
            columns:
              - name: id
                data_tests:
                  - column_type: {type: integer}
                  - column_type: {type: text}
        """,
        "macros/column_type.sql": """
        {% test column_type(model, column_name, type) %}
        {% set found = [] %}
        {% for column in adapter.get_columns_in_relation(model) if column.name == column_name %}
          {% do found.append(column.data_type) %}
        {% endfor %}
        select 1 as failure where {{ 'false' if found == [type] else 'true' }}
        {% endtest %}
        """,
      ])
    let result = try fixture.swdbt(["build"])
    #expect(result.status == 1)
    let output = result.stdout + result.stderr
    #expect(output.contains("PASS column_type_m_id__integer"), "\(output)")
    #expect(output.contains("FAIL 1 column_type_m_id__text"), "\(output)")
  }

  /// run-operation sees what hooks see: `ref`, installed packages' macros by namespace and as
  /// `package.macro`, and `print_table()` writes to the console.
  @Test func runOperationReachesRefsPackagesAndPrintsTables() async throws {
    let fixture = try await DatabaseFixture(
      "runoppkg",
      files: [
        "dbt_packages/helpers/dbt_project.yml": "name: helpers\n",
        "dbt_packages/helpers/macros/count_rows.sql": """
        {% macro count_sql(relation) %}select count(*) as n, 'x' as label from {{ relation }}{% endmacro %}
        {% macro shout(text) %}{{ log(text | upper, info=True) }}{% endmacro %}
        """,
        "models/m.sql": "{{ config(materialized='table') }}select 1 as x union all select 2\n",
        "macros/ops.sql": """
        {% macro show_counts() %}
          {% do run_query(helpers.count_sql(ref('m'))).print_table() %}
          {{ log('this is ' ~ (this is none), info=True) }}
        {% endmacro %}
        """,
      ])
    #expect(try fixture.swdbt(["run"]).status == 0)
    let shown = try fixture.swdbt(["run-operation", "show_counts"])
    #expect(shown.status == 0, "\(shown.stderr)")
    #expect(shown.stdout.contains("| n | label |\n| - | ----- |\n| 2 | x     |"), "\(shown.stdout)")
    #expect((shown.stdout + shown.stderr).contains("this is True"), "\(shown.stderr)")
    let shouted = try fixture.swdbt(["run-operation", "helpers.shout", "--args", "{text: hi}"])
    #expect(shouted.status == 0, "\(shouted.stderr)")
    #expect((shouted.stdout + shouted.stderr).contains("HI"), "\(shouted.stderr)")
  }
}
