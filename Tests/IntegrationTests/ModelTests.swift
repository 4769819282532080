import Adapter
import Foundation
import SwdbtTestSupport
import Testing

@Suite struct ModelTests {
  static let chain: [String: String] = [
    "seeds/raw.csv": "id,amount\n1,10\n2,20\n",
    "models/base.sql": "select id, amount from {{ ref('raw') }}\n",
    "models/totals.sql":
      "{{ config(materialized='table') }}\nselect sum(amount) as total from {{ ref('base') }}\n",
    "models/report.sql": "select total * 2 as doubled from {{ ref('totals') }}\n",
    "models/other.sql": "{{ config(materialized='table') }}\nselect 1 as one\n",
  ]

  @Test func viewsAndTablesAreBuiltInOrderWithRunResults() async throws {
    let fixture = try await DatabaseFixture("build", files: Self.chain)
    #expect(try fixture.swdbt(["seed"]).status == 0)
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("OK created table \(fixture.relation("totals")) [SELECT 1 in "))
    #expect(result.stdout.contains("Done. PASS=4 WARN=0 ERROR=0 SKIP=0 TOTAL=4"))
    #expect(try fixture.scalar("select doubled from \(fixture.relation("report"))") == "60")
    #expect(
      try fixture.scalar(
        "select relkind from pg_class where oid = '\(fixture.relation("base"))'::regclass") == "v")
    let artifact = try fixture.project.read("target/run_results.json")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(artifact.utf8)) as? [String: Any])
    let results = try #require(json["results"] as? [[String: Any]])
    #expect(results.count == 4)
    let totals = try #require(results.first { $0["unique_id"] as? String == "model.it.totals" })
    #expect(totals["status"] as? String == "success")
    #expect((totals["adapter_response"] as? [String: Any])?["rows_affected"] as? Int == 1)
  }

  @Test func failingModelKeepsOldTableSkipsDescendantsAndPointsAtTheFile() async throws {
    let fixture = try await DatabaseFixture("failure", files: Self.chain)
    #expect(try fixture.swdbt(["seed"]).status == 0)
    #expect(try fixture.swdbt(["run"]).status == 0)
    try fixture.project.write(
      "models/totals.sql",
      "{{ config(materialized='table') }}\nselect sum(amount) as total\nfrom {{ ref('base') }}\nwhere amount > nonexistent_column\n"
    )
    try fixture.project.write("seeds/raw.csv", "id,amount\n1,10\n2,20\n3,30\n")
    #expect(try fixture.swdbt(["seed"]).status == 0)
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        """
        models/totals.sql:4:16: error: column "nonexistent_column" does not exist (SQLSTATE 42703)
        4 | where amount > nonexistent_column
          |                ^~~~~~~~~~~~~~~~~~
        note: while building table \(fixture.relation("totals")); compiled SQL in target/compiled/it/models/totals.sql
        """), "\(result.stderr)")
    #expect(result.stdout.contains("SKIP model `report`: skipped because `totals` failed"))
    #expect(result.stdout.contains("OK created table \(fixture.relation("other"))"))
    #expect(result.stdout.contains("Done. PASS=2 WARN=0 ERROR=1 SKIP=1 TOTAL=4"))
    // The old table is untouched and nothing temporary is left behind.
    #expect(try fixture.scalar("select total from \(fixture.relation("totals"))") == "30")
    #expect(
      try fixture.scalar(
        "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
          + "where n.nspname = '\(fixture.schema)' and c.relname like '%swdbt%'") == "0")
    let artifact = try fixture.project.read("target/run_results.json")
    #expect(artifact.contains("\"status\":\"skipped\""))
    #expect(artifact.contains("\"status\":\"error\""))
  }

  /// `checked` (selected, slow) -> `middle` (unselected view) -> `report` (selected table):
  /// `report` must wait for `checked` through `middle`, or it reads the old table.
  @Test(arguments: ["table", "view", "incremental"])
  func anErrorInSwdbtsWrapperPointsAtTheModelsLastLine(materialized: String) async throws {
    let fixture = try await DatabaseFixture(
      "wrapped_\(materialized)",
      files: [
        "models/m.sql":
          "{{ config(materialized='\(materialized)') }}\nselect 1 as a,\n  2 as b,\n\n"
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 1)
    // Not the `)` swdbt wrote after the query, on a line the model does not have.
    #expect(result.stderr.contains("models/m.sql:3:9: error: syntax error"), "\(result.stderr)")
    #expect(result.stderr.contains("3 |   2 as b,"))
    #expect(result.stderr.contains("hint: remove the trailing comma"))
  }

  @Test func selectedNodesWaitForSelectedAncestorsThroughUnselectedOnes() async throws {
    let fixture = try await DatabaseFixture(
      "through",
      files: [
        "models/checked.sql": "{{ config(materialized='table') }}\nselect 1 as version\n",
        "models/middle.sql": "select version from {{ ref('checked') }}\n",
        "models/report.sql":
          "{{ config(materialized='table') }}\nselect version from {{ ref('middle') }}\n",
      ])
    #expect(try fixture.swdbt(["run"]).status == 0)
    try fixture.project.write(
      "models/checked.sql",
      "{{ config(materialized='table') }}\nselect 2 as version from pg_sleep(1)\n")
    let result = try fixture.swdbt(["run", "-s", "checked", "report", "--threads", "2"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("Done. PASS=2 WARN=0 ERROR=0 SKIP=0 TOTAL=2"))
    #expect(try fixture.scalar("select version from \(fixture.relation("report"))") == "2")
  }

  /// libpq takes C strings: a statement cut at a NUL would run something else than written.
  @Test func theConnectionRefusesAStatementHoldingANulByte() async throws {
    let fixture = try await DatabaseFixture("nul", files: [:])
    let table = fixture.relation("t")
    _ = try fixture.connection.execute(
      "create schema \(fixture.schema); create table \(table) (a int); "
        + "insert into \(table) values (1), (2)")
    let error = #expect(throws: DatabaseError.self) {
      try fixture.connection.execute("delete from \(table) where a = 2\u{0} and false")
    }
    // `delete from "<13 characters>"."t" where a = 2` is 43 characters.
    #expect(
      error?.message
        == "refusing to send a statement that contains a NUL byte (U+0000) at character 44")
    #expect(try fixture.scalar("select count(*) from \(table)") == "2")
  }

  @Test func tableSwapRecreatesViewsThatDependOnIt() async throws {
    let fixture = try await DatabaseFixture("dependents", files: Self.chain)
    #expect(try fixture.swdbt(["seed"]).status == 0)
    #expect(try fixture.swdbt(["run"]).status == 0)
    // A view nobody built with swdbt, with a grant, on top of the model's table.
    _ = try fixture.connection.execute(
      """
      create view \(fixture.relation("by_hand")) as select total + 1 as plus_one from \(fixture.relation("totals"));
      create view \(fixture.relation("by_hand_2")) as select plus_one from \(fixture.relation("by_hand"));
      drop role if exists it_reader_dep; create role it_reader_dep;
      grant select on \(fixture.relation("by_hand")) to it_reader_dep
      """)
    try fixture.project.write("seeds/raw.csv", "id,amount\n1,10\n2,20\n3,70\n")
    #expect(try fixture.swdbt(["seed"]).status == 0)
    let result = try fixture.swdbt(["run", "-s", "totals"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try fixture.scalar("select plus_one from \(fixture.relation("by_hand_2"))") == "101")
    #expect(
      try fixture.scalar(
        "select has_table_privilege('it_reader_dep', '\(fixture.relation("by_hand"))', 'select')")
        == "t")
  }

  @Test func swapThatBreaksADependentViewFailsNamingItAndKeepsEverything() async throws {
    var files = Self.chain
    files["models/report.sql"] = nil
    let fixture = try await DatabaseFixture("breaks", files: files)
    #expect(try fixture.swdbt(["seed"]).status == 0)
    #expect(try fixture.swdbt(["run"]).status == 0)
    _ = try fixture.connection.execute(
      "create view \(fixture.relation("by_hand")) as select total from \(fixture.relation("totals"))"
    )
    try fixture.project.write(
      "models/totals.sql", "{{ config(materialized='table') }}\nselect 1 as renamed\n")
    let result = try fixture.swdbt(["run", "-s", "totals"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "view \(fixture.relation("by_hand")) depends on \(fixture.relation("totals")) and no longer fits"
      ), "\(result.stderr)")
    #expect(try fixture.scalar("select total from \(fixture.relation("by_hand"))") == "30")
  }

  @Test func viewWhoseColumnsChangeIsReplaced() async throws {
    let fixture = try await DatabaseFixture("viewchange", files: Self.chain)
    #expect(try fixture.swdbt(["seed"]).status == 0)
    #expect(try fixture.swdbt(["run", "-s", "base"]).status == 0)
    try fixture.project.write("models/base.sql", "select id from {{ ref('raw') }}\n")
    let result = try fixture.swdbt(["run", "-s", "base"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.scalar(
        "select count(*) from information_schema.columns where table_schema = '\(fixture.schema)' "
          + "and table_name = 'base'") == "1")
  }

  @Test func hooksRunAroundModelsAndTheRun() async throws {
    let fixture = try await DatabaseFixture(
      "hooks",
      projectYAML: """
        on-run-start: ["create table if not exists {{ target.schema }}.audit (event text)"]
        on-run-end: ["insert into {{ target.schema }}.audit values ('end')"]
        """,
      files: [
        "models/m.sql":
          "{{ config(materialized='table', pre_hook=\"insert into {{ target.schema }}.audit values ('pre')\", post_hook=[\"insert into {{ target.schema }}.audit select 'post ' || count(*) from {{ this }}\"]) }}\nselect 1 as x\n"
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.rows("select event from \"\(fixture.schema)\".audit").map { $0[0] ?? "" }
        == ["pre", "post 1", "end"])
  }
}

@Suite struct InterruptTests {
  @Test func ctrlCCancelsTheRunningStatementAndLeavesNothingHalfBuilt() async throws {
    let fixture = try await DatabaseFixture(
      "interrupt",
      files: [
        "models/slow.sql":
          "{{ config(materialized='table') }}\nselect x from generate_series(1, 3) x, pg_sleep(60)\n"
      ])
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Executable.swdbt)
    process.arguments = ["run"]
    process.currentDirectoryURL = URL(fileURLWithPath: fixture.project.root)
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    // Wait until the statement runs on the server, then interrupt.
    // A wall-clock deadline and a blocking sleep: on a loaded machine the cooperative pool,
    // which other tests block while they wait for processes, can starve `Task.sleep`.
    var running = false
    let deadline = Date().addingTimeInterval(45)
    while !running, Date() < deadline {
      usleep(100_000)
      running =
        try fixture.scalar(
          "select count(*) from pg_stat_activity where query like '%pg_sleep(60)%' "
            + "and pid <> pg_backend_pid()") != "0"
    }
    #expect(running)
    let started = Date()
    process.interrupt()
    process.waitUntilExit()
    #expect(Date().timeIntervalSince(started) < 10)
    #expect(process.terminationStatus == 130)
    let output = String(
      decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(output.contains("interrupted: cancelling running statements"), "\(output)")
    #expect(
      try fixture.scalar(
        "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace "
          + "where n.nspname = '\(fixture.schema)'") == "0")
  }
}

@Suite struct ConcurrentSwapTests {
  @Test func seedsSharingDependentViewsAreReplacedInParallelWithoutDeadlock() async throws {
    var files: [String: String] = [:]
    for seed in 0..<8 { files["seeds/s\(seed).csv"] = "id,v\n1,\(seed)\n2,\(seed)\n" }
    // Every view reads two seeds, so every replacement shares views with two others.
    for view in 0..<96 {
      files["models/v\(view).sql"] =
        "select a.id, a.v + b.v as total from {{ ref('s\(view % 8)') }} a "
        + "join {{ ref('s\((view + 3) % 8)') }} b using (id)\n"
    }
    let fixture = try await DatabaseFixture("sharedviews", files: files)
    #expect(try fixture.swdbt(["seed"]).status == 0)
    #expect(try fixture.swdbt(["run"]).status == 0)
    for round in 1...3 {
      let result = try fixture.swdbt(["seed", "--threads", "4"])
      #expect(result.status == 0, "round \(round): \(result.stderr)")
    }
    #expect(try fixture.scalar("select sum(total) from \(fixture.relation("v3"))") == "18")
  }
}
