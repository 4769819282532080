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
}
