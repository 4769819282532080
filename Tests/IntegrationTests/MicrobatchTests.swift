import Foundation
import SwdbtTestSupport
import Testing

/// The `microbatch` strategy: batches cut by `batch_size`, inputs with `event_time` filtered to
/// each batch, `lookback`, `begin`, `--event-time-start`/`--event-time-end`, one transaction
/// per batch (dbt's `dbt/tests/adapter/incremental/test_incremental_microbatch.py`, with the
/// end time given on the command line instead of patched into dbt's clock).
@Suite struct MicrobatchTests {
  static let input = """
    {{ config(materialized='table', event_time='event_time') }}
    select 1 as id, 'a' as v, timestamp '2020-01-01 00:00:00' as event_time
    union all select 2, 'b', timestamp '2020-01-02 00:00:00'
    union all select 3, 'c', timestamp '2020-01-03 00:00:00'

    """

  static func model(
    _ select: String = "select * from {{ ref('input_model') }}", begin: String = "'2020-01-01'"
  ) -> String {
    """
    {{ config(materialized='incremental', incremental_strategy='microbatch', unique_key='id',
      event_time='event_time', batch_size='day', begin=\(begin)) }}
    \(select)

    """
  }

  static func count(_ fixture: DatabaseFixture) throws -> String? {
    try fixture.scalar("select count(*) from \(fixture.relation("microbatch_model"))")
  }

  static func runResult(_ fixture: DatabaseFixture, _ name: String) throws -> [String: Any] {
    let data = try Data(
      contentsOf: URL(fileURLWithPath: fixture.project.root + "/target/run_results.json"))
    let document = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    let results = document?["results"] as? [[String: Any]] ?? []
    return results.first { ($0["unique_id"] as? String) == "model.it.\(name)" } ?? [:]
  }

  @Test func batchesFollowTheEndTimeAndReadOnlyTheirWindow() async throws {
    let fixture = try await DatabaseFixture(
      "microbatch",
      files: [
        "models/input_model.sql": Self.input,
        // `begin` as dbt's suite writes it: a datetime object.
        "models/microbatch_model.sql": Self.model(
          begin: "modules.datetime.datetime(2020, 1, 1, 0, 0, 0)"),
      ])
    let first = try fixture.swdbt(["run", "--event-time-end", "2020-01-03 13:57:00"])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("3 batches into microbatch table"), "\(first.stdout)")
    #expect(try Self.count(fixture) == "3")
    let result = try Self.runResult(fixture, "microbatch_model")
    #expect(result["status"] as? String == "success")
    let batches = result["batch_results"] as? [String: [[String]]]
    #expect(batches?["successful"]?.first == ["2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z"])
    #expect(batches?["successful"]?.count == 3)
    #expect(batches?["failed"]?.isEmpty == true)

    // The same day again: nothing new.
    let again = try fixture.swdbt(["run", "--event-time-end", "2020-01-03 14:57:00"])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(try Self.count(fixture) == "3")

