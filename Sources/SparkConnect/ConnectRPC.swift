#if Spark
  import GRPCCore
  import GRPCNIOTransportHTTP2

  /// A request message this client encodes itself.
  protocol ConnectRequestMessage: Sendable {
    func encoded() -> [UInt8]
  }

  /// A response message this client decodes itself.
  protocol ConnectResponseMessage: Sendable {
    init(decoding bytes: ArraySlice<UInt8>) throws(ProtobufError)
  }

  extension ExecutePlanRequest: ConnectRequestMessage {}
  extension ReattachExecuteRequest: ConnectRequestMessage {}
  extension ReleaseExecuteRequest: ConnectRequestMessage {}
  extension InterruptRequest: ConnectRequestMessage {}
  extension ReleaseSessionRequest: ConnectRequestMessage {}
  extension FetchErrorDetailsRequest: ConnectRequestMessage {}
  extension SparkVersionRequest: ConnectRequestMessage {}
  extension ExecutePlanResponse: ConnectResponseMessage {}

  /// A response whose content this client does not need (ReleaseExecute, Interrupt, ...).
  struct IgnoredResponse: ConnectResponseMessage {
    init(decoding bytes: ArraySlice<UInt8>) throws(ProtobufError) {}
  }

  /// AnalyzePlanResponse for a SparkVersion request.
  struct SparkVersionResponse: ConnectResponseMessage {
    var version: String
    init(decoding bytes: ArraySlice<UInt8>) throws(ProtobufError) {
      version = try decodeSparkVersion(bytes)
    }
  }

  /// FetchErrorDetailsResponse.
  struct ErrorDetailsResponse: ConnectResponseMessage {
    var rootIndex: Int?
    var errors: [SparkErrorDetail]
    init(decoding bytes: ArraySlice<UInt8>) throws(ProtobufError) {
      (rootIndex, errors) = try decodeErrorDetails(bytes)
    }

    /// The root error (the one the user caused), else the first.
    var root: SparkErrorDetail? {
      rootIndex.flatMap { errors.indices.contains($0) ? errors[$0] : nil } ?? errors.first
    }
  }

  /// gRPC serialization over the hand-written protobuf encoder: no generated code.
  struct ConnectSerializer<Message: ConnectRequestMessage>: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: Message) throws -> Bytes {
      Bytes(message.encoded())
    }
  }

  /// gRPC deserialization over the hand-written protobuf decoder.
  struct ConnectDeserializer<Message: ConnectResponseMessage>: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Message
    {
      let bytes = serializedMessageBytes.withUnsafeBytes { [UInt8]($0) }
      return try Message(decoding: bytes[...])
    }
  }

  /// The SparkConnectService methods this client calls.
  enum ConnectMethod {
    private static let service = "spark.connect.SparkConnectService"
    static let executePlan = MethodDescriptor(fullyQualifiedService: service, method: "ExecutePlan")
    static let analyzePlan = MethodDescriptor(fullyQualifiedService: service, method: "AnalyzePlan")
    static let interrupt = MethodDescriptor(fullyQualifiedService: service, method: "Interrupt")
    static let reattachExecute = MethodDescriptor(
      fullyQualifiedService: service, method: "ReattachExecute")
    static let releaseExecute = MethodDescriptor(
      fullyQualifiedService: service, method: "ReleaseExecute")
    static let releaseSession = MethodDescriptor(
      fullyQualifiedService: service, method: "ReleaseSession")
    static let fetchErrorDetails = MethodDescriptor(
      fullyQualifiedService: service, method: "FetchErrorDetails")
  }
#endif
