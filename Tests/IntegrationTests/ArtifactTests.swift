import Foundation
import SwdbtTestSupport
import Testing

/// The artifacts dbt writes under `target/` and tools (and dbt's adapter suite) read.
@Suite struct ArtifactTests {
  static let contracted: [String: String] = [
    "models/orders.sql": "{{ config(materialized='table') }}\nselect 1 as id, 'a' as name\n",
    "models/broken.sql": "select id from {{ ref('orders') }} where no_such_column\n",
    "models/schema.yml":
      """
    version: 2
    models:
      - name: orders
        config:
          contract: {enforced: true}
        columns:
          - name: id
            data_type: integer
            constraints: [{type: not_null}]
          - name: name
            data_type: text
    """,
  ]

  /// The JSON object at `path` under the fixture's project.
  static func json(_ fixture: DatabaseFixture, _ path: String) throws -> [String: Any] {
    let text = try fixture.project.read(path)
    return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
  }

  @Test func runWritesTheManifestEvenWhenANodeFails() async throws {
    let fixture = try await DatabaseFixture("artifact_manifest", files: Self.contracted)
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 1, "\(result.stderr)")
    let manifest = try Self.json(fixture, "target/manifest.json")
    let metadata = manifest["metadata"] as? [String: Any]
    #expect(
      metadata?["dbt_schema_version"] as? String
        == "https://schemas.getdbt.com/dbt/manifest/v12.json")
    let nodes = manifest["nodes"] as? [String: Any]
    let orders = nodes?["model.it.orders"] as? [String: Any]
    let config = orders?["config"] as? [String: Any]
    let contract = config?["contract"] as? [String: Any]
    #expect(contract?["enforced"] as? Bool == true, "\(String(describing: config))")
    #expect(nodes?["model.it.broken"] != nil)
    // The run's results and the manifest name the same invocation.
    let runResults = try Self.json(fixture, "target/run_results.json")
    let runMetadata = runResults["metadata"] as? [String: Any]
    #expect(runMetadata?["invocation_id"] as? String == metadata?["invocation_id"] as? String)
  }

  @Test func runWritesTheStatementThatBuiltEachModel() async throws {
    let fixture = try await DatabaseFixture("artifact_run_sql", files: Self.contracted)
    #expect(try fixture.swdbt(["run", "--select", "orders"]).status == 0)
    let statement = try fixture.project.read("target/run/it/models/orders.sql")
    // The contract's DDL: the declared columns, then the model's rows inserted.
    #expect(statement.hasPrefix("create table "), "\(statement)")
    #expect(statement.contains("\"id\" integer not null"), "\(statement)")
    #expect(statement.contains("insert into "), "\(statement)")
    #expect(statement.contains("select 1 as id, 'a' as name"))
    #expect(!fixture.project.exists("target/run/it/models/broken.sql"))
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("orders"))") == "1")
  }

  @Test func runResultsAreWrittenWhenNothingIsSelected() async throws {
    let fixture = try await DatabaseFixture("artifact_empty", files: [:])
    let seed = try fixture.swdbt(["seed"])
    #expect(seed.status == 0, "\(seed.stderr)")
    let results = try Self.json(fixture, "target/run_results.json")
    #expect((results["results"] as? [Any])?.isEmpty == true)
    #expect(results["elapsed_time"] is Double)
    #expect(fixture.project.exists("target/manifest.json"))
  }

  @Test func storedFailuresNameTheirTableAndParallelTestsShareTheAuditSchema() async throws {
    // Twelve tests storing failures at once, in an audit schema that does not exist yet.
    let columns = (1...12).map { "c\($0)" }
    let fixture = try await DatabaseFixture(
      "artifact_store_failures",
      files: [
        "models/wide.sql": "select "
          + columns.map { "null::int as \($0)" }.joined(separator: ", ") + "\n",
        "models/schema.yml":
          "version: 2\nmodels:\n  - name: wide\n    columns:\n"
          + columns.map {
            "      - name: \($0)\n        data_tests:\n"
              + "          - not_null: {config: {store_failures: true}}\n"
          }.joined(),
      ])
    #expect(try fixture.swdbt(["run"]).status == 0)
    let result = try fixture.swdbt(["test", "--threads", "8"])
    #expect(result.status == 1)
    #expect(!result.stderr.contains("23505"), "\(result.stderr)")
    let results = try Self.json(fixture, "target/run_results.json")["results"] as? [[String: Any]]
    #expect(results?.count == 12)
    for item in results ?? [] {
      #expect(item["status"] as? String == "fail", "\(item)")
      let relation = item["relation_name"] as? String
      #expect(relation?.hasPrefix("\"\(fixture.schema)_dbt_test__audit\".") == true, "\(item)")
      if let relation {
        #expect(try fixture.scalar("select count(*) from \(relation)") == "1")
      }
    }
  }
}

@Suite struct SeedShowTests {
  @Test func seedShowPrintsTheFirstRowsOfEachSeed() async throws {
    let rows = (1...8).map { "\($0),name\($0)" }.joined(separator: "\n")
    let fixture = try await DatabaseFixture(
      "seed_show", files: ["seeds/people.csv": "id,name\n\(rows)\n"])
    let result = try fixture.swdbt(["seed", "--show"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout.contains("First rows of \(fixture.relation("people")):"), "\(result.stdout)")
    #expect(result.stdout.contains("| name5"))
    #expect(!result.stdout.contains("| name6"))
    // Without the flag, no rows are printed.
    #expect(try !fixture.swdbt(["seed"]).stdout.contains("First rows of"))
  }
}
