#if Spark
  import Adapter
  import GRPCCore
  import GRPCNIOTransportHTTP2

  /// One Spark Connect session over one HTTP/2 connection (gRPC), used through async calls.
  ///
  /// Statements run reattachable: when the response stream breaks (or the server ends it early,
  /// as it does for long results) the client reattaches after the last response it read, and
  /// releases the operation once its results are complete.
  final class SparkConnectClient: Sendable {
    let identity: SessionIdentity
    private let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    private let connections: Task<Void, Never>
    private let metadata: Metadata
    /// How many broken streams in a row (none delivering a response) fail the statement.
    private let maxBrokenStreams = 5

    init(target: SparkTarget, identity: SessionIdentity) throws(DatabaseError) {
      self.identity = identity
      var metadata = Metadata()
      if let token = target.token, !token.isEmpty {
        metadata.addString("Bearer \(token)", forKey: "authorization")
      }
      self.metadata = metadata
      let transport: HTTP2ClientTransport.Posix
      do {
        transport = try HTTP2ClientTransport.Posix(
          target: .dns(host: target.host, port: target.port),
          transportSecurity: target.useSSL ? .tls : .plaintext
        )
      } catch {
        throw DatabaseError(
          .connection, "cannot reach Spark at \(target.host):\(target.port): \(error)")
      }
      let grpc = GRPCClient(transport: transport)
      self.grpc = grpc
      self.connections = Task { try? await grpc.runConnections() }
    }

    private var callOptions: CallOptions {
      var options = CallOptions.defaults
      options.waitForReady = false
      // Spark's Arrow batches are up to 4 MiB by default (spark.connect.grpc.arrow.maxBatchSize);
      // leave room for larger server settings.
      options.maxResponseMessageBytes = 256 << 20
      return options
    }

    private func unary<Request: ConnectRequestMessage, Response: ConnectResponseMessage>(
      _ request: Request, _ method: MethodDescriptor, timeout: Duration = .seconds(60)
    ) async throws -> Response {
      var options = callOptions
      options.timeout = timeout
      return try await grpc.unary(
        request: ClientRequest(message: request, metadata: metadata), descriptor: method,
        serializer: ConnectSerializer<Request>(), deserializer: ConnectDeserializer<Response>(),
        options: options
      ) { try $0.message }
    }

    /// The server's Spark version (AnalyzePlan spark_version).
    func sparkVersion() async throws(DatabaseError) -> String {
      do {
        let response: SparkVersionResponse = try await unary(
          SparkVersionRequest(identity: identity), ConnectMethod.analyzePlan)
        return response.version
      } catch {
        throw await databaseError(error)
      }
    }

    /// Runs one SQL statement and reads all its rows.
    func execute(_ plan: SQLPlan, operationID: String) async throws(DatabaseError) -> ArrowTextRows
    {
      try await run(plan, operationID: operationID, progress: OperationProgress()).rows
    }

    /// Runs one SQL statement and keeps the raw Arrow streams too (for tests).
    func executeCapturing(
      _ plan: SQLPlan, operationID: String
    ) async throws(DatabaseError) -> OperationProgress {
      var progress = OperationProgress()
      progress.capturedBatches = []
      return try await run(plan, operationID: operationID, progress: progress)
    }

    private func run(
      _ plan: SQLPlan, operationID: String, progress start: OperationProgress
    ) async throws(DatabaseError) -> OperationProgress {
      do {
        let progress = try await readAll(plan, operationID: operationID, progress: start)
        await release(operationID: operationID)
        return progress
      } catch {
        // A failed or interrupted operation is released too, so the server forgets it.
        await release(operationID: operationID)
        throw error
      }
    }

    /// ExecutePlan, then ReattachExecute after the last response read for as long as the
    /// stream ends before ResultComplete (the server ends long streams on purpose, every two
    /// minutes by default) or breaks (a few times in a row at most, with a pause).
    private func readAll(
      _ plan: SQLPlan, operationID: String, progress start: OperationProgress
    ) async throws(DatabaseError) -> OperationProgress {
      var progress = start
      var brokenInARow = 0
      var started = false
      while !progress.complete {
        let outcome: (OperationProgress, (any Error)?)
        if !started {
          started = true
          let request = ExecutePlanRequest(identity: identity, operationID: operationID, plan: plan)
          outcome = await stream(request, ConnectMethod.executePlan, progress)
        } else {
          progress.reattaches += 1
          let request = ReattachExecuteRequest(
            identity: identity, operationID: operationID, lastResponseID: progress.lastResponseID)
          outcome = await stream(request, ConnectMethod.reattachExecute, progress)
        }
        let advanced = outcome.0.lastResponseID != progress.lastResponseID
        progress = outcome.0
        guard let error = outcome.1 else {
          brokenInARow = 0
          continue
        }
        // A broken stream of a started operation is reattached; anything else is the answer.
        brokenInARow = advanced ? 1 : brokenInARow + 1
        guard let rpc = error as? RPCError, rpc.code == .unavailable,
          progress.lastResponseID != nil, brokenInARow <= maxBrokenStreams
        else {
          throw await databaseError(error)
        }
        try? await Task.sleep(for: .milliseconds(200 * brokenInARow))
      }
      return progress
    }

    /// Reads one response stream into `progress`; returns what it reached and the error, if any.
    private func stream<Request: ConnectRequestMessage>(
      _ request: Request, _ method: MethodDescriptor, _ start: OperationProgress
    ) async -> (OperationProgress, (any Error)?) {
      do {
        return try await grpc.serverStreaming(
          request: ClientRequest(message: request, metadata: metadata), descriptor: method,
          serializer: ConnectSerializer<Request>(),
          deserializer: ConnectDeserializer<ExecutePlanResponse>(), options: callOptions
        ) { response in
          var progress = start
          do {
            for try await message in response.messages {
              try progress.take(message)
            }
            return (progress, nil)
          } catch {
            return (progress, error)
          }
        }
      } catch {
        return (start, error)
      }
    }

    /// Lets the server drop the operation's buffered responses; a failure here is harmless.
    private func release(operationID: String) async {
      let request = ReleaseExecuteRequest(identity: identity, operationID: operationID)
      let _: IgnoredResponse? = try? await unary(request, ConnectMethod.releaseExecute)
    }

    /// Interrupts one operation, or all of the session's.
    func interrupt(operationID: String?) async {
      let request = InterruptRequest(identity: identity, operationID: operationID)
      let _: IgnoredResponse? = try? await unary(
        request, ConnectMethod.interrupt, timeout: .seconds(10))
    }

    /// Ends the session on the server, then closes the connection.
    func close() async {
      let request = ReleaseSessionRequest(identity: identity)
      let _: IgnoredResponse? = try? await unary(
        request, ConnectMethod.releaseSession, timeout: .seconds(10))
      grpc.beginGracefulShutdown()
      await connections.value
    }

    /// A failed call as a DatabaseError: Spark's `[ERROR_CLASS] message` and SQLSTATE, from the
    /// full error details when the server kept them, else from the gRPC status.
    private func databaseError(_ error: any Error) async -> DatabaseError {
      if let error = error as? DatabaseError { return error }
      if let error = error as? ArrowFormatError {
        return DatabaseError(.statement, "cannot read Spark's result: \(error)")
      }
      guard let rpc = error as? RPCError else {
        return DatabaseError(.connection, "Spark Connect: \(error)")
      }
      var info: [String: String] = [:]
      for case .binary(let details) in rpc.metadata["grpc-status-details-bin"] {
        info.merge(decodeStatusErrorInfo(details[...])) { first, _ in first }
      }
      var failure = SparkFailure(code: rpc.code, statusMessage: rpc.message, errorInfo: info)
      if let errorID = info["errorId"] {
        let request = FetchErrorDetailsRequest(identity: identity, errorID: errorID)
        let details: ErrorDetailsResponse? = try? await unary(
          request, ConnectMethod.fetchErrorDetails, timeout: .seconds(10))
        failure.detail = details?.root
      }
      return failure.databaseError
    }
  }

  /// What a statement's response streams have delivered so far.
  struct OperationProgress: Sendable {
    var rows = ArrowTextRows()
    var lastResponseID: String?
    var complete = false
    /// How often the stream was reattached.
    var reattaches = 0
    /// The Arrow streams as received, when asked for.
    var capturedBatches: [ArraySlice<UInt8>]?

    mutating func take(_ response: ExecutePlanResponse) throws(ArrowFormatError) {
      if !response.responseID.isEmpty { lastResponseID = response.responseID }
      switch response.kind {
      case .arrowBatch(_, let data):
        capturedBatches?.append(data)
        try ArrowStreamReader.read(data, into: &rows)
      case .resultComplete: complete = true
      default: break
      }
    }
  }
#endif
