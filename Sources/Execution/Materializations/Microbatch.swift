import Adapter
import Compiler
public import Diagnostics
import Foundation
public import Project
import Template

/// The window microbatch models run over: `--event-time-start` / `--event-time-end`, and the
/// time the last batch ends otherwise (the invocation's start, as in dbt).
public struct EventTimeWindow: Sendable {
  /// `--event-time-start`, if given.
  public var start: BatchTime?
  /// `--event-time-end`, if given.
  public var end: BatchTime?
  /// Now, for the default end.
  public var now: BatchTime

  /// Creates a window; `now` defaults to the current time.
  public init(start: BatchTime? = nil, end: BatchTime? = nil, now: BatchTime? = nil) {
    self.start = start
    self.end = end
    self.now = now ?? BatchTime(seconds: Int(Date().timeIntervalSince1970))
  }
}

/// The batches of a microbatch model, as dbt's `MicrobatchBuilder` cuts them.
public enum MicrobatchBatches {
  /// `[start, end)` ranges, oldest first: from `--event-time-start` (truncated), else `begin`
  /// on a first run or full refresh, else `lookback` batches before the end's batch; to
  /// `--event-time-end` or now, moved up to a batch boundary. Fails naming a missing config.
  public static func batches(
    config: NodeConfig, model: String, isIncremental: Bool, window: EventTimeWindow
  ) -> Result<[(start: BatchTime, end: BatchTime)], Diagnostic> {
    guard let sizeText = config["batch_size"]?.stringValue,
      let size = BatchTime.Size(rawValue: sizeText)
    else {
      return .failure(
        .error(
          "run.microbatch-config", "microbatch model `\(model)` has no `batch_size`",
          hint: "set `batch_size` to `hour`, `day`, `month` or `year`"))
    }
    let end = (window.end ?? window.now).ceiling(to: size)
    let start: BatchTime
    if let given = window.start {
      start = given.truncated(to: size)
    } else if !isIncremental {
      guard let text = config["begin"]?.stringValue, let begin = BatchTime(parsing: text) else {
        return .failure(
          .error(
            "run.microbatch-config",
            "microbatch model `\(model)` has no `begin`, which its first run starts from",
            hint: "set `begin` to the date of the oldest data, e.g. `begin: '2024-01-01'`"))
      }
      start = begin.truncated(to: size)
    } else {
      var lookback = 1
      switch config["lookback"] {
      case .integer(let count)?: lookback = count
      default: break
      }
      // An end on a boundary closes the batch before it, which the look-back counts too.
      let extra = end == end.truncated(to: size) ? 1 : 0
      start = end.offset(by: -(lookback + extra), size)
    }
    var batches: [(start: BatchTime, end: BatchTime)] = []
    var current = start
    while current < end {
      let next = current.offset(by: 1, size)
      batches.append((current, min(next, end)))
      current = next
    }
    return .success(batches)
  }
}

extension Executor {
  /// Builds a microbatch model batch by batch, each in its own transaction: the first batch
  /// of a first run (or a full refresh) creates the table, the others merge on `unique_key`
  /// (as dbt-postgres does). A failed batch is reported with its range and the others are
  /// kept; when the first batch fails, the rest are skipped, as in dbt.
  func buildMicrobatch(
    _ node: CompiledNode, relation: RelationName, on connection: any DatabaseConnection,
    worker: Int
  ) throws(Diagnostic) -> BuildOutcome {
    let located = { (message: String, hint: String) in
      Diagnostic.error(
        "run.microbatch-config", message, path: node.originalFilePath, hint: hint)
    }
    guard let batchSQL = node.batchSQL else {
      throw .error("run.no-relation", "`\(node.name)` has no batch SQL")
    }
    if node.config["event_time"]?.stringValue?.isEmpty ?? true {
      throw located(
        "microbatch model `\(node.name)` has no `event_time`",
        "set `event_time` to the column that dates each row")
    }
    if let problem = engine.microbatchProblem(of: node) {
      throw located(problem.message, problem.hint)
    }
    let existing: RelationKind?
    do throws(DatabaseError) {
      existing = try engine.kind(of: relation, on: connection)
    } catch {
      throw ErrorLocator.diagnostic(
        for: StatementFailure(
          error: error, statement: "", action: "looking up \(relation.quoted)"),
        node: node, source: nil, compiledPath: compilation.compiledPath(of: node))
    }
    let isIncremental = !options.fullRefresh && existing == .table
    let batches: [(start: BatchTime, end: BatchTime)]
    switch MicrobatchBatches.batches(
      config: node.config, model: node.name, isIncremental: isIncremental,
      window: options.eventTime)
    {
    case .success(let found): batches = found
    case .failure(let diagnostic):
      var diagnostic = diagnostic
      if diagnostic.range == nil { diagnostic.path = node.originalFilePath }
      throw diagnostic
    }
    var results = BatchResults()
    var diagnostics: [Diagnostic] = []
    var rows = 0
    var lastTag = ""
    let source = compilation.project.models.first { $0.uniqueID == node.uniqueID }?.file
    for (number, batch) in batches.enumerated() {
      if number > 0, results.successful.isEmpty {
        // dbt skips the rest when the first batch fails: they would fail alike.
        results.failed.append(batch)
        continue
      }
      var batchNode = node
      batchNode.sql = MicrobatchWindow.sql(batchSQL, start: batch.start, end: batch.end)
      // Pre-hooks run with the first batch, post-hooks with the last, as in dbt.
      var unused: Set<String> = []
      if number > 0 { unused.insert("pre_hook") }
      if number < batches.count - 1 { unused.insert("post_hook") }
      if !unused.isEmpty { batchNode.config = node.config.removing(unused) }
      let request = ModelBuild(
        node: batchNode, relation: relation, compilation: compilation,
        fullRefresh: options.fullRefresh && number == 0, hooks: hookContext.onWorker(worker),
        connection: connection)
      do {
        let outcome = try engine.build(request).outcome
        results.successful.append(batch)
        rows += outcome.rowsAffected ?? 0
        lastTag = outcome.commandTag
        diagnostics += outcome.warnings
      } catch {
        results.failed.append(batch)
        var diagnostic = ErrorLocator.diagnostic(
          for: explainingLockTimeout(error, relation: relation, on: connection),
          node: batchNode, source: source, compiledPath: compilation.compiledPath(of: node))
        diagnostic.message =
          "batch \(batch.start) to \(batch.end) of `\(node.name)` failed: " + diagnostic.message
        diagnostics.append(diagnostic)
      }
    }
    let total = batches.count
    let summary =
      results.failed.isEmpty
      ? "\(total) batch\(total == 1 ? "" : "es") into microbatch table \(relation.quoted)"
      : "\(results.successful.count) of \(total) batches into microbatch table "
        + "\(relation.quoted); failed: "
        + results.failed.map { "\($0.start) to \($0.end)" }.joined(separator: ", ")
    return BuildOutcome(
      commandTag: lastTag, rowsAffected: rows, message: summary, warnings: diagnostics,
      batches: results)
  }
}
