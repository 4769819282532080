import Adapter
import Execution
import Foundation
import Postgres
import SwdbtTestSupport
import Testing

@Suite struct TargetTests {
  @Test func grantsAreAppliedAndRevokedAndTheRoleReadsOnlyWhatItMay() async throws {
    let role = "it_analyst_\(UUID().uuidString.prefix(6).lowercased())"
    let fixture = try await DatabaseFixture(
      "grants",
      files: [
        "models/shared.sql":
          "{{ config(materialized='table', grants={'select': ['\(role)']}) }}\nselect 1 as x\n",
        "models/private.sql": "{{ config(materialized='table') }}\nselect 2 as y\n",
      ])
    _ = try fixture.connection.execute(
      "create role \(role) login")
    defer { _ = try? fixture.connection.execute("drop owned by \(role); drop role \(role)") }
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    _ = try fixture.connection.execute("grant usage on schema \"\(fixture.schema)\" to \(role)")
    let info = try await PostgresServer.start()
    let analyst = try PostgresAdapter(
      info: ConnectionInfo(settings: [
        "host": info.value("host") ?? "", "user": role, "dbname": "postgres",
      ])
    ).connect()
    defer { analyst.close() }
    #expect(try analyst.execute("select x from \(fixture.relation("shared"))").scalar == "1")
    #expect(throws: DatabaseError.self) {
      try analyst.execute("select y from \(fixture.relation("private"))")
    }
    // Rebuilt without the grant: the role loses access.
    try fixture.project.write(
      "models/shared.sql",
      "{{ config(materialized='table', grants={'select': []}) }}\nselect 1 as x\n")
    #expect(try fixture.swdbt(["run"]).status == 0)
    #expect(throws: DatabaseError.self) {
      try analyst.execute("select x from \(fixture.relation("shared"))")
    }
  }

  @Test func secondRunWaitsForTheLockHeldByTheFirst() async throws {
    let fixture = try await DatabaseFixture("lock", files: ["models/m.sql": "select 1 as x\n"])
    let key = try #require(
      try fixture.scalar("select 1").map { _ in lockKey(schema: fixture.schema) })
    let holder = try await PostgresServer.connect()
    _ = try holder.execute("select pg_advisory_lock(\(key))")
    let started = Date()
    let release = Task {
      try await Task.sleep(for: .seconds(2))
      _ = try holder.execute("select pg_advisory_unlock(\(key))")
      holder.close()
    }
    let result = try fixture.swdbt(["run"])
    try await release.value
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("another swdbt run on target `it` holds its lock"))
    #expect(Date().timeIntervalSince(started) >= 2)
  }

  /// The key `swdbt run` uses for a fixture's target (its database setting and schema).
  func lockKey(schema: String) -> Int64 {
    TargetSession.lockKey(database: "postgres", schema: schema)
  }

  @Test func passwordFromTheEnvironmentAppearsNowhere() async throws {
    let secret = "s3cret-\(UUID().uuidString.prefix(8))"
    let fixture = try await DatabaseFixture(
      "secret", files: ["models/m.sql": "select 1 as x\n"],
      targetSettings: "password: \"{{ env_var('SWDBT_PASSWORD') }}\"")
    let environment = ["SWDBT_PASSWORD": secret]
    let run = try fixture.swdbt(["run"], environment: environment)
    #expect(run.status == 0, "\(run.stderr)")
    let debug = try fixture.swdbt(["debug"], environment: environment)
    #expect(debug.status == 0)
    #expect(debug.stdout.contains("Connection test: OK"))
    let json = try fixture.swdbt(["run", "--log-format", "json"], environment: environment)
    for output in [run.stdout, run.stderr, debug.stdout, debug.stderr, json.stdout, json.stderr] {
      #expect(!output.contains(secret))
    }
    let files = FileManager.default.enumerator(atPath: fixture.project.root + "/target")
    var checked = 0
    while let path = files?.nextObject() as? String {
      let full = fixture.project.root + "/target/" + path
      guard let text = try? String(contentsOfFile: full, encoding: .utf8) else { continue }
      #expect(!text.contains(secret), "\(path)")
      checked += 1
    }
    #expect(checked >= 2)
  }

  @Test func profilesYAMLOfADbtProjectIsUsed() async throws {
    let info = try await PostgresServer.start()
    let schema = "it_profiles_\(UUID().uuidString.prefix(6).lowercased())"
    let project = try ProjectFixture([
      "dbt_project.yml": "name: dbtproj\nprofile: warehouse\n",
      "models/m.sql": "select 7 as x\n",
      "profiles/profiles.yml":
        """
      warehouse:
        target: dev
        outputs:
          dev:
            type: postgres
            host: \(info.value("host") ?? "")
            user: swdbt
            port: 5432
            dbname: postgres
            schema: \(schema)
            threads: 2
      """,
    ])
    let result = try Executable.run(
      ["run", "--profiles-dir", project.root + "/profiles"], in: project.root)
    #expect(result.status == 0, "\(result.stderr)")
    let connection = try await PostgresServer.connect()
    defer {
      _ = try? connection.execute("drop schema \"\(schema)\" cascade")
      connection.close()
    }
    #expect(try connection.execute("select x from \"\(schema)\".m").scalar == "7")
  }

  @Test func embeddedClusterIsCreatedStartedAndStoppedForAProjectWithoutTargets() async throws {
    let project = try ProjectFixture([
      "project.yml": "name: solo\n", "models/m.sql": "select 1 as x\n",
    ])
    defer { _ = try? Executable.run(["local", "stop"], in: project.root) }
    let debug = try Executable.run(["debug"], in: project.root)
    #expect(debug.status == 0, "\(debug.stderr)")
    #expect(debug.stdout.contains("cluster:    embedded"))
    #expect(debug.stdout.contains("Connection test: OK"))
    let run = try Executable.run(["run"], in: project.root)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("OK created view \"public\".\"m\""))
    let status = try Executable.run(["local", "status"], in: project.root)
    #expect(status.status == 0)
    #expect(status.stdout.hasPrefix("running"))
    let stop = try Executable.run(["local", "stop"], in: project.root)
    #expect(stop.status == 0)
    let after = try Executable.run(["local", "status"], in: project.root)
    #expect(after.status == 3)
    #expect(after.stdout.hasPrefix("stopped"))
  }
}

@Suite struct ConnectionInfoTests {
  @Test func descriptionNeverShowsThePassword() {
    let info = ConnectionInfo(settings: [
      "host": "db", "port": "6543", "user": "loader", "password": "hunter2", "dbname": "w",
      "sslmode": "require", "connect_timeout": "5",
    ])
    #expect(
      info.description == "connect_timeout=5 dbname=w host=db port=6543 sslmode=require user=loader"
    )
    #expect(info.value("password") == "hunter2")
    let url = ConnectionInfo(settings: ["url": "postgresql://loader:hunter2@db:5432/w"])
    #expect(url.description == "dbname=postgresql://loader:***@db:5432/w")
  }
}

@Suite struct LeftoverTests {
  @Test func relationsLeftByACrashedRunAreDroppedAtTheNextStart() async throws {
    let fixture = try await DatabaseFixture("leftover", files: ["models/m.sql": "select 1 as x\n"])
    _ = try fixture.connection.execute(
      "create schema \"\(fixture.schema)\"; create table \(fixture.relation("m__swdbt_tmp")) (x int)"
    )
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stderr.contains(
        "dropped \(fixture.relation("m__swdbt_tmp")), left behind by an interrupted run"))
    #expect(try fixture.scalar("select to_regclass('\(fixture.relation("m__swdbt_tmp"))')") == nil)
  }
}
