#if Spark
  // The subset of Spark Connect's messages (package spark.connect) this client sends and reads.
  // Field numbers are those of Spark's protocol (base.proto, commands.proto, relations.proto).

  /// Who runs a request: the session and user every Spark Connect request carries.
  public struct SessionIdentity: Sendable, Equatable {
    /// The session, a UUID chosen by the client.
    public var sessionID: String
    /// The user (UserContext.user_id).
    public var userID: String
    /// Sent as `client_type`, for the server's logs.
    public var clientType = "swdbt"

    /// Creates an identity.
    public init(sessionID: String, userID: String) {
      self.sessionID = sessionID
      self.userID = userID
    }

    /// session_id = 1, user_context = 2 (UserContext.user_id = 1, user_name = 2).
    func writeHeader(_ writer: inout ProtobufWriter) {
      writer.writeString(1, sessionID)
      writer.writeMessage(2) { context in
        context.writeString(1, userID)
        context.writeString(2, userID)
      }
    }
  }

  /// What ExecutePlan runs: a SQL text as a relation (`plan.root.sql`) or as an eagerly
  /// evaluated command (`plan.command.sql_command`).
  public enum SQLPlan: Sendable, Equatable {
    case query(String)
    case command(String)

    /// Plan: root = 1 (Relation), command = 2 (Command).
    func write(_ writer: inout ProtobufWriter) {
      switch self {
      case .query(let sql):
        writer.writeMessage(1) { SQLPlan.writeSQLRelation(&$0, sql) }
      case .command(let sql):
        // Command.sql_command = 5; SqlCommand.input = 6 (a Relation).
        writer.writeMessage(2) { command in
          command.writeMessage(5) { sqlCommand in
            sqlCommand.writeMessage(6) { SQLPlan.writeSQLRelation(&$0, sql) }
          }
        }
      }
    }

    /// Relation.sql = 10; SQL.query = 1.
    private static func writeSQLRelation(_ writer: inout ProtobufWriter, _ sql: String) {
      writer.writeMessage(10) { $0.writeString(1, sql) }
    }
  }

  /// ExecutePlanRequest.
  public struct ExecutePlanRequest: Sendable, Equatable {
    public var identity: SessionIdentity
    public var operationID: String
    public var plan: SQLPlan
    /// Asks the server to keep the responses so a broken stream can be reattached.
    public var reattachable = true
    public var tags: [String] = []

    public init(identity: SessionIdentity, operationID: String, plan: SQLPlan) {
      self.identity = identity
      self.operationID = operationID
      self.plan = plan
    }

    public func encoded() -> [UInt8] {
      var writer = ProtobufWriter()
      identity.writeHeader(&writer)
      writer.writeMessage(3) { plan.write(&$0) }
      writer.writeString(4, identity.clientType)
      // request_options = 5: RequestOption.reattach_options = 1: ReattachOptions.reattachable = 1.
      writer.writeMessage(5) { option in
        option.writeMessage(1) { $0.writeBool(1, reattachable) }
      }
      writer.writeString(6, operationID)
      for tag in tags { writer.writeString(7, tag) }
      return writer.bytes
    }
  }

  /// ReattachExecuteRequest: continue an operation's response stream after `lastResponseID`.
  public struct ReattachExecuteRequest: Sendable, Equatable {
    public var identity: SessionIdentity
    public var operationID: String
    public var lastResponseID: String?

    public func encoded() -> [UInt8] {
      var writer = ProtobufWriter()
      identity.writeHeader(&writer)
      writer.writeString(3, operationID)
      writer.writeString(4, identity.clientType)
      if let lastResponseID { writer.writeString(5, lastResponseID) }
      return writer.bytes
    }
  }

  /// ReleaseExecuteRequest with release_all: the operation's buffered responses can go.
  public struct ReleaseExecuteRequest: Sendable, Equatable {
    public var identity: SessionIdentity
    public var operationID: String

    public func encoded() -> [UInt8] {
      var writer = ProtobufWriter()
      identity.writeHeader(&writer)
      writer.writeString(3, operationID)
      writer.writeString(4, identity.clientType)
      writer.writeMessage(5) { _ in }
      return writer.bytes
    }
  }

  /// InterruptRequest for one operation (INTERRUPT_TYPE_OPERATION_ID = 3) or all of the session's
  /// (INTERRUPT_TYPE_ALL = 1).
  public struct InterruptRequest: Sendable, Equatable {
    public var identity: SessionIdentity
    /// nil interrupts every operation of the session.
    public var operationID: String?

    public func encoded() -> [UInt8] {
      var writer = ProtobufWriter()
      identity.writeHeader(&writer)
      writer.writeString(3, identity.clientType)
      if let operationID {
        writer.writeVarintField(4, 3)
        writer.writeString(6, operationID)
      } else {
        writer.writeVarintField(4, 1)
      }
      return writer.bytes
    }
  }

  /// ReleaseSessionRequest: the server may drop the session's state.
  public struct ReleaseSessionRequest: Sendable, Equatable {
    public var identity: SessionIdentity

    public func encoded() -> [UInt8] {
      var writer = ProtobufWriter()
      identity.writeHeader(&writer)
      writer.writeString(3, identity.clientType)
      return writer.bytes
    }
  }

  /// FetchErrorDetailsRequest for the `errorId` a failed call's status carried.
  public struct FetchErrorDetailsRequest: Sendable, Equatable {
    public var identity: SessionIdentity
    public var errorID: String

    public func encoded() -> [UInt8] {
      var writer = ProtobufWriter()
      identity.writeHeader(&writer)
      writer.writeString(3, errorID)
      writer.writeString(4, identity.clientType)
      return writer.bytes
    }
  }

  /// AnalyzePlanRequest asking for the server's Spark version (analyze.spark_version = 10).
  public struct SparkVersionRequest: Sendable, Equatable {
    public var identity: SessionIdentity

    public func encoded() -> [UInt8] {
      var writer = ProtobufWriter()
      identity.writeHeader(&writer)
      writer.writeString(3, identity.clientType)
      writer.writeMessage(10) { _ in }
      return writer.bytes
    }
  }

  /// The parts of ExecutePlanResponse this client reads.
  public struct ExecutePlanResponse: Sendable, Equatable {
    /// What a response carries (its oneof response_type, as far as this client cares).
    public enum Kind: Sendable, Equatable {
      /// ArrowBatch: row_count = 1, data = 2 (an Arrow IPC stream).
      case arrowBatch(rowCount: Int64, data: ArraySlice<UInt8>)
      /// SqlCommandResult.relation = 1, kept encoded.
      case sqlCommandResult(relation: ArraySlice<UInt8>)
      /// The stream is complete (reattachable executions).
      case resultComplete
      /// Progress of a running query.
      case executionProgress
      /// A response type this client does not use (streaming, ML, ...).
      case other(field: Int)
      /// Only metrics or the schema.
      case none
    }

    public var operationID = ""
    public var responseID = ""
    public var serverSideSessionID = ""
    public var kind = Kind.none

    public init(decoding bytes: ArraySlice<UInt8>) throws(ProtobufError) {
      var reader = ProtobufReader(bytes)
      try reader.readFields { field, value throws(ProtobufError) in
        switch field {
        case 12: operationID = value.string ?? ""
        case 13: responseID = value.string ?? ""
        case 15: serverSideSessionID = value.string ?? ""
        case 2: kind = try Self.arrowBatch(value)
        case 5: kind = .sqlCommandResult(relation: Self.nestedField(1, in: value) ?? [])
        case 14: kind = .resultComplete
        case 18: kind = .executionProgress
        case 1, 4, 6, 7: break  // session_id, metrics, observed_metrics, schema
        default: kind = .other(field: field)
        }
      }
    }

    private static func arrowBatch(_ value: ProtobufValue) throws(ProtobufError) -> Kind {
      guard let bytes = value.bytes else {
        throw ProtobufError(description: "arrow_batch is not a message")
      }
      var reader = ProtobufReader(bytes)
      var rowCount: Int64 = 0
      var data: ArraySlice<UInt8> = []
      try reader.readFields { field, value throws(ProtobufError) in
        switch field {
        case 1: rowCount = Int64(bitPattern: value.integer ?? 0)
        case 2: data = value.bytes ?? []
        default: break
        }
      }
      return .arrowBatch(rowCount: rowCount, data: data)
    }

    private static func nestedField(_ number: Int, in value: ProtobufValue) -> ArraySlice<UInt8>? {
      guard let bytes = value.bytes else { return nil }
      var reader = ProtobufReader(bytes)
      while let (field, inner) = try? reader.next() {
        if field == number { return inner.bytes }
      }
      return nil
    }
  }

  /// AnalyzePlanResponse.spark_version (= 8).version (= 1).
  func decodeSparkVersion(_ bytes: ArraySlice<UInt8>) throws(ProtobufError) -> String {
    var reader = ProtobufReader(bytes)
    var version = ""
    try reader.readFields { field, value throws(ProtobufError) in
      guard field == 8, let nested = value.bytes else { return }
      var inner = ProtobufReader(nested)
      try inner.readFields { innerField, innerValue throws(ProtobufError) in
        if innerField == 1 { version = innerValue.string ?? "" }
      }
    }
    return version
  }

  /// One error of FetchErrorDetailsResponse (errors = 2), with its SparkThrowable (= 5).
  public struct SparkErrorDetail: Sendable, Equatable {
    public var typeHierarchy: [String] = []
    public var message = ""
    public var errorClass: String?
    public var sqlState: String?
    public var causeIndex: Int?
  }

  /// FetchErrorDetailsResponse: root_error_idx = 1, errors = 2.
  func decodeErrorDetails(
    _ bytes: ArraySlice<UInt8>
  ) throws(ProtobufError) -> (root: Int?, errors: [SparkErrorDetail]) {
    var reader = ProtobufReader(bytes)
    var root: Int?
    var errors: [SparkErrorDetail] = []
    try reader.readFields { field, value throws(ProtobufError) in
      switch field {
      case 1: root = value.integer.map { Int(truncatingIfNeeded: $0) }
      case 2:
        guard let nested = value.bytes else { return }
        errors.append(try decodeErrorDetail(nested))
      default: break
      }
    }
    return (root, errors)
  }

  private func decodeErrorDetail(_ bytes: ArraySlice<UInt8>) throws(ProtobufError)
    -> SparkErrorDetail
  {
    var detail = SparkErrorDetail()
    var reader = ProtobufReader(bytes)
    try reader.readFields { field, value throws(ProtobufError) in
      switch field {
      case 1: detail.typeHierarchy.append(value.string ?? "")
      case 2: detail.message = value.string ?? ""
      case 4: detail.causeIndex = value.integer.map { Int(truncatingIfNeeded: $0) }
      case 5:
        guard let throwable = value.bytes else { return }
        var inner = ProtobufReader(throwable)
        try inner.readFields { innerField, innerValue throws(ProtobufError) in
          switch innerField {
          case 1: detail.errorClass = innerValue.string
          case 4: detail.sqlState = innerValue.string
          default: break
          }
        }
      default: break
      }
    }
    return detail
  }

  /// google.rpc.Status from `grpc-status-details-bin`: its ErrorInfo details' metadata
  /// (Spark puts `errorClass`, `sqlState` and `errorId` there).
  func decodeStatusErrorInfo(_ bytes: ArraySlice<UInt8>) -> [String: String] {
    var metadata: [String: String] = [:]
    var status = ProtobufReader(bytes)
    // Status.details = 3 (Any: type_url = 1, value = 2); ErrorInfo.metadata = 3 (map entries).
    while let (field, value) = try? status.next() {
      guard field == 3, let any = value.bytes else { continue }
      var anyReader = ProtobufReader(any)
      var typeURL = ""
      var payload: ArraySlice<UInt8> = []
      while let (anyField, anyValue) = try? anyReader.next() {
        if anyField == 1 { typeURL = anyValue.string ?? "" }
        if anyField == 2 { payload = anyValue.bytes ?? [] }
      }
      guard typeURL.hasSuffix("google.rpc.ErrorInfo") else { continue }
      var info = ProtobufReader(payload)
      while let (infoField, infoValue) = try? info.next() {
        guard infoField == 3, let entry = infoValue.bytes else { continue }
        var entryReader = ProtobufReader(entry)
        var key = ""
        var text = ""
        while let (entryField, entryValue) = try? entryReader.next() {
          if entryField == 1 { key = entryValue.string ?? "" }
          if entryField == 2 { text = entryValue.string ?? "" }
        }
        metadata[key] = text
      }
    }
    return metadata
  }
#endif
