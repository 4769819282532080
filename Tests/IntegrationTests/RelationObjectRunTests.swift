import SwdbtTestSupport
import Testing

/// `this` in hooks is a relation object, as in dbt: its parts and methods, not only its text.
@Suite struct RelationObjectRunTests {
  @Test func hooksReadThePartsOfThis() async throws {
    let hook =
      "insert into {{ api.Relation.create(schema=this.schema, identifier='audit') }}"
      + " select '{{ this.schema }}|{{ this.identifier }}|{{ this.name }}', count(*) from {{ this }}"
    let fixture = try await DatabaseFixture(
      "thishook",
      projectYAML: """
        on-run-start: ["create table if not exists {{ target.schema }}.audit (event text, n int)"]
        """,
      files: [
        "models/m.sql":
          "{{ config(materialized='table', post_hook=\"\(hook)\") }}\nselect 1 as x\n"
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.rows("select event, n::text from \"\(fixture.schema)\".audit")
        == [["\(fixture.schema)|m|m", "1"]])
  }

  @Test func thisInAnEphemeralModelHasItsSchemaAndName() async throws {
    let fixture = try await DatabaseFixture(
      "thiseph",
      files: [
        "models/eph.sql": """
        {{ config(materialized='ephemeral') }}
        select '{{ this.schema }}' as s, '{{ this.identifier }}' as i
        """,
        "models/m.sql": "{{ config(materialized='table') }}\nselect * from {{ ref('eph') }}\n",
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.rows("select s, i from \(fixture.relation("m"))")
        == [[fixture.schema, "eph"]])
  }

  @Test func hooksCallDbtBuiltInMacros() async throws {
    let fixture = try await DatabaseFixture(
      "dbthook",
      files: [
        "models/m.sql": """
        {{ config(materialized='table',
            post_hook="alter table {{ this }} add column n {{ dbt.type_bigint() }}") }}
        select 1 as x
        """
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.scalar(
        "select data_type from information_schema.columns where table_schema = '\(fixture.schema)'"
          + " and table_name = 'm' and column_name = 'n'") == "bigint")
  }
}