    // Two new days arrive, and a row of the first day changes: only the batches of the window
    // (the end's day and `lookback` = 1 day before it) see them.
    _ = try fixture.rows(
      "insert into \(fixture.relation("input_model")) values "
        + "(4, 'd', '2020-01-04'), (5, 'e', '2020-01-05'); "
        + "update \(fixture.relation("input_model")) set v = 'A' where id = 1")
    let select = ["run", "--select", "microbatch_model", "--event-time-end"]
    #expect(try fixture.swdbt(select + ["2020-01-03 14:57:00"]).status == 0)
    #expect(try Self.count(fixture) == "3")
    #expect(try fixture.swdbt(select + ["2020-01-04 14:57:00"]).status == 0)
    #expect(try Self.count(fixture) == "4")
    #expect(try fixture.swdbt(select + ["2020-01-05 14:57:00"]).status == 0)
    #expect(
      try fixture.rows(
        "select id, v from \(fixture.relation("microbatch_model")) order by id")
        == [["1", "a"], ["2", "b"], ["3", "c"], ["4", "d"], ["5", "e"]])

    // An explicit window reaches back: the old row is rewritten.
    let backfill = try fixture.swdbt(
      select + ["2020-01-02", "--event-time-start", "2020-01-01"])
    #expect(backfill.status == 0, "\(backfill.stderr)")
    #expect(
      try fixture.scalar("select v from \(fixture.relation("microbatch_model")) where id = 1")
        == "A")
  }

  @Test func aFailedBatchIsReportedAndTheOthersAreKept() async throws {
    let fixture = try await DatabaseFixture(
      "microbatch_fail",
      files: [
        "models/input_model.sql": Self.input,
        "models/microbatch_model.sql": Self.model(
          "select id, event_time, 1 / (case when id = 2 then 0 else 1 end) as v\n"
            + "from {{ ref('input_model') }}"),
        "models/child.sql": "select * from {{ ref('microbatch_model') }}\n",
      ])
    let run = try fixture.swdbt([
      "run", "--event-time-start", "2020-01-01", "--event-time-end", "2020-01-04",
    ])
    #expect(run.status == 1)
    #expect(
      run.stderr.contains(
        "error: batch 2020-01-02 00:00:00+00:00 to 2020-01-03 00:00:00+00:00 of "
          + "`microbatch_model` failed: division by zero"), "\(run.stderr)")
    #expect(run.stdout.contains("PARTIAL SUCCESS 2 of 3 batches"), "\(run.stdout)")
    #expect(run.stdout.contains("SKIP model `child`"), "\(run.stdout)")
    #expect(
      try fixture.rows("select id from \(fixture.relation("microbatch_model")) order by id")
        == [["1"], ["3"]])
    let result = try Self.runResult(fixture, "microbatch_model")
    #expect(result["status"] as? String == "partial success")
    let batches = result["batch_results"] as? [String: [[String]]]
    #expect(batches?["failed"] == [["2020-01-02T00:00:00Z", "2020-01-03T00:00:00Z"]])
    #expect(batches?["successful"]?.count == 2)
  }

  @Test func aFailedFirstBatchSkipsTheRest() async throws {
    let fixture = try await DatabaseFixture(
      "microbatch_first",
      files: [
        "models/input_model.sql": Self.input,
        "models/microbatch_model.sql": Self.model(
          "select id, event_time, 1 / (case when id = 1 then 0 else 1 end) as v\n"
            + "from {{ ref('input_model') }}"),
      ])
    let run = try fixture.swdbt(["run", "--event-time-end", "2020-01-03"])
    #expect(run.status == 1)
    #expect(run.stdout.contains("ERROR model `microbatch_model`"), "\(run.stdout)")
    #expect(
      try fixture.scalar("select to_regclass('\(fixture.relation("microbatch_model"))')") == nil)
    let result = try Self.runResult(fixture, "microbatch_model")
    #expect(result["status"] as? String == "error")
    #expect((result["batch_results"] as? [String: [[String]]])?["failed"]?.count == 2)
  }

  @Test func missingConfigsAndBadWindowsAreErrors() async throws {
    let fixture = try await DatabaseFixture(
      "microbatch_config",
      files: [
        "models/input_model.sql": Self.input,
        "models/microbatch_model.sql": Self.model().replacing("unique_key='id',", with: ""),
      ])
    let noKey = try fixture.swdbt(["run"])
    #expect(noKey.status == 1)
    #expect(
      noKey.stderr.contains("microbatch model `microbatch_model` has no `unique_key`"),
      "\(noKey.stderr)")
    let reversed = try fixture.swdbt([
      "run", "--event-time-start", "2020-01-05", "--event-time-end", "2020-01-01",
    ])
    #expect(reversed.status == 64)
    #expect(reversed.stderr.contains("--event-time-start must be before --event-time-end"))
    let malformed = try fixture.swdbt(["run", "--event-time-end", "2020-13-01"])
    #expect(malformed.status == 64)
    #expect(malformed.stderr.contains("`2020-13-01` is not an ISO date or time"))
    try fixture.project.write(
      "models/microbatch_model.sql", Self.model().replacing("'day'", with: "'week'"))
    let week = try fixture.swdbt(["run"])
    #expect(week.status == 1)
    #expect(week.stderr.contains("unknown `batch_size` `week`"), "\(week.stderr)")
  }
}
