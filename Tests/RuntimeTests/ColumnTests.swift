import Testing

@Suite struct ColumnTests {
  @Test(arguments: [
    (
      "{% set c = api.Column.create('id', 'integer') %}{{ c.name }} {{ c.data_type }} {{ c.quoted }}"
        + " {{ c.is_integer() }} {{ c.is_number() }} {{ c.is_string() }}",
      "id integer \"id\" True True False"
    ),
    (
      "{% set c = api.Column.from_description('n', 'character varying(20)') %}{{ c.dtype }}"
        + " {{ c.data_type }} {{ c.string_size() }} {{ c.is_string() }}",
      "character varying character varying(20) 20 True"
    ),
    (
      "{% set c = api.Column.from_description('n', 'numeric(10,2)') %}{{ c.data_type }}"
        + " {{ c.is_numeric() }} {{ c.is_number() }} {{ c.is_float() }} {{ c.literal(1) }}",
      "numeric(10,2) True True False 1::numeric(10,2)"
    ),
    (
      "{% set c = api.Column.create('t', 'string') %}{{ c.data_type }} {{ c.string_size() }}",
      "TEXT 256"
    ),
    (
      "{{ api.Column.create('f', 'double precision').is_float() }}"
        + " {{ api.Column.string_type(5) }}",
      "True character varying(5)"
    ),
  ])
  func columnsAnswerDbtAttributesAndPredicates(template: String, expected: String) {
    #expect(render(template) == expected)
  }

  @Test func stringSizeOfANonStringIsAnError() {
    #expect(
      render("{{ api.Column.create('id', 'integer').string_size() }}").contains(
        "error: `string_size()` called on column `id` of type `integer`"))
  }
}
