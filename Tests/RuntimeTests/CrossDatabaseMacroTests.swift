import Runtime
import Testing

@Suite struct CrossDatabaseMacroTests {
  @Test(arguments: [
    ("{{ dateadd('day', 3, 'd') }}", "d + ((interval '1 day') * (3))"),
    (
      "{{ dbt.dateadd(datepart='month', interval=-1, from_date_or_timestamp='d') }}",
      "d + ((interval '1 month') * (-1))"
    ),
    ("{{ datediff('a', 'b', 'day') }}", "((b)::date - (a)::date)"),
    (
      "{{ datediff('a', 'b', 'month') }}",
      "((date_part('year', (b)::date) - date_part('year', (a)::date)) * 12"
        + " + date_part('month', (b)::date) - date_part('month', (a)::date))"
    ),
    ("{{ date_trunc('week', 'd') }}", "date_trunc('week', d)"),
    (
      "{{ last_day('d', 'month') }}",
      "cast(date_trunc('month', d) + ((interval '1 month') * (1)) + ((interval '1 day') * (-1))"
        + " as date)"
    ),
    ("{{ concat(['a', \"'-'\", 'b']) }}", "a || '-' || b"),
    ("{{ hash('x') }}", "md5(cast(x as TEXT))"),
    (
      "{{ safe_cast('x', 'int') }} {{ cast('x', type_bigint()) }}",
      "cast(x as int) cast(x as bigint)"
    ),
    ("{{ cast_bool_to_text('b') }}", "cast(b as TEXT)"),
    ("{{ current_timestamp() }}", "now()"),
    (
      "{{ type_string() }} {{ type_timestamp() }} {{ type_float() }} {{ type_numeric() }}"
        + " {{ type_int() }} {{ type_boolean() }}",
      "TEXT timestamp float numeric(28,6) integer boolean"
    ),
    ("{{ listagg('x') }}", "string_agg(x, ',')"),
    (
      "{{ listagg('x', \"'|'\", 'order by x', 2) }}",
      "array_to_string((array_agg(x order by x))[1:2], '|')"
    ),
    ("{{ split_part('s', \"','\", 2) }}", "split_part(s, ',', 2)"),
    (
      "{{ split_part('s', \"','\", -1) }}",
      "split_part(s, ',', length(s) - length(replace(s, ',', '')) + 2 + -1)"
    ),
    ("{{ string_literal('a') }} {{ escape_single_quotes(\"it's\") }}", "'a' it''s"),
    ("{{ any_value('x') }} {{ bool_or('x') }}", "min(x) bool_or(x)"),
    (
      "{{ position(\"'a'\", 's') }} {{ replace('s', \"'a'\", \"'b'\") }} {{ right('s', 2) }}",
      "position('a' in s) replace(s, 'a', 'b') right(s, 2)"
    ),
    ("{{ length('s') }} {{ except() }} {{ intersect() }}", "length(s) except intersect"),
    (
      "{{ array_construct(['1', '2']) }} {{ array_construct() }}",
      "array[ 1 , 2 ] array[]::integer[]"
    ),
    (
      "{{ array_append('a', '1') }} {{ array_concat('a', 'b') }}",
      "array_append(a, 1) array_cat(a, b)"
    ),
    ("{{ get_powers_of_two(5) }} {{ get_powers_of_two(1024) }}", "3 10"),
    ("{{ adapter.type() }} {{ adapter.quote('we\"ird') }}", "postgres \"we\"\"ird\""),
    (
      "{{ api.Column.translate_type('string') }} {{ api.Column.numeric_type('numeric', 10, 2) }}",
      "TEXT numeric(10,2)"
    ),
  ])
  func rendersPostgresSQL(template: String, expected: String) {
    #expect(render(template) == expected)
  }

  /// dbt's DDL macros (`create_view_as`, `get_create_table_as_sql`, ...) give the statements
  /// a template may run itself (dbt's `BaseAdapterMethod` test runs `create_view_as`).
  @Test func ddlMacrosGiveCreateStatements() {
    let relation = "api.Relation.create(schema='s', identifier='v')"
    #expect(
      render("{{ create_view_as(\(relation), 'select 1') }}")
        == "create view \"s\".\"v\" as (\nselect 1\n);")
    #expect(
      render("{{ dbt.get_create_view_as_sql(\(relation), 'select 1') }}")
        == "create view \"s\".\"v\" as (\nselect 1\n);")
    #expect(
      render("{{ get_create_table_as_sql(False, \(relation), 'select 2') }}")
        == "create table \"s\".\"v\"\nas (\nselect 2\n);")
    #expect(
      render("{{ create_table_as(True, \(relation), 'select 3') }}")
        == "create temporary table \"s\".\"v\"\nas (\nselect 3\n);")
  }

  @Test func generateSeriesCrossJoinsPowersOfTwo() {
    #expect(
      render("{{ generate_series(3) }}") == """
        with p as (
            select 0 as generated_number union all select 1
        ), unioned as (
            select p0.generated_number * power(2, 0) + p1.generated_number * power(2, 1) + 1 as generated_number
            from p as p0 cross join p as p1
        )
        select * from unioned
        where generated_number <= 3
        order by generated_number
        """)
  }

  @Test func unsupportedDatepartIsALocatedErrorWithTheMacroChain() {
    let output = render("select {{ datediff('a', 'b', 'fortnight') }}")
    #expect(
      output.contains("error: unsupported datepart for `datediff` on postgres: 'fortnight'"))
    #expect(
      output.hasSuffix(
        """
        models/m.sql:1:11: note: in macro `datediff` called from models/m.sql:1:11
        1 | select {{ datediff('a', 'b', 'fortnight') }}
          |           ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

        """))
  }
}
