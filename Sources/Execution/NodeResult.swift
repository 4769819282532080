public import Diagnostics
public import Foundation
public import Project

/// How one node's run ended, in dbt's words.
public enum NodeStatus: String, Sendable, Codable {
  case success, error, skipped
  case pass, warn, fail
  /// A microbatch model some of whose batches failed.
  case partialSuccess = "partial success"
}

/// The time ranges of a microbatch model's batches, by outcome.
public struct BatchResults: Sendable, Equatable {
  /// Batches written, `[start, end)`.
  public var successful: [(start: BatchTime, end: BatchTime)] = []
  /// Batches that failed or were skipped.
  public var failed: [(start: BatchTime, end: BatchTime)] = []

  public static func == (lhs: BatchResults, rhs: BatchResults) -> Bool {
    lhs.successful.elementsEqual(rhs.successful, by: ==)
      && lhs.failed.elementsEqual(rhs.failed, by: ==)
  }
}

/// The result of one node in a run, as written to `run_results.json` and printed.
public struct NodeResult: Sendable {
  /// The node's unique id.
  public var uniqueID: String
  /// Its index in the compilation.
  public var index: Int
  /// How it ended.
  public var status: NodeStatus
  /// The command tag of the last statement (`SELECT 12`).
  public var commandTag: String
  /// Rows written, when known.
  public var rowsAffected: Int?
  /// The progress message (`created table "s"."x"`) or the error.
  public var message: String
  /// Failing rows for tests.
  public var failures: Int?
  /// Errors and warnings to print.
  public var diagnostics: [Diagnostic]
  /// Lines to print under the result (a failing test's rows and SQL path).
  public var details: [String] = []
  /// When execution started and ended (wall clock, for the artifact).
  public var startedAt: Date
  /// When it ended.
  public var completedAt: Date
  /// Seconds spent.
  public var executionTime: Double
  /// The worker that ran it (`Thread-1`).
  public var threadID: String
  /// The relation built, quoted.
  public var relationName: String?
  /// A microbatch model's batches; nil for every other node.
  public var batches: BatchResults? = nil

  /// Marks the node failed by one diagnostic, which is also its message.
  package mutating func fail(with error: Diagnostic) {
    status = .error
    diagnostics = [error]
    message = error.message
  }
}

/// Something the CLI prints as it happens.
public enum RunEvent: Sendable {
  /// A node starts; `position` numbers nodes as they start, from 1 (its result line keeps it).
  case started(index: Int, position: Int, total: Int)
  /// A node finished (or was skipped); `position` counts finished nodes from 1.
  case finished(NodeResult, position: Int, total: Int)
  /// A message about the run (waiting for the lock, dropped leftovers).
  case notice(String)
  /// A node's statement has waited a while for a lock another session holds.
  case lockWait(LockWait)
}
