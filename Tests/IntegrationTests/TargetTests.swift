import Adapter
import Execution
import Foundation
import Postgres
import PostgresEngine
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
    let key = try await lockKey(schema: fixture.schema)
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

  /// The key `swdbt run` uses for a fixture's target (the server's identity and the schema).
  func lockKey(schema: String) async throws -> Int64 {
    let connection = try await PostgresServer.connect()
    defer { connection.close() }
    let session = TargetSession(connection: connection, engine: PostgresEngine())
    return TargetSession.lockKey(database: try session.databaseIdentity(), schema: schema)
  }

  @Test func targetsNamingOneDatabaseDifferentlyShareTheLock() async throws {
    let fixture = try await DatabaseFixture(
      "samedb",
      files: [
        "models/slow.sql":
          "{{ config(materialized='table') }}\nselect x from generate_series(1, 2) x, pg_sleep(3)\n"
      ])
    try fixture.project.write(
      "project.yml",
      """
      name: it
      target: it
      targets:
        it:
          type: postgres
          host: \(fixture.socketDirectory)
          user: swdbt
          dbname: postgres
          schema: \(fixture.schema)
        byurl:
          type: postgres
          url: "postgresql:///postgres?host=\(fixture.socketDirectory)&user=swdbt"
          schema: \(fixture.schema)

      """)
    let first = Process()
    first.executableURL = URL(fileURLWithPath: Executable.swdbt)
    first.arguments = ["run"]
    first.currentDirectoryURL = URL(fileURLWithPath: fixture.project.root)
    let firstErrors = Pipe()
    first.standardError = firstErrors
    first.standardOutput = FileHandle.nullDevice
    try first.run()
    // Polled without suspending: under load a suspended test may resume only after the
    // first run has finished.
    var running = false
    for _ in 0..<600 where !running {
      usleep(100_000)
      running =
        try fixture.scalar(
          "select count(*) from pg_stat_activity where query like '%pg_sleep(3)%' "
            + "and pid <> pg_backend_pid()") != "0"
    }
    if !running {
      first.terminate()
      first.waitUntilExit()
    }
    try #require(
      running,
      "\(String(decoding: firstErrors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
    let second = try fixture.swdbt(["run", "--target", "byurl"])
    first.waitUntilExit()
    let firstOutput = String(
      decoding: firstErrors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(first.terminationStatus == 0, "\(firstOutput)")
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stderr.contains("another swdbt run on target `byurl` holds its lock"))
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
    #expect(run.stdout.contains("OK created view \"public\".\"m\""))
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
      """
      create schema "\(fixture.schema)"; create table \(fixture.relation("m__swdbt_tmp")) (x int);
      comment on table \(fixture.relation("m__swdbt_tmp")) is '\(TargetSession.intermediateMarker)'
      """)
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stderr.contains(
        "dropped \(fixture.relation("m__swdbt_tmp")), left behind by an interrupted run"))
    #expect(try fixture.scalar("select to_regclass('\(fixture.relation("m__swdbt_tmp"))')") == nil)
  }

  @Test func modelWhoseNameEndsLikeAnIntermediateRelationIsNotDropped() async throws {
    let fixture = try await DatabaseFixture(
      "keepname",
      files: [
        "models/keep__swdbt_tmp.sql": "{{ config(materialized='table') }}\nselect 1 as x\n",
        "models/other.sql": "select 2 as y\n",
      ])
    #expect(try fixture.swdbt(["run"]).status == 0)
    let result = try fixture.swdbt(["run", "-s", "other"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(!result.stderr.contains("left behind"), "\(result.stderr)")
    #expect(try fixture.scalar("select x from \(fixture.relation("keep__swdbt_tmp"))") == "1")
  }
}
