import SwdbtTestSupport
import Testing

/// `enabled: false` set where dbt allows it (a model's or test's `config()`, a test's YAML
/// `config:`) removes the node, and what depends on a disabled model is an error naming both.
@Suite struct DisabledNodeTests {
  static let files: [String: String] = [
    "project.yml": "name: shop\n",
    "models/gone.sql": "{{ config(enabled=false) }}\nselect 1 as id\n",
    "models/kept.sql": "select 1 as id\n",
    "models/schema.yml":
      """
    version: 2
    models:
      - name: kept
        columns:
          - name: id
            data_tests:
              - not_null:
                  config: {enabled: false}
              - unique
              - relationships: {to: ref('gone'), field: id}
      - name: gone
        columns:
          - name: id
            data_tests: [not_null]
    """,
    "tests/off.sql": "{{ config(enabled=false) }}\nselect 1 from {{ ref('kept') }} where false\n",
    "tests/on_gone.sql": "select 1 from {{ ref('gone') }} where false\n",
    "tests/on_kept.sql": "select 1 from {{ ref('kept') }} where false\n",
  ]

  @Test func disabledModelsAndTestsAreLeftOutOfTheProject() throws {
    let fixture = try ProjectFixture(Self.files)
    let result = try Executable.run(["ls"], in: fixture.root)
    #expect(result.status == 0, "\(result.stderr)")
    // `gone` and its test, the YAML-disabled `not_null`, the disabled singular test, and the
    // tests that refer to `gone` (disabled with it, as dbt does) are all gone.
    #expect(result.stdout == "shop.kept\nshop.on_kept\nshop.unique_kept_id\n")
  }

  @Test func aModelReferringToAModelDisabledInItsSQLIsAnErrorNamingBoth() throws {
    var files = Self.files
    files["models/user.sql"] = "select *\nfrom {{ ref('gone') }}\n"
    let fixture = try ProjectFixture(files)
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        """
        models/user.sql:2:9: error: model `user` depends on `gone`, which is disabled
        2 | from {{ ref('gone') }}
          |         ^~~~~~~~~~~
        models/gone.sql:1:11: note: `gone` is disabled here
        1 | {{ config(enabled=false) }}
          |           ^~~~~~~~~~~~~
        hint: enable `gone`, or remove the reference
        """), "\(result.stderr)")
  }

  @Test func aModelReferringToAModelDisabledInTheProjectFileIsAnErrorNamingBoth() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\nmodels:\n  shop:\n    gone:\n      +enabled: false\n",
      "models/gone.sql": "select 1 as id\n",
      "models/user.sql": "select * from {{ ref('gone') }}\n",
    ])
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "models/user.sql:1:18: error: model `user` depends on `gone`, which is disabled"),
      "\(result.stderr)")
  }
}
