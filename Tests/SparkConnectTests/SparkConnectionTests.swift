#if Spark
  import Adapter
  import Foundation
  @testable import SparkConnect
  import Testing

  /// Fails in CI when the Spark server the integration tests need is not there (CI starts it).
  @Test func sparkServerIsReachableInCI() {
    if SparkTestServer.isCI && !SparkTestServer.isReachable {
      Issue.record("CI=true but \(SparkTestServer.skipReason)")
    }
  }

  /// No server: a connection error naming the address, promptly, not a hang or a crash.
  @Test func connectingToNoServerIsAConnectionError() async throws {
    let error = try await onOwnThread { () -> DatabaseError? in
      do throws(DatabaseError) {
        _ = try SparkConnection(target: SparkTarget(host: "127.0.0.1", port: 1))
        return nil
      } catch {
        return error
      }
    }
    let failure = try #require(error)
    #expect(failure.kind == .connection)
    #expect(failure.message.hasPrefix("cannot open a Spark Connect session at 127.0.0.1:1: "))
  }

  @Suite(.serialized, .enabled(if: SparkTestServer.isReachable, SparkTestServer.skipReason))
  struct SparkConnectionTests {
    private func withConnection<T: Sendable>(
      _ body: @escaping @Sendable (SparkConnection) throws -> T
    ) async throws -> T {
      try await onOwnThread {
        let connection = try SparkConnection(target: SparkTestServer.target)
        defer { connection.close() }
        return try body(connection)
      }
    }

    @Test func selectsEveryTypeAsText() async throws {
      let result = try await withConnection { connection in
        _ = try connection.execute("SET spark.sql.session.timeZone = America/New_York")
        return try connection.execute(
          """
          SELECT CAST(-1 AS TINYINT) AS i8, CAST(300 AS SMALLINT) AS i16, 70000 AS i32,
                 CAST(9000000000 AS BIGINT) AS i64, 'héllo' AS s, CAST(1.5 AS FLOAT) AS f32,
                 CAST(2.25 AS DOUBLE) AS f64, true AS b, DATE'2024-02-29' AS d,
                 CAST(-12.345 AS DECIMAL(10, 3)) AS dec,
                 TIMESTAMP'2024-01-02 03:04:05.123456' AS ts,
                 TIMESTAMP_NTZ'2024-07-08 09:10:11' AS ntz, NULL AS n, CAST(NULL AS INT) AS ni,
                 X'CAFE' AS bin
          """)
      }
      #expect(
        result.columns == [
          "i8", "i16", "i32", "i64", "s", "f32", "f64", "b", "d", "dec", "ts", "ntz", "n", "ni",
          "bin",
        ])
      #expect(
        result.rows == [
          [
            "-1", "300", "70000", "9000000000", "héllo", "1.5", "2.25", "true", "2024-02-29",
            "-12.345", "2024-01-02 03:04:05.123456", "2024-07-08 09:10:11", nil, nil, "\\xcafe",
          ]
        ])
      #expect(
        result.columnTypes == [
          21, 21, 23, 20, 25, 700, 701, 16, 1082, 1700, 1184, 1114, 705, 23, 17,
        ])
      #expect(result.commandTag == "SELECT 1")
    }

    @Test func serverVersionAndCopyIn() async throws {
      let (version, copyError) = try await withConnection { connection in
        let error = #expect(throws: DatabaseError.self) {
          _ = try connection.copyIn("COPY t FROM STDIN") { _ in }
        }
        return (connection.serverVersion, error?.message)
      }
      #expect(version.hasPrefix("4."))
      #expect(copyError == "COPY ... FROM STDIN is unsupported on Spark")
    }

    @Test func ddlTablesViewsAndRename() async throws {
      let rows = try await withConnection { connection in
        _ = try connection.execute(
          """
          CREATE SCHEMA IF NOT EXISTS swdbt_client_test;
          DROP VIEW IF EXISTS swdbt_client_test.people_view;
          DROP TABLE IF EXISTS swdbt_client_test.people;
          DROP TABLE IF EXISTS swdbt_client_test.people_renamed
          """)
        let create = try connection.execute(
          "CREATE TABLE swdbt_client_test.people (id INT, name STRING) USING parquet")
        #expect(create.commandTag == "OK")
        _ = try connection.execute(
          "INSERT INTO swdbt_client_test.people VALUES (1, 'ann'), (2, 'bob'), (3, NULL)")
        _ = try connection.execute(
          """
          CREATE OR REPLACE VIEW swdbt_client_test.people_view AS
          SELECT id, upper(name) AS name FROM swdbt_client_test.people
          """)
        _ = try connection.execute(
          "ALTER TABLE swdbt_client_test.people RENAME TO swdbt_client_test.people_renamed")
        let renamed = try connection.execute(
          "SELECT id, name FROM swdbt_client_test.people_renamed ORDER BY id")
        let tables = try connection.execute("SHOW TABLES IN swdbt_client_test")
        _ = try connection.execute(
          """
          DROP VIEW swdbt_client_test.people_view;
          DROP TABLE swdbt_client_test.people_renamed
          """)
        return (renamed.rows, tables.rows.compactMap { $0.count > 1 ? $0[1] : nil }.sorted())
      }
      #expect(rows.0 == [["1", "ann"], ["2", "bob"], ["3", nil]])
      #expect(rows.1 == ["people_renamed", "people_view"])
    }

    @Test func errorsCarryClassAndSQLState() async throws {
      let errors = try await withConnection { connection in
        var errors: [DatabaseError] = []
        for sql in [
          "SELECT * FROM swdbt_no_such_table", "SELEC 1",
          "SELECT 1 / 0 FROM range(3)",
        ] {
          do {
            _ = try connection.execute(sql)
          } catch let error as DatabaseError {
            errors.append(error)
          }
        }
        // The session survives its errors.
        #expect(try connection.execute("SELECT 1").scalar == "1")
        return errors
      }
      try #require(errors.count == 3)
      #expect(errors[0].kind == .statement)
      #expect(
        errors[0].message.hasPrefix(
          "[TABLE_OR_VIEW_NOT_FOUND] The table or view `swdbt_no_such_table` cannot be found."))
      #expect(errors[0].sqlState == "42P01")
      #expect(!errors[0].message.contains("\n"))
      #expect(errors[0].message.contains("Search path:"))
      #expect(!errors[0].message.contains("UnresolvedRelation"))
      #expect(errors[1].message.hasPrefix("[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'."))
      #expect(!errors[1].message.contains("== SQL =="))
      #expect(errors[1].sqlState == "42601")
      #expect(errors[2].message.hasPrefix("[DIVIDE_BY_ZERO]"))
      #expect(errors[2].sqlState == "22012")
    }

    @Test func longQueryIsInterrupted() async throws {
      let (error, seconds, after) = try await withConnection { connection in
        let canceller = connection.makeCanceller()
        let timer = Thread {
          Thread.sleep(forTimeInterval: 3)
          canceller.cancel()
        }
        let start = Date()
        timer.start()
        var caught: DatabaseError?
        do {
          _ = try connection.execute(
            "SELECT count(*) FROM range(0, 200000000000, 1, 2) WHERE id % 7 = 3")
        } catch let error as DatabaseError {
          caught = error
        }
        let seconds = Date().timeIntervalSince(start)
        return (caught, seconds, try connection.execute("SELECT 41 + 1").scalar)
      }
      let interrupted = try #require(error)
      #expect(interrupted.kind == .cancelled)
      #expect(interrupted.message.contains("OPERATION_CANCELED"))
      #expect(seconds >= 2.5 && seconds < 60)  // it ran until the interrupt, then stopped
      #expect(after == "42")
    }

    @Test func streamsHundredThousandRows() async throws {
      let (result, seconds) = try await withConnection { connection in
        let start = Date()
        let result = try connection.execute(
          "SELECT id, concat('row ', id) AS label, id % 7 = 0 AS sevens FROM range(100000)")
        return (result, Date().timeIntervalSince(start))
      }
      print("100,000 rows (3 columns) read in \(String(format: "%.3f", seconds)) s")
      #expect(result.rows.count == 100_000)
      #expect(result.commandTag == "SELECT 100000")
      #expect(result.rows.first == ["0", "row 0", "true"])
      #expect(result.rows.last == ["99999", "row 99999", "false"])
      let ids = Set(result.rows.compactMap { $0[0] })
      #expect(ids.count == 100_000)
    }

    /// Runs when the server ends response streams early (CI starts it with
    /// `--conf spark.connect.execute.reattachable.senderMaxStreamDuration=1s` and sets
    /// SWDBT_SPARK_SHORT_STREAMS=1): the client must reattach and still read every row once.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SWDBT_SPARK_SHORT_STREAMS"] != nil))
    func reattachesWhenTheServerEndsTheStreamEarly() async throws {
      let progress = try await onOwnThread {
        let identity = SessionIdentity(
          sessionID: UUID().uuidString.lowercased(), userID: "swdbt-test")
        let client = try SparkConnectClient(target: SparkTestServer.target, identity: identity)
        defer { Blocking.finish { await client.close() } }
        return try Blocking.run { () async throws(DatabaseError) in
          // About 3 s of work before the first row, so the 1 s streams end before it.
          try await client.executeCapturing(
            .query(
              """
              SELECT count(*) AS n FROM range(0, 3000000000, 1, 2) WHERE id % 7 = 3
              UNION ALL SELECT id FROM range(5)
              """),
            operationID: UUID().uuidString.lowercased())
        }
      }
      #expect(progress.reattaches > 0)
      #expect(progress.rows.rows.count == 6)
      #expect(progress.rows.rows.contains(["428571429"]))
    }

    @Test func capturedServerStreamReadsLikeTheConnection() async throws {
      let (batches, rows) = try await onOwnThread {
        let identity = SessionIdentity(
          sessionID: UUID().uuidString.lowercased(), userID: "swdbt-test")
        let client = try SparkConnectClient(target: SparkTestServer.target, identity: identity)
        defer { Blocking.finish { await client.close() } }
        return try Blocking.run { () async throws(DatabaseError) in
          let progress = try await client.executeCapturing(
            .query(
              "SELECT id, CAST(id AS STRING) AS s, DATE'2020-01-01' + CAST(id AS INT) AS d FROM range(5)"
            ),
            operationID: UUID().uuidString.lowercased())
          return (progress.capturedBatches ?? [], progress.rows)
        }
      }
      try #require(!batches.isEmpty)
      var reread = ArrowTextRows()
      for batch in batches { try ArrowStreamReader.read(batch, into: &reread) }
      #expect(reread.rows == rows.rows)
      #expect(reread.rows.last == ["4", "4", "2020-01-05"])
      #expect(
        reread.fields.map(\.type) == [
          .int(bitWidth: 64, signed: true), .utf8, .date(milliseconds: false),
        ])
      // A stream cut inside a message is an error, never fewer rows.
      let batch = try #require(batches.last)
      var cut = ArrowTextRows()
      #expect(throws: ArrowFormatError.self) {
        try ArrowStreamReader.read(batch.dropLast(batch.count / 3), into: &cut)
      }
    }
  }
#endif
