import Adapter
import Foundation
import SwdbtTestSupport
import Testing

/// `swdbt source freshness` against PostgreSQL: `max(loaded_at_field)` judged against
/// `warn_after` / `error_after`, `target/sources.json` as dbt writes it, exit 1 on an error.
@Suite struct SourceFreshnessTests {
  static func files(_ schema: String) -> [String: String] {
    [
      "models/sources.yml": """
      sources:
        - name: raw
          schema: \(schema)_raw
          loaded_at_field: loaded_at
          freshness:
            warn_after: {count: 1, period: hour}
            error_after: {count: 1, period: day}
          tables:
            - name: recent
            - name: stale
            - name: filtered
              freshness:
                error_after: {count: 1, period: hour}
                filter: "kind = 'new'"
            - name: unchecked
              freshness: null

      """,
      "models/m.sql": "select * from {{ source('raw', 'recent') }}\n",
    ]
  }

  @Test func freshnessIsJudgedAndWrittenToSourcesJSON() async throws {
    let fixture = try await DatabaseFixture("fresh", files: [:])
    for (path, text) in Self.files(fixture.schema) { try fixture.project.write(path, text) }
    let raw = "\"\(fixture.schema)_raw\""
    _ = try fixture.connection.execute(
      """
      create schema \(raw);
      create table \(raw).recent as select now() - interval '2 hours' as loaded_at;
      create table \(raw).stale as select now() - interval '3 days' as loaded_at;
      create table \(raw).filtered as
        select now() - interval '5 minutes' as loaded_at, 'new' as kind
        union all select now() - interval '9 days', 'old';
      create table \(raw).unchecked as select now() - interval '30 days' as loaded_at;
      """)
    let result = try fixture.swdbt(["source", "freshness"])
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stdout.contains("WARN freshness of raw.recent"), "\(result.stdout)")
    #expect(result.stdout.contains("ERROR STALE freshness of raw.stale"))
    #expect(result.stdout.contains("PASS freshness of raw.filtered"))
    #expect(!result.stdout.contains("raw.unchecked"))

    let data = try Data(
      contentsOf: URL(fileURLWithPath: fixture.project.root + "/target/sources.json"))
    let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let results = try #require(document["results"] as? [[String: Any]])
    let statuses = Dictionary(
      uniqueKeysWithValues: results.compactMap { entry in
        (entry["unique_id"] as? String).map { ($0, entry["status"] as? String ?? "") }
      })
    #expect(
      statuses == [
        "source.it.raw.recent": "warn", "source.it.raw.stale": "error",
        "source.it.raw.filtered": "pass",
      ])
    let recent = try #require(
      results.first { $0["unique_id"] as? String == "source.it.raw.recent" })
    let age = try #require(recent["max_loaded_at_time_ago_in_s"] as? Double)
    #expect(age > 7100 && age < 7300)
    let criteria = try #require(recent["criteria"] as? [String: Any])
    #expect((criteria["warn_after"] as? [String: Any])?["period"] as? String == "hour")

    // The manifest records what was checked, as dbt's.
    let manifestData = try Data(
      contentsOf: URL(fileURLWithPath: fixture.project.root + "/target/manifest.json"))
    let manifest = try #require(
      try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
    let filtered = try #require(
      (manifest["sources"] as? [String: Any])?["source.it.raw.filtered"] as? [String: Any])
    #expect(filtered["loaded_at_field"] as? String == "loaded_at")
    let recorded = try #require(filtered["freshness"] as? [String: Any])
    #expect((recorded["error_after"] as? [String: Any])?["period"] as? String == "hour")
    #expect(recorded["filter"] as? String == "kind = 'new'")

    // Only the fresh sources pass a selection of them: exit 0.
    let selected = try fixture.swdbt(["source", "freshness", "-s", "source:raw.filtered"])
    #expect(selected.status == 0, "\(selected.stdout)\(selected.stderr)")

    // `source_status:fresher` compares with an earlier run's sources.json.
    _ = try fixture.swdbt(["source", "freshness"])
    try FileManager.default.copyItem(
      atPath: fixture.project.root + "/target", toPath: fixture.project.root + "/earlier")
    _ = try fixture.connection.execute("insert into \(raw).stale values (now())")
    _ = try fixture.swdbt(["source", "freshness"])
    let fresher = try fixture.swdbt([
      "ls", "-s", "source_status:fresher", "--state", "earlier", "--output", "name",
    ])
    #expect(fresher.stdout.split(separator: "\n") == ["stale"], "\(fresher.stderr)")
    let stale = try fixture.swdbt([
      "ls", "-s", "source_status:stale", "--state", "earlier", "--output", "name",
    ])
    #expect(stale.stdout.split(separator: "\n").sorted() == ["filtered", "recent"])
  }
}
