import SwdbtTestSupport
import Testing

/// Stored test failures go to the schema the project's `generate_schema_name` makes of the
/// test's `schema` (`dbt_test__audit` unless set), as in dbt.
@Suite struct AuditSchemaNamingTests {
  @Test func theAuditSchemaGoesThroughTheProjectsSchemaMacro() async throws {
    let fixture = try await DatabaseFixture(
      "auditname",
      files: [
        "macros/naming.sql": """
        {% macro generate_schema_name(custom_schema_name, node) -%}
        {{ target.schema }}{% if custom_schema_name %}__{{ custom_schema_name | trim }}{% endif %}
        {%- endmacro %}
        """,
        "models/m.sql": "select null::int as id union all select 2\n",
        "models/schema.yml": """
        version: 2
        models:
          - name: m
            columns:
              - name: id
                data_tests:
                  - not_null: {config: {store_failures: true}}
                  - accepted_values:
                      values: [1]
                      config: {store_failures: true, schema: failures}
        """,
      ])
    #expect(try fixture.swdbt(["run"]).status == 0)
    let result = try fixture.swdbt(["test"])
    #expect(result.status == 1)
    let notNull = "\"\(fixture.schema)__dbt_test__audit\".\"not_null_m_id\""
    #expect(result.stdout.contains("failing rows stored in \(notNull)"), "\(result.stderr)")
    #expect(try fixture.scalar("select count(*) from \(notNull)") == "1")
    let accepted = try fixture.scalar(
      "select count(*) from pg_tables where schemaname = '\(fixture.schema)__failures'")
    #expect(accepted == "1")
  }
}
