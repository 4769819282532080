import Foundation
import SwdbtTestSupport
import Testing

/// A model or test disabled in its own SQL is neither built nor run, nor in run_results.
@Suite struct DisabledNodeRunTests {
  @Test func aModelDisabledInItsSQLIsNotBuiltNorInRunResults() async throws {
    let fixture = try await DatabaseFixture(
      "disabled",
      files: [
        "models/gone.sql": "{{ config(materialized='table', enabled=false) }}\nselect 1 as id\n",
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
        """,
        "tests/off.sql": "{{ config(enabled=false) }}\nselect 1 from {{ ref('kept') }}\n",
      ])
    let result = try fixture.swdbt(["build"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout.contains("Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2"), "\(result.stdout)")
    let built = try fixture.rows(
      "select relname from pg_class join pg_namespace on pg_namespace.oid = relnamespace "
        + "where nspname = '\(fixture.schema)' order by relname")
    #expect(built == [["kept"]])
    let artifact = try fixture.project.read("target/run_results.json")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(artifact.utf8)) as? [String: Any])
    let ids = try #require(json["results"] as? [[String: Any]]).compactMap {
      $0["unique_id"] as? String
    }
    #expect(ids.sorted() == ["model.it.kept", "test.it.unique_kept_id.04150bc490"])
  }
}
