#if Spark
  @testable import SparkConnect
  import Testing

  @Suite struct ProtobufWireTests {
    /// Every field of a message, nested messages decoded by `nested` field numbers.
    private func fields(_ bytes: ArraySlice<UInt8>) throws -> [(Int, ProtobufValue)] {
      var reader = ProtobufReader(bytes)
      var result: [(Int, ProtobufValue)] = []
      try reader.readFields { field, value in result.append((field, value)) }
      return result
    }

    private func only(_ field: Int, in bytes: ArraySlice<UInt8>) throws -> ProtobufValue? {
      try fields(bytes).first { $0.0 == field }?.1
    }

    /// The nested message in `field`, which must be there.
    private func nested(_ field: Int, in bytes: ArraySlice<UInt8>) throws -> ArraySlice<UInt8> {
      try #require(try only(field, in: bytes)?.bytes)
    }

    @Test func varintsRoundTrip() throws {
      for value: UInt64 in [0, 1, 127, 128, 300, 16_384, UInt64(UInt32.max), .max] {
        var writer = ProtobufWriter()
        writer.writeVarintField(3, value)
        #expect(try fields(writer.bytes[...]).map(\.0) == [3])
        #expect(try only(3, in: writer.bytes[...]) == .varint(value))
      }
      var writer = ProtobufWriter()
      writer.writeVarint(300)
      #expect(writer.bytes == [0xAC, 0x02])
    }

    @Test func executePlanRequestHasSparkFieldNumbers() throws {
      var identity = SessionIdentity(sessionID: "s-1", userID: "me")
      identity.clientType = "swdbt-test"
      var request = ExecutePlanRequest(
        identity: identity, operationID: "op-1", plan: .query("SELECT 1"))
      request.tags = ["t"]
      let bytes = request.encoded()[...]
      #expect(try only(1, in: bytes)?.string == "s-1")
      let user = try #require(try only(2, in: bytes)?.bytes)
      #expect(try only(1, in: user)?.string == "me")
      #expect(try only(4, in: bytes)?.string == "swdbt-test")
      #expect(try only(6, in: bytes)?.string == "op-1")
      #expect(try only(7, in: bytes)?.string == "t")
      // plan (3) . root (1) . sql (10) . query (1)
      let plan = try #require(try only(3, in: bytes)?.bytes)
      let root = try #require(try only(1, in: plan)?.bytes)
      let sql = try #require(try only(10, in: root)?.bytes)
      #expect(try only(1, in: sql)?.string == "SELECT 1")
      // request_options (5) . reattach_options (1) . reattachable (1) = true
      let option = try #require(try only(5, in: bytes)?.bytes)
      let reattach = try #require(try only(1, in: option)?.bytes)
      #expect(try only(1, in: reattach) == .varint(1))

      let command = ExecutePlanRequest(
        identity: identity, operationID: "op-2", plan: .command("DROP TABLE t"))
      let commandPlan = try #require(try only(3, in: command.encoded()[...])?.bytes)
      // plan.command (2) . sql_command (5) . input (6) . sql (10) . query (1)
      let input = try nested(6, in: try nested(5, in: try nested(2, in: commandPlan)))
      #expect(try only(1, in: try nested(10, in: input))?.string == "DROP TABLE t")
    }

    @Test func controlRequests() throws {
      let identity = SessionIdentity(sessionID: "s", userID: "u")
      let interrupt = InterruptRequest(identity: identity, operationID: "op").encoded()[...]
      #expect(try only(4, in: interrupt) == .varint(3))
      #expect(try only(6, in: interrupt)?.string == "op")
      let all = InterruptRequest(identity: identity, operationID: nil).encoded()[...]
      #expect(try only(4, in: all) == .varint(1))
      let reattach = ReattachExecuteRequest(
        identity: identity, operationID: "op", lastResponseID: "r9")
      #expect(try only(3, in: reattach.encoded()[...])?.string == "op")
      #expect(try only(5, in: reattach.encoded()[...])?.string == "r9")
      let release = ReleaseExecuteRequest(identity: identity, operationID: "op").encoded()[...]
      #expect(try only(5, in: release) == .lengthDelimited([]))
    }

    @Test func executePlanResponseDecodes() throws {
      var writer = ProtobufWriter()
      writer.writeString(1, "s")
      writer.writeString(12, "op")
      writer.writeString(13, "resp-1")
      writer.writeMessage(2) { batch in
        batch.writeVarintField(1, 2)
        batch.writeBytes(2, [1, 2, 3])
      }
      writer.writeMessage(4) { $0.writeString(1, "metrics are skipped") }
      let response = try ExecutePlanResponse(decoding: writer.bytes[...])
      #expect(response.operationID == "op")
      #expect(response.responseID == "resp-1")
      #expect(response.kind == .arrowBatch(rowCount: 2, data: [1, 2, 3]))

      var complete = ProtobufWriter()
      complete.writeString(13, "resp-2")
      complete.writeMessage(14) { _ in }
      #expect(try ExecutePlanResponse(decoding: complete.bytes[...]).kind == .resultComplete)
    }

    @Test func malformedMessagesAreErrors() {
      #expect(throws: ProtobufError.self) {
        try ExecutePlanResponse(decoding: [0x12, 0x05, 0x01][...])  // 5 bytes announced, 1 there
      }
      #expect(throws: ProtobufError.self) {
        try ExecutePlanResponse(decoding: [0x08, 0x80][...])  // varint cut short
      }
      #expect(throws: ProtobufError.self) {
        try ExecutePlanResponse(decoding: [0x0B][...])  // wire type 3 (group)
      }
    }

    @Test func errorDetailsAndStatusDecode() throws {
      var details = ProtobufWriter()
      details.writeVarintField(1, 1)
      details.writeMessage(2) { $0.writeString(2, "cause") }
      details.writeMessage(2) { error in
        error.writeString(1, "org.apache.spark.sql.AnalysisException")
        error.writeString(2, "[TABLE_OR_VIEW_NOT_FOUND] The table `x` cannot be found.")
        error.writeMessage(5) { throwable in
          throwable.writeString(1, "TABLE_OR_VIEW_NOT_FOUND")
          throwable.writeString(4, "42P01")
        }
      }
      let response = try ErrorDetailsResponse(decoding: details.bytes[...])
      #expect(response.root?.errorClass == "TABLE_OR_VIEW_NOT_FOUND")
      #expect(response.root?.sqlState == "42P01")

      var status = ProtobufWriter()
      status.writeVarintField(1, 13)
      status.writeString(2, "boom")
      status.writeMessage(3) { any in
        any.writeString(1, "type.googleapis.com/google.rpc.ErrorInfo")
        any.writeMessage(2) { info in
          info.writeString(1, "org.apache.spark.SparkException")
          info.writeMessage(3) { entry in
            entry.writeString(1, "sqlState")
            entry.writeString(2, "22012")
          }
          info.writeMessage(3) { entry in
            entry.writeString(1, "errorId")
            entry.writeString(2, "e-1")
          }
        }
      }
      #expect(decodeStatusErrorInfo(status.bytes[...]) == ["sqlState": "22012", "errorId": "e-1"])
    }
  }
#endif
