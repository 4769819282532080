import Testing

@Suite struct RelationTests {
  private let create =
    "{% set r = api.Relation.create(database='db', schema='s', identifier='t', type='table') %}"

  @Test(arguments: [
    ("{{ r }}|{{ r.render() }}", "\"db\".\"s\".\"t\"|\"db\".\"s\".\"t\""),
    (
      "{{ r.database }} {{ r.schema }} {{ r.identifier }} {{ r.name }} {{ r.type }}",
      "db s t t table"
    ),
    ("{{ r.is_table }} {{ r.is_view }} {{ r.is_cte }}", "True False False"),
    ("{{ r.include(database=false) }}", "\"s\".\"t\""),
    ("{{ r.include(database=false, schema=false) }}", "\"t\""),
    ("{{ r.quote(identifier=false) }}", "\"db\".\"s\".t"),
    ("{{ r.without_identifier() }} {{ r.without_identifier().identifier }}", "\"db\".\"s\" None"),
    (
      "{{ r.incorporate(path={'identifier': 't__tmp'}, type='view') }} "
        + "{{ r.incorporate(type='view').is_view }}",
      "\"db\".\"s\".\"t__tmp\" True"
    ),
    ("{{ r.path.schema }} {{ r == r.include(schema=true) }}", "s True"),
    (
      "{{ r.information_schema('columns') }} {{ r.include(database=false).information_schema() }}",
      "\"db\".information_schema.columns information_schema"
    ),
  ])
  func relationsBehaveAsDbtRelations(template: String, expected: String) {
    #expect(render(create + template) == expected)
  }

  @Test func createWithoutDatabaseRendersSchemaAndIdentifier() {
    #expect(
      render("{{ api.Relation.create(schema='we\"ird', identifier='x') }}")
        == "\"we\"\"ird\".\"x\"")
  }

  @Test func unknownIncludePartIsALocatedError() {
    #expect(
      render(create + "{{ r.include(table=false) }}").contains(
        "error: `include` has no part `table`"))
  }
}
