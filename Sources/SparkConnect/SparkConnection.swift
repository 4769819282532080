#if Spark
  public import Adapter
  import Dispatch
  import Foundation
  import Synchronization

  /// A Spark Connect session behind swdbt's blocking DatabaseConnection.
  ///
  /// The gRPC client is asynchronous; each call here runs it in a task and blocks the calling
  /// thread (the scheduler's own thread for this connection, never the cooperative pool) until
  /// it finishes. Rows come back as PostgreSQL-style text (see ArrowColumn).
  public final class SparkConnection: DatabaseConnection {
    private let client: SparkConnectClient
    private let running = OperationSlot()
    private var closed = false
    /// The server's Spark version (`4.3.0`).
    public let serverVersion: String
    /// The target's catalog, when one was asked for.
    public let databaseName: String?

    /// Opens a session: checks the server answers (its version) and enters the target's catalog.
    public init(target: SparkTarget) throws(DatabaseError) {
      let identity = SessionIdentity(sessionID: UUID().uuidString.lowercased(), userID: target.user)
      let client = try SparkConnectClient(target: target, identity: identity)
      self.client = client
      self.databaseName = target.catalog
      do {
        serverVersion = try Blocking.run { () async throws(DatabaseError) in
          try await client.sparkVersion()
        }
      } catch {
        Blocking.finish { await client.close() }
        throw DatabaseError(
          error.kind,
          "cannot open a Spark Connect session at \(target.host):\(target.port): \(error.message)",
          sqlState: error.sqlState)
      }
      if let catalog = target.catalog {
        do {
          _ = try execute("USE CATALOG \(SparkSQL.quoteIdentifier(catalog))")
        } catch {
          close()
          throw error
        }
      }
    }

    deinit {
      if !closed {
        let client = client
        Task { await client.close() }
      }
    }

    /// Runs the statements of `sql` one after another (Spark takes one per request) and returns
    /// the last one's rows. The command tag is `SELECT n` for a result with columns, else `OK`:
    /// Spark does not say how many rows a command changed.
    public func execute(_ sql: String) throws(DatabaseError) -> QueryResult {
      guard !closed else { throw DatabaseError(.connection, "the Spark connection is closed") }
      var last = QueryResult(commandTag: "OK")
      for statement in SparkSQL.statements(sql) {
        last = try executeOne(statement)
      }
      return last
    }

    private func executeOne(_ sql: String) throws(DatabaseError) -> QueryResult {
      let operationID = UUID().uuidString.lowercased()
      let client = client
      running.set(operationID)
      defer { running.set(nil) }
      let rows = try Blocking.run { () async throws(DatabaseError) in
        try await client.execute(.query(sql), operationID: operationID)
      }
      var result = QueryResult(
        columns: rows.fields.map(\.name), rows: rows.rows,
        commandTag: rows.fields.isEmpty ? "OK" : "SELECT \(rows.rows.count)")
      result.columnTypes = rows.fields.map { SparkSQL.postgresTypeOID($0.type) }
      return result
    }

    /// Spark has no COPY; seeds on Spark load with INSERT statements or Arrow batches instead.
    public func copyIn(
      _ sql: String,
      produce: (_ send: (UnsafeRawBufferPointer) throws(DatabaseError) -> Void)
        throws(DatabaseError)
        -> Void
    ) throws(DatabaseError) -> Int {
      throw DatabaseError(
        .statement, "COPY ... FROM STDIN is unsupported on Spark",
        hint: "load rows with INSERT INTO ... VALUES on Spark")
    }

    /// Interrupts the statement running now (Spark Connect's Interrupt for its operation id).
    public func makeCanceller() -> any StatementCanceller {
      SparkCanceller(client: client, running: running)
    }

    /// Releases the session on the server and closes the connection; later calls fail.
    public func close() {
      guard !closed else { return }
      closed = true
      let client = client
      Blocking.finish { await client.close() }
    }
  }

  /// The operation a connection runs now, shared with its canceller.
  final class OperationSlot: Sendable {
    private let operationID = Mutex<String?>(nil)

    func set(_ value: String?) { operationID.withLock { $0 = value } }
    var current: String? { operationID.withLock { $0 } }
  }

  /// Cancels a SparkConnection's running statement from another thread.
  struct SparkCanceller: StatementCanceller {
    let client: SparkConnectClient
    let running: OperationSlot

    func cancel() {
      guard let operationID = running.current else { return }
      let client = client
      Blocking.finish { await client.interrupt(operationID: operationID) }
    }
  }

  /// Where a task leaves its result for the thread waiting on it.
  final class OutcomeBox<T: Sendable>: Sendable {
    let value = Mutex<Result<T, DatabaseError>?>(nil)
  }

  /// Runs async work to completion from a blocking (non-cooperative) thread.
  enum Blocking {
    static func run<T: Sendable>(
      _ body: @escaping @Sendable () async throws(DatabaseError) -> T
    ) throws(DatabaseError) -> T {
      let outcome = OutcomeBox<T>()
      let done = DispatchSemaphore(value: 0)
      Task {
        let result: Result<T, DatabaseError>
        do throws(DatabaseError) {
          result = .success(try await body())
        } catch {
          result = .failure(error)
        }
        outcome.value.withLock { $0 = result }
        done.signal()
      }
      done.wait()
      switch outcome.value.withLock({ $0 }) {
      case .success(let value): return value
      case .failure(let error): throw error
      case nil: throw DatabaseError(.connection, "the Spark call ended without a result")
      }
    }

    static func finish(_ body: @escaping @Sendable () async -> Void) {
      let done = DispatchSemaphore(value: 0)
      Task {
        await body()
        done.signal()
      }
      done.wait()
    }
  }
#endif
