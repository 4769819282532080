import Adapter
import Foundation
import SwdbtTestSupport
import Testing

@Suite struct LockWaitTests {
  @Test func lockHeldByAnotherSessionIsNamedWhileWaitingAndWhenItTimesOut() async throws {
    let model = "{{ config(materialized='table') }}\nselect 1 as x\n"
    let fixture = try await DatabaseFixture(
      "lockwait", files: ["models/x.sql": model], targetSettings: "lock_timeout: 5s")
    let first = try fixture.swdbt(["run"])
    try #require(first.status == 0, "\(first.stderr)")
    try fixture.project.write("models/x.sql", model.replacing("select 1", with: "select 2"))
    let relation = fixture.relation("x")
    let holder = try await PostgresServer.connect()
    defer { holder.close() }
    _ = try holder.execute(
      "set application_name = 'lock-holder'; begin; select * from \(relation)")
    let holderPID = try #require(try holder.execute("select pg_backend_pid()").scalar)

    // Without a lock timeout the run would wait forever: the holder gives up after 20 s.
    let release = Task {
      try await Task.sleep(for: .seconds(20))
      let other = try await PostgresServer.connect()
      _ = try other.execute("select pg_terminate_backend(\(holderPID))")
      other.close()
    }
    let run = try fixture.swdbt(["run"])
    release.cancel()
    _ = try? holder.execute("rollback")
    #expect(run.status == 1)
    #expect(
      run.stderr.contains(
        "model `x`: waiting for a lock on \(relation) held by pid \(holderPID) "
          + "(user swdbt, application lock-holder, query started "), "\(run.stderr)")
    #expect(
      run.stderr.contains("lock timeout: \(relation) is locked by pid \(holderPID) (user swdbt"),
      "\(run.stderr)")
    #expect(try fixture.scalar("select x from \(relation)") == "1")
  }

  @Test func lockWaitIsAJSONEventNamingTheRelationAndTheHoldingSession() async throws {
    let model = "{{ config(materialized='table') }}\nselect 1 as x\n"
    // The lock timeout only bounds the test if the holder below outlives its own timeout.
    let fixture = try await DatabaseFixture(
      "lockjson", files: ["models/x.sql": model], targetSettings: "lock_timeout: 20s")
    let first = try fixture.swdbt(["run"])
    try #require(first.status == 0, "\(first.stderr)")
    try fixture.project.write("models/x.sql", model.replacing("select 1", with: "select 2"))
    let relation = fixture.relation("x")
    let holder = try await PostgresServer.connect()
    defer { holder.close() }
    // The server ends the idle holder after 5 s, which releases its lock: the run waits past
    // the 3 s after which it reports, then goes on, with no task of the test's to release it.
    let holderPID = try #require(
      try holder.execute(
        "set application_name = 'json-holder'; "
          + "set idle_in_transaction_session_timeout = '5s'; select pg_backend_pid()"
      ).scalar)
    _ = try holder.execute("begin; select * from \(relation)")
    let queryStart = try fixture.scalar(
      "select to_char(query_start, 'YYYY-MM-DD HH24:MI:SS TZ') from pg_stat_activity "
        + "where pid = \(holderPID)")

    let run = try fixture.swdbt(["run", "--log-format", "json"])
    #expect(run.status == 0, "\(run.stderr)")
    let events = try run.stderr.split(separator: "\n").compactMap { line in
      try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    }.filter { $0["event"] as? String == "lock_wait" }
    try #require(events.count == 1, "\(run.stderr)")
    let event = events[0]
    #expect(event["level"] as? String == "warn")
    #expect(event["unique_id"] as? String == "model.it.x")
    #expect(event["relation"] as? String == relation)
    #expect((event["blocking_pid"] as? Int).map(String.init) == holderPID)
    #expect(event["blocking_user"] as? String == "swdbt")
    #expect(event["blocking_application"] as? String == "json-holder")
    #expect(event["blocking_query_start"] as? String == queryStart)
    let waited = try #require(event["waited_seconds"] as? Int)
    #expect((3..<20).contains(waited))
    #expect(
      event["message"] as? String
        == "waiting for a lock on \(relation) held by pid \(holderPID) (user swdbt, "
        + "application json-holder, query started \(queryStart ?? "?"))")
    #expect(try fixture.scalar("select x from \(relation)") == "2")
  }
}
