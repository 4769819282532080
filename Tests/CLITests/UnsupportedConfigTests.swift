import SwdbtTestSupport
import Testing

/// `{{ config(...) }}` goes through the same table of dbt keys as the project file and YAML.
@Suite struct UnsupportedConfigTests {
  static let project = "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n"

  @Test func anUnsupportedConfigCallFailsTheCompileNamingTheKey() throws {
    let fixture = try ProjectFixture([
      "project.yml": Self.project,
      "models/orders.sql":
        "{{ config(materialized='table', full_refresh=false) }}\nselect 1 as id\n",
    ])
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 1)
    #expect(
      result.stderr == """
        models/orders.sql:1:33: error: swdbt does not support the model config `full_refresh` yet
        1 | {{ config(materialized='table', full_refresh=false) }}
          |                                 ^~~~~~~~~~~~~~~~~~
        hint: `full_refresh: false` would not keep `--full-refresh` from rebuilding it; remove the key
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
}
