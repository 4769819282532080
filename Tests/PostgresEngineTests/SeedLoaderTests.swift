import Adapter
import Diagnostics
import Foundation
import Project
import Testing

@testable import Compiler
@testable import Execution
@testable import PostgresEngine

/// A connection that records statements and the bytes sent to COPY, and reports a chosen
/// number of copied rows.
final class CopyRecordingConnection: DatabaseConnection, @unchecked Sendable {
  /// Every statement run, COPY included, in order.
  var statements: [String] = []
  /// The bytes sent to COPY.
  var sent: [UInt8] = []
  /// Rows COPY reports; nil counts the lines sent, minus the header.
  let reportedRows: Int?

  /// A connection whose COPY reports `reportedRows`, or the rows it was sent.
  init(reportedRows: Int? = nil) { self.reportedRows = reportedRows }

  func execute(_ sql: String) throws(DatabaseError) -> QueryResult {
    statements.append(sql)
    return QueryResult()
  }

  func copyIn(
    _ sql: String,
    produce: (_ send: (UnsafeRawBufferPointer) throws(DatabaseError) -> Void) throws(DatabaseError)
      -> Void
  ) throws(DatabaseError) -> Int {
    statements.append(sql)
    try produce { bytes in sent.append(contentsOf: bytes) }
    let lines = sent.count { $0 == UInt8(ascii: "\n") } + (sent.last == UInt8(ascii: "\n") ? 0 : 1)
    return reportedRows ?? lines - 1
  }

  func makeCanceller() -> any StatementCanceller { SeedTestCanceller() }
  var serverVersion: String { "test" }
  func close() {}
}

@Suite struct SeedLoaderTests {
  /// Loads `content` as `seeds/<name>` through `connection`.
  func load(_ name: String, _ content: String, through connection: CopyRecordingConnection)
    throws(SeedLoader.Failure) -> BuildOutcome
  {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("swdbt-seed-\(UUID().uuidString)-\(name)").path
    FileManager.default.createFile(atPath: path, contents: Data(content.utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let node = CompiledNode(
      uniqueID: "seed.it.\(name)", resourceType: .seed, name: name,
      originalFilePath: "seeds/\(name)", fqn: ["it", name], sql: nil, relation: nil,
      config: NodeConfig(), dependsOn: [], genericTest: nil)
    return try SeedLoader(
      node: node, relation: RelationName(schema: "s", identifier: "x"), path: path,
      displayPath: "seeds/\(name)", target: .embeddedDefault(), connection: connection
    ).load()
  }

  @Test func endOfDataMarkerLinesAreSentQuoted() throws {
    let connection = CopyRecordingConnection()
    let outcome = try load("m.csv", "v\r\nfirst\r\n\\.\r\n\\.x\r\n\\.", through: connection)
    #expect(outcome.rowsAffected == 4)
    #expect(
      String(decoding: connection.sent, as: UTF8.self)
        == "v\r\nfirst\r\n\"\\.\"\r\n\\.x\r\n\"\\.\"")
  }

  @Test func aCopyThatLoadsFewerRowsThanTheFileHoldsFailsAndRollsBack() {
    let connection = CopyRecordingConnection(reportedRows: 2)
    do {
      _ = try load("few.csv", "v\na\nb\nc\n", through: connection)
      Issue.record("expected a failure")
    } catch {
      guard case .file(let diagnostic) = error else {
        Issue.record("expected a file diagnostic, got \(error)")
        return
      }
      #expect(
        diagnostic.message
          == "`COPY` loaded 2 rows but the file holds 3; the previous table is kept")
      #expect(diagnostic.path == "seeds/few.csv")
    }
    #expect(connection.statements.last == "rollback")
    #expect(!connection.statements.contains("commit"))
  }
}

/// Cancels nothing: the recording connection runs nothing to cancel.
struct SeedTestCanceller: StatementCanceller {
  func cancel() {}
}
