import Foundation
import SwdbtTestSupport
import Testing

/// `retry`, `--fail-fast`, and where a run prints what (stdout: node lines and summary;
/// stderr: diagnostics).
@Suite struct RetryAndFailFastTests {
  static let models: [String: String] = [
    "models/a.sql": "select 1 as id\n",
    "models/b.sql": "select * from {{ ref('a') }} where nope\n",
    "models/c.sql": "select * from {{ ref('b') }}\n",
    "models/d.sql": "select 2 as id\n",
  ]

  @Test func retryRunsOnlyTheFailedAndSkippedNodesWithTheSameFlags() async throws {
    let fixture = try await DatabaseFixture("retry", files: Self.models)
    let first = try fixture.swdbt(["run", "--threads", "1"])
    #expect(first.status == 1)
    let args =
      try #require(
        try JSONSerialization.jsonObject(
          with: Data(try fixture.project.read("target/run_results.json").utf8)) as? [String: Any]
      )["args"] as? [String: Any]
    #expect(args?["which"] as? String == "run")
    #expect(args?["threads"] as? Int == 1)
    #expect(args?["select"] as? [String] == [])

    try fixture.project.write("models/b.sql", "select * from {{ ref('a') }}\n")
    let retry = try fixture.swdbt(["retry"])
    #expect(retry.status == 0, "\(retry.stderr)")
    #expect(
      retry.stdout.contains("Running 2 models on target `it` with 1 thread"), "\(retry.stdout)")
    #expect(retry.stdout.contains("START sql view model \(fixture.schema).b "))
    #expect(retry.stdout.contains("START sql view model \(fixture.schema).c "))
    #expect(!retry.stdout.contains("model \(fixture.schema).a "))
    #expect(!retry.stdout.contains("model \(fixture.schema).d "))
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("c"))") == "1")

    let nothing = try fixture.swdbt(["retry"])
    #expect(nothing.status == 0)
    #expect(nothing.stdout.contains("Nothing to retry"), "\(nothing.stdout)")
  }

  @Test func retryWithoutAPreviousRunFails() throws {
    let fixture = try ProjectFixture(["project.yml": "name: shop\n", "models/a.sql": "select 1\n"])
    let result = try Executable.run(["retry"], in: fixture.root)
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: no previous run: cannot read target/run_results.json"))
  }

  @Test func failFastStartsNothingAfterTheFirstFailure() async throws {
    let fixture = try await DatabaseFixture("failfast", files: Self.models)
    let result = try fixture.swdbt(["run", "--threads", "1", "-x"])
    #expect(result.status == 1)
    #expect(
      result.stdout.contains("SKIP model `d`: skipped because `b` failed (--fail-fast)"),
      "\(result.stdout)")
    #expect(result.stdout.contains("Done. PASS=1 WARN=0 ERROR=1 SKIP=2 TOTAL=4"))
    #expect(try fixture.scalar("select to_regclass('\(fixture.relation("d"))')") == nil)
  }

  @Test func nodeLinesGoToStdoutAndDiagnosticsToStderr() async throws {
    let fixture = try await DatabaseFixture("streams", files: Self.models)
    let result = try fixture.swdbt(["run", "--threads", "1"])
    #expect(result.status == 1)
    #expect(
      result.stdout.contains(
        "1 of 4 START sql view model \(fixture.schema).a ......"), "\(result.stdout)")
    #expect(result.stdout.contains("2 of 4 ERROR model `b` [ERROR in "))
    #expect(result.stdout.contains("Done. PASS=2 WARN=0 ERROR=1 SKIP=1 TOTAL=4"))
    #expect(!result.stdout.contains("error:"))
    #expect(result.stderr.contains("models/b.sql:1:36: error: column \"nope\" does not exist"))
    #expect(!result.stderr.contains("Done."))

    // --quiet: only errors and result lines.
    let quiet = try fixture.swdbt(["run", "--threads", "1", "-q"])
    #expect(!quiet.stdout.contains("START"), "\(quiet.stdout)")
    #expect(!quiet.stdout.contains("Running 4 models"))
    #expect(quiet.stdout.contains("2 of 4 ERROR model `b`"))
    #expect(quiet.stderr.contains("error: column \"nope\" does not exist"))

    // dbt's --log-level: `warn` prints what --quiet does, `debug` each statement.
    let warn = try fixture.swdbt(["run", "--threads", "1", "--log-level", "warn"])
    #expect(!warn.stdout.contains("START"), "\(warn.stdout)")
    #expect(warn.stdout.contains("2 of 4 ERROR model `b`"))
    let debug = try fixture.swdbt(["run", "--threads", "1", "--log-level", "debug"])
    #expect(debug.stdout.contains("START"), "\(debug.stdout)")
    #expect(!quiet.stderr.contains("create view"))
    #expect(debug.stderr.contains("create view"), "\(debug.stderr)")
    #expect(try fixture.swdbt(["run", "--log-level", "loud"]).status == 64)
  }

  @Test func jsonLinesCarryTimeEventAndNode() async throws {
    let fixture = try await DatabaseFixture("jsonlog", files: ["models/a.sql": "select 1 as id\n"])
    let result = try fixture.swdbt(["run", "--log-format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    let events = try result.stdout.split(separator: "\n").compactMap { line in
      try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    }
    let start = try #require(events.first { $0["event"] as? String == "LogStartLine" })
    #expect(start["unique_id"] as? String == "model.it.a")
    #expect((start["ts"] as? String)?.hasSuffix("Z") == true)
    let done = try #require(events.first { $0["event"] as? String == "LogModelResult" })
    #expect(done["status"] as? String == "success")
    #expect(done["unique_id"] as? String == "model.it.a")
  }

  @Test func aSlowNodeIsNamedPeriodicallyWhenNotOnATerminal() async throws {
    let fixture = try await DatabaseFixture(
      "status",
      files: [
        "models/slow.sql":
          "{{ config(materialized='table') }}\nselect pg_sleep(4.5) is null as slept\n"
      ])
    // An earlier run took 20 s: the line says about how long is left.
    try fixture.project.write(
      "target/node_timings.json", "{\"version\": 1, \"seconds\": {\"model.it.slow\": 20}}\n")
    let result = try fixture.swdbt(["run"], environment: ["SWDBT_STATUS_INTERVAL": "1"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("still running: `slow` ("), "\(result.stderr)")
    #expect(result.stderr.contains("; 0 of 1 done, about 1"), "\(result.stderr)")
    // This run's time replaces the earlier one for the next estimate.
    let timings = try fixture.project.read("target/node_timings.json")
    #expect(timings.contains("\"model.it.slow\": 4."), "\(timings)")
  }

  @Test func theLogPathGetsEachStatementWithItsComment() async throws {
    let fixture = try await DatabaseFixture("logpath", files: ["models/a.sql": "select 1 as id\n"])
    let result = try fixture.swdbt(["run", "--log-path", "logs"])
    #expect(result.status == 0, "\(result.stderr)")
    let log = try fixture.project.read("logs/dbt.log")
    #expect(log.contains("[debug] On model.it.a: /* {\"app\": \"dbt\""), "\(log)")
    #expect(log.contains("Done. PASS=1"))
    #expect(!result.stderr.contains("On model.it.a"))
  }
}
