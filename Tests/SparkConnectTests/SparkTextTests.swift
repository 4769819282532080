#if Spark
  import Adapter
  import GRPCCore
  @testable import SparkConnect
  import Testing

  @Suite struct SparkTextTests {
    @Test func statementsSplitOutsideQuotesAndComments() {
      #expect(SparkSQL.statements("SELECT 1") == ["SELECT 1"])
      #expect(
        SparkSQL.statements("SET a=1; SELECT ';' AS x -- ; here\n;") == [
          "SET a=1", " SELECT ';' AS x -- ; here\n",
        ])
      #expect(
        SparkSQL.statements("SELECT 'it\\'s;' ; /* ; */ SELECT `a;b`") == [
          "SELECT 'it\\'s;' ", " /* ; */ SELECT `a;b`",
        ])
      #expect(
        SparkSQL.statements("BEGIN SELECT 1; SELECT 2; END") == ["BEGIN SELECT 1; SELECT 2; END"])
      #expect(SparkSQL.statements("  ;  ") == ["  ;  "])
      #expect(SparkSQL.quoteIdentifier("we`ird") == "`we``ird`")
    }

    @Test func failuresKeepClassAndSQLStateWithoutThePlan() {
      let status = """
        [TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found. Verify the spelling. \
        SQLSTATE: 42P01; line 1 pos 14;
        'Project [*]
        +- 'UnresolvedRelation [nope], [], false
        """
      let error = SparkFailure(code: .internalError, statusMessage: status, errorInfo: [:])
        .databaseError
      #expect(error.kind == .statement)
      #expect(error.sqlState == "42P01")
      #expect(
        error.message
          == "[TABLE_OR_VIEW_NOT_FOUND] The table or view `nope` cannot be found. Verify the spelling. (line 1 pos 14)"
      )

      let fromInfo = SparkFailure(
        code: .unknown, statusMessage: "Division by zero.",
        errorInfo: ["errorClass": "DIVIDE_BY_ZERO", "sqlState": "22012"]
      ).databaseError
      #expect(fromInfo.message == "[DIVIDE_BY_ZERO] Division by zero.")
      #expect(fromInfo.sqlState == "22012")

      let parse = SparkFailure(
        code: .internalError,
        statusMessage:
          "\n[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. SQLSTATE: 42601 (line 1, pos 0)\n\n== SQL ==\nSELEC 1\n^^^\n",
        errorInfo: [:]
      ).databaseError
      #expect(
        parse.message == "[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. (line 1, pos 0)")
      #expect(parse.sqlState == "42601")

      let cancelled = SparkFailure(
        code: .unknown, statusMessage: "[OPERATION_CANCELED] Operation has been canceled.",
        errorInfo: [:]
      ).databaseError
      #expect(cancelled.kind == .cancelled)
      #expect(
        SparkFailure(code: .unavailable, statusMessage: "", errorInfo: [:]).databaseError.kind
          == .connection)
    }

    @Test func targetsFromConnectURLs() throws {
      let plain = try #require(SparkTarget(url: "sc://localhost"))
      #expect(
        plain.host == "localhost" && plain.port == 15002 && !plain.useSSL && plain.token == nil)
      let managed = try #require(
        SparkTarget(url: "sc://spark.example.com:443/;use_ssl=true;token=abc;user_id=ann"))
      #expect(
        managed
          == SparkTarget(
            host: "spark.example.com", port: 443, token: "abc", useSSL: true, user: "ann"))
      #expect(SparkTarget(url: "http://x") == nil)
      #expect(SparkTarget(url: "sc://x:port") == nil)
      let description = SparkAdapter(target: managed).redactedDescription
      #expect(description.contains("token=<redacted>") && !description.contains("abc"))
    }
  }
#endif
