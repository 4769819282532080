import Diagnostics
import Foundation
import Project
import Runtime
import SwdbtTestSupport
import Testing

@testable import Compiler

/// A project's `generate_*_name` macros replace dbt's default naming, node by node.
@Suite struct NamingMacrosTests {
  func relations(_ files: [String: String]) throws -> ([String: String], CollectingSink) {
    var all = files
    all["project.yml"] = "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n"
    let fixture = try ProjectFixture(all)
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    var names: [String: String] = [:]
    for node in Compiler.compile(loaded, sink: sink)?.nodes ?? [] {
      if let relation = node.relation { names[node.name] = relation.quoted }
    }
    return (names, sink)
  }

  @Test func schemaAliasAndDatabaseMacrosNameEachNode() throws {
    let (names, sink) = try relations([
      "models/staging/stg.sql": "{{ config(schema='staging') }}\nselect 1\n",
      "models/plain.sql": "select 2\n",
      "macros/naming.sql": """
      {% macro generate_schema_name(custom_schema_name, node) -%}
        {%- if custom_schema_name is none -%}{{ default__generate_schema_name(none, node) }}
        {%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
      {%- endmacro %}
      {% macro generate_alias_name(custom_alias_name, node) -%}
        {{ node.fqn[1] }}_{{ node.name }}
      {%- endmacro %}
      """,
    ])
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    #expect(names["stg"] == "\"staging\".\"staging_stg\"")
    #expect(names["plain"] == "\"dev\".\"plain_plain\"")
  }

  @Test func generateSchemaNameForEnvKeepsTheTargetSchemaOutsideProd() throws {
    let (names, sink) = try relations([
      "models/stg.sql": "{{ config(schema='staging') }}\nselect 1\n",
      "macros/naming.sql": """
      {% macro generate_schema_name(custom_schema_name, node) -%}
        {{ generate_schema_name_for_env(custom_schema_name, node) }}
      {%- endmacro %}
      """,
    ])
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    #expect(names["stg"] == "\"dev\".\"stg\"")
  }

  @Test func namingMacrosSeeTheInvocationsGlobals() throws {
    var all = [
      "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
      "models/stg.sql": "select 1\n",
      "macros/naming.sql": """
      {% macro generate_schema_name(custom_schema_name, node) -%}
        {{ target.schema }}_{{ flags.WHICH }}_{{ run_started_at.strftime('%Y') }}
        {{- '_' ~ modules.re.sub('[^a-z]', '', 'a-b') ~ '_' ~ (invocation_id | length) }}
        {{- '_' ~ (graph.nodes | length) ~ '_' ~ model.name }}
      {%- endmacro %}
      """,
    ]
    all["models/other.sql"] = "select 2\n"
    let fixture = try ProjectFixture(all)
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    let invocation = InvocationContext(
      runStartedAt: Date(timeIntervalSince1970: 1_704_067_200),
      flags: InvocationContext.flags(which: "run"))
    let compilation = Compiler.compile(
      loaded, options: CompileOptions(invocation: invocation), sink: sink)
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let stg = compilation?.nodes.first { $0.name == "stg" }?.relation?.schema
    #expect(stg == "dev_run_2024_ab_36_2_stg")
  }

  @Test func withoutOverridesTheDefaultsApply() throws {
    let (names, _) = try relations([
      "models/stg.sql": "{{ config(schema='staging') }}\nselect 1\n"
    ])
    #expect(names["stg"] == "\"dev_staging\".\"stg\"")
  }

  @Test func aFailingNamingMacroIsAnErrorNamingTheNode() throws {
    let (_, sink) = try relations([
      "models/stg.sql": "select 1\n",
      "macros/naming.sql": """
      {% macro generate_schema_name(custom_schema_name, node) -%}
        {{ var('no_such_var') }}
      {%- endmacro %}
      """,
    ])
    let error = try #require(sink.diagnostics.first { $0.severity == .error })
    #expect(error.message == "var `no_such_var` is not defined and has no default")
    #expect(error.notes.map(\.message) == ["while naming the relation of `stg` (models/stg.sql)"])
  }
}
