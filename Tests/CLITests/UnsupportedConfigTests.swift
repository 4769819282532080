import SwdbtTestSupport
import Testing

/// `{{ config(...) }}` goes through the same table of dbt keys as the project file and YAML.
@Suite struct UnsupportedConfigTests {
  static let project = "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n"

  @Test func anUnsupportedConfigCallFailsTheCompileNamingTheKey() throws {
    let fixture = try ProjectFixture([
      "project.yml": Self.project,
      "models/orders.sql":
        "{{ config(materialized='table', indexes=[{'columns': ['id']}]) }}\nselect 1 as id\n",
    ])
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 1)
    #expect(
      result.stderr == """
        models/orders.sql:1:33: error: swdbt does not support the model config `indexes` yet
        1 | {{ config(materialized='table', indexes=[{'columns': ['id']}]) }}
          |                                 ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~
        hint: no index would be created; remove the key, or create the index in a `post_hook`
        error: compile failed with 1 error

        """)
  }

  @Test func aConfigCallWithoutEffectWarnsAndTheModelCompiles() throws {
    let fixture = try ProjectFixture([
      "project.yml": Self.project,
      "models/orders.sql": "{{ config(access='public') }}\nselect 1 as id\n",
    ])
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 0)
    #expect(
      result.stderr.hasPrefix(
        """
        models/orders.sql:1:11: warning: swdbt does not support the model config `access` yet; it has no effect
        """))
    #expect(fixture.exists("target/compiled/shop/models/orders.sql"))
  }

  /// The loader decides what is enabled before models render, so `config(enabled=false)` came
  /// too late and the model was built anyway.
  @Test func disablingAModelInItsConfigCallIsAnErrorUntilItTakesEffect() throws {
    let fixture = try ProjectFixture([
      "project.yml": Self.project,
      "models/orders.sql": "{{ config(enabled=false) }}\nselect 1 as id\n",
    ])
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 1)
    #expect(
      result.stderr == """
        models/orders.sql:1:11: error: swdbt does not support `enabled=false` in `config()` yet
        1 | {{ config(enabled=false) }}
          |           ^~~~~~~~~~~~~
        hint: the model would be built anyway; set `enabled: false` in its YAML `config:` or the project file
        error: compile failed with 1 error

        """)
  }
}
