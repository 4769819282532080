import Adapter
import Foundation
import Postgres
import SwdbtTestSupport
import Testing

/// Jinja in YAML, naming-macro overrides and project macros in hooks, against PostgreSQL.
@Suite struct YAMLJinjaTests {
  @Test func aSourceIdentifierAndSchemaComeFromVars() async throws {
    let fixture = try await DatabaseFixture(
      "yamlvar",
      projectYAML: "vars:\n  seed_name: raw_base\n",
      files: [
        "models/m.sql": "select x from {{ source('raw', 'base') }}\n",
        "models/_sources.yml": """
        version: 2
        sources:
          - name: raw
            schema: "{{ var('source_schema') }}"
            tables:
              - name: base
                identifier: "{{ var('seed_name', 'base') }}"
        """,
      ])
    let raw = fixture.schema + "_raw"
    _ = try fixture.connection.execute(
      "create schema \"\(raw)\"; create table \"\(raw)\".raw_base as select 7 as x")
    let result = try fixture.swdbt(["run", "--vars", "{source_schema: \(raw)}"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try fixture.scalar("select x from \(fixture.relation("m"))") == "7")
  }

  @Test func grantsRolesComeFromEnvVar() async throws {
    let role = "it_env_role_\(UUID().uuidString.prefix(6).lowercased())"
    let fixture = try await DatabaseFixture(
      "yamlenv",
      files: [
        "models/m.sql": "select 1 as x\n",
        "models/_m.yml": """
        version: 2
        models:
          - name: m
            config:
              materialized: table
              grants:
                select: ["{{ env_var('IT_GRANTEE') }}"]
        """,
      ])
    _ = try fixture.connection.execute("create role \(SQLQuoting.identifier(role))")
    defer {
      _ = try? fixture.connection.execute(
        "drop owned by \(SQLQuoting.identifier(role)); drop role \(SQLQuoting.identifier(role))")
    }
    let result = try fixture.swdbt(["run"], environment: ["IT_GRANTEE": role])
    #expect(result.status == 0, "\(result.stderr)")
    let granted = try fixture.rows(
      """
      select grantee from information_schema.role_table_grants \
      where table_schema = '\(fixture.schema)' and table_name = 'm' and grantee <> current_user
      """
    ).compactMap { $0[0] }
    #expect(granted == [role])
  }

  @Test func anUndefinedVarInYAMLIsALocatedError() async throws {
    let fixture = try await DatabaseFixture(
      "yamlundef",
      files: [
        "models/m.sql": "select 1 as x\n",
        "models/_m.yml": """
        version: 2
        models:
          - name: m
            config:
              alias: "{{ var('missing_alias') }}"
        """,
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "models/_m.yml:5:14: error: cannot render the `alias` value: var `missing_alias` is not "
          + "defined and has no default"), "\(result.stderr)")
  }

  @Test func aProjectGenerateSchemaNameReplacesTheDefault() async throws {
    let fixture = try await DatabaseFixture("gsn", files: ["models/plain.sql": "select 2 as y\n"])
    let custom = fixture.schema + "staging"
    try fixture.project.write(
      "macros/generate_schema_name.sql",
      """
      {% macro generate_schema_name(custom_schema_name, node) -%}
        {%- if custom_schema_name is none -%}
          {{ default__generate_schema_name(custom_schema_name, node) }}
        {%- else -%}
          {{ custom_schema_name | trim }}
        {%- endif -%}
      {%- endmacro %}
      """)
    try fixture.project.write(
      "models/m.sql", "{{ config(schema='\(custom)') }}\nselect 1 as x, 'ok' as s\n")
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try fixture.scalar("select s from \"\(custom)\".m") == "ok")
    #expect(try fixture.scalar("select y from \(fixture.relation("plain"))") == "2")
  }

  @Test func isIncrementalLooksWhereTheProjectMacroBuilds() async throws {
    let fixture = try await DatabaseFixture("gsninc", files: [:])
    let custom = fixture.schema + "inc"
    try fixture.project.write(
      "macros/generate_schema_name.sql",
      """
      {% macro generate_schema_name(custom_schema_name, node) -%}
        {{ custom_schema_name | trim if custom_schema_name else target.schema }}
      {%- endmacro %}
      """)
    try fixture.project.write(
      "models/m.sql",
      """
      {{ config(materialized='incremental', schema='\(custom)') }}
      select 1 as x {% if is_incremental() %} where false {% endif %}
      """)
    for _ in 0..<2 {
      let result = try fixture.swdbt(["run"])
      #expect(result.status == 0, "\(result.stderr)")
    }
    // The second run saw the table and added nothing.
    #expect(try fixture.scalar("select count(*) from \"\(custom)\".m") == "1")
  }

  @Test func aProjectMacroRunsFromOnRunStart() async throws {
    let fixture = try await DatabaseFixture(
      "hookmacro",
      projectYAML: "on-run-start:\n  - \"{{ custom_run_hook('start') }}\"\n",
      files: [
        "models/m.sql": "select 1 as x\n",
        "macros/hooks.sql": """
        {% macro custom_run_hook(state) %}
          create table if not exists {{ target.schema }}.on_run_hook as select '{{ state }}'::text as state
        {% endmacro %}
        """,
      ])
    _ = try fixture.connection.execute("create schema \"\(fixture.schema)\"")
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try fixture.scalar("select state from \(fixture.relation("on_run_hook"))") == "start")
  }
}

/// Model and seed hooks may call the project's macros, as in dbt.
@Suite struct HookMacroTests {
  @Test func modelAndSeedHooksCallProjectMacros() async throws {
    let fixture = try await DatabaseFixture(
      "nodehookmacro",
      files: [
        "models/m.sql":
          "{{ config(materialized='table', post_hook=\"{{ note_built('m') }}\") }}\nselect 1 as x\n",
        "seeds/s.csv": "id\n1\n",
        "models/_s.yml": """
        version: 2
        seeds:
          - name: s
            config:
              post_hook: "{{ note_built('s') }}"
        """,
        "macros/notes.sql": """
        {% macro note_built(name) %}
          insert into {{ target.schema }}.built_log values ('{{ name }}')
        {% endmacro %}
        """,
      ])
    _ = try fixture.connection.execute(
      "create schema \"\(fixture.schema)\"; create table \(fixture.relation("built_log")) (name text)"
    )
    let result = try fixture.swdbt(["build"])
    #expect(result.status == 0, "\(result.stderr)")
    let names = try fixture.rows("select name from \(fixture.relation("built_log")) order by 1")
    #expect(names.compactMap { $0[0] } == ["m", "s"])
  }
}
