import SwdbtTestSupport
import Testing

/// `{% materialization %}` blocks in `macros/` are read but never run: a project that only
/// defines one builds, and a model that asks for one gets an error pointing at the block.
@Suite struct CustomMaterializationTests {
  static let files = [
    "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
    "macros/mat.sql": """
    {% materialization my_mat, adapter='postgres' %}
    {% set x = adapter.whatever() %}{{ return({'relations': []}) }}
    {% endmaterialization %}

    """,
    "models/a.sql": "select 1 as id\n",
  ]

  @Test func anUnusedBlockCompilesWithoutAnyMessage() throws {
    let fixture = try ProjectFixture(Self.files)
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(!result.stderr.contains("materialization"))
    #expect(fixture.exists("target/compiled/shop/models/a.sql"))
  }

  @Test func aModelUsingTheBlockFailsPointingAtConfigAndBlock() throws {
    var files = Self.files
    files["models/b.sql"] = "{{ config(materialized='my_mat') }}\nselect 1 as id\n"
    files["models/a.yml"] =
      "version: 2\nmodels:\n  - name: a\n    config:\n      materialized: my_mat\n"
    let fixture = try ProjectFixture(files)
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 1)
    let message =
      "error: materialization `my_mat` is a custom `{% materialization %}` block "
      + "(macros/mat.sql:1:20); swdbt does not run custom materializations"
    #expect(result.stderr.contains("models/b.sql:1:11: " + message))
    #expect(result.stderr.contains("models/a.yml:5:7: " + message))
    #expect(result.stderr.contains("macros/mat.sql:1:20: note: `my_mat` is defined here"))
    #expect(result.stderr.contains("error: compile failed with 2 errors"))
  }

  @Test func aBlockOverridingABuiltInIsAWarningAtTheBlock() throws {
    var files = Self.files
    files["macros/table.sql"] = "{% materialization table, default %}{% endmaterialization %}\n"
    let fixture = try ProjectFixture(files)
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 0)
    #expect(
      result.stderr.hasPrefix(
        "macros/table.sql:1:20: warning: this `{% materialization table %}` block is not used"))
  }

  @Test func aMisspeltBuiltInIsStillAnUnknownMaterialization() throws {
    var files = Self.files
    files["models/b.sql"] = "{{ config(materialized='tabel') }}\nselect 1 as id\n"
    let fixture = try ProjectFixture(files)
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: unknown materialization `tabel`"))
    #expect(result.stderr.contains("did you mean `table`?"))
  }
}
