public import Adapter
public import Compiler
import DataTests
import Diagnostics
import Foundation
import Graph
import Project
public import Runtime
import Synchronization

/// Runs selected nodes of a compilation against a database: seeds are loaded, models built,
/// in dependency order over a pool of connections.
public final class Executor: Sendable {
  /// What to run and how.
  public struct Options: Sendable {
    /// `--full-refresh`.
    public var fullRefresh: Bool
    /// The project's root folder (seed files are read from it).
    public var projectRoot: String
    /// `--empty`: seeds are created without rows (models get it from their compiled SQL).
    public var empty: Bool
    /// `--event-time-start` / `--event-time-end` of microbatch models, and the time their last
    /// batch ends by default (the invocation's start).
    public var eventTime = EventTimeWindow()
    /// The command's `invocation_id`, `run_started_at`, flags, for hooks.
    public var invocation = InvocationContext()
    /// The `query-comment` of each node to run; nil: statements carry none.
    public var queryComments: QueryComments? = nil
    /// `--warn-error`: a test that warns fails instead, so what depends on it is skipped.
    public var testWarningsFail = false
    /// With `--debug`: hears each statement sent for a node (unique id, SQL as sent).
    public var statementLog: (@Sendable (_ uniqueID: String, _ sql: String) -> Void)? = nil

    /// Creates options.
    public init(
      fullRefresh: Bool = false, projectRoot: String, empty: Bool = false,
      eventTime: EventTimeWindow = EventTimeWindow(),
      invocation: InvocationContext = InvocationContext()
    ) {
      self.invocation = invocation
      self.fullRefresh = fullRefresh
      self.projectRoot = projectRoot
      self.empty = empty
      self.eventTime = eventTime
    }
  }

  let compilation: Compilation
  let options: Options
  /// What the target's database answers: each materialization's, seed's and test's SQL.
  package let engine: any Engine
  /// Renders nodes that use the database again on their worker's connection; nil when none do.
  let secondPass: SecondPass?
  private let onEvent: @Sendable (RunEvent) -> Void
  /// The results so far, and the number each node got when it started (or was skipped).
  private let progress = Mutex<(results: [NodeResult], positions: [Int: Int])>(([], [:]))

  /// Creates an executor; `onEvent` is called from worker threads, one event at a time.
  package init(
    compilation: Compilation, options: Options, engine: any Engine,
    onEvent: @escaping @Sendable (RunEvent) -> Void
  ) {
    self.compilation = compilation
    self.engine = engine
    self.options = options
    self.onEvent = onEvent
    secondPass =
      compilation.needsDatabase.isEmpty && compilation.project.unitTests.isEmpty
      ? nil : SecondPass(compilation)
  }

  /// The nodes of a selection that execute: seeds, non-ephemeral models and tests, in build
  /// order.
  public static func runnable(_ compilation: Compilation, selected: Set<Int>) -> [Int] {
    compilation.order.filter { index in
      guard selected.contains(index) else { return false }
      let node = compilation.nodes[index]
      switch node.resourceType {
      case .seed, .snapshot: return true
      case .model: return node.config.materialization != .ephemeral
      case .test: return node.sql != nil || node.unitTest != nil
      default: return false
      }
    }
  }

  /// What to run: the jobs (one node each, or one batch of tests) and the scheduler over them,
  /// which the caller keeps to cancel the run.
  public struct Plan: Sendable {
    /// Compilation indices in build order.
    public let indices: [Int]
    let units: [Unit]
    /// Orders the jobs; `cancel()` stops the run.
    public let scheduler: Scheduler
  }

  /// The plan for `indices` (compilation indices in build order): an unselected parent is
  /// assumed to exist already, as in dbt, but order is kept through unselected nodes: a node
  /// waits for every selected ancestor, however far up.
  public static func plan(for indices: [Int], in compilation: Compilation) -> Plan {
    let units = Self.units(for: indices, in: compilation)
    var isJob = [Bool](repeating: false, count: compilation.graph.count)
    for index in indices { isJob[index] = true }
    let bridges = compilation.graph.nodesBetween(isJob)
    return Plan(
      indices: indices, units: units,
      scheduler: scheduler(for: units, indices: indices, bridges: bridges, in: compilation))
  }

  /// Runs a plan on the given connections and returns one result per node, in the order they
  /// finished; `watcher`, if any, hears which node each connection runs.
  public func run(
    _ plan: Plan, connections: [any DatabaseConnection], watcher: LockWatcher? = nil
  ) -> [NodeResult] {
    let units = plan.units
    let scheduler = plan.scheduler
    let total = plan.indices.count
    progress.withLock { $0 = ([], [:]) }
    let emit: @Sendable (NodeResult) -> Void = { [self] result in
      // One lock keeps the numbers and the printed order the same.
      self.progress.withLock { progress in
        progress.results.append(result)
        let position =
          progress.positions[result.index]
          ?? (progress.positions.count + 1)
        progress.positions[result.index] = position
        self.onEvent(.finished(result, position: position, total: total))
      }
    }
    let start: @Sendable ([Int]) -> Void = { [self] members in
      self.progress.withLock { progress in
        for index in members {
          let position = progress.positions.count + 1
          progress.positions[index] = position
          self.onEvent(.started(index: index, position: position, total: total))
        }
      }
    }
    scheduler.run(
      connections: connections,
      work: { [self] job, connection, worker in
        let unit = units[job]
        start(unit.members)
        watcher?.begin(worker: worker, connection: connection, index: unit.members[0])
        defer { watcher?.end(worker: worker) }
        let finished =
          if let batch = unit.batch {
            self.execute(batch, on: connection, worker: worker)
          } else {
            [self.execute(unit.members[0], on: connection, worker: worker)]
          }
        for result in finished { emit(result) }
        let failed = finished.contains {
          $0.status == .error || $0.status == .fail || $0.status == .partialSuccess
        }
        return failed ? .failed : .succeeded
      },
      skip: { [compilation] job, reason in
        let message: String =
          switch reason {
          case .ancestorFailed(let failed):
            "skipped because \(units[failed].name(in: compilation)) failed"
          case .cancelled: "skipped because the run was cancelled"
          case .failFast(let failed):
            "skipped because \(units[failed].name(in: compilation)) failed (--fail-fast)"
          }
        let now = Date()
        for index in units[job].members {
          emit(
            Executor.result(
              for: compilation, index, status: .skipped, message: message, at: now,
              thread: "main"))
        }
      })
    return progress.withLock { $0.results }
  }

  /// What one scheduler job runs: one node, or the tests of one batch.
  struct Unit: Sendable {
    var members: [Int]
    var batch: TestBatch?

    /// "`name`" for one node, "a test of `model`" for a batch.
    func name(in compilation: Compilation) -> String {
      guard members.count > 1, let model = compilation.nodes[members[0]].genericTest?.attachedTo,
        let index = compilation.graph.index(of: model)
      else { return "`\(compilation.nodes[members[0]].name)`" }
      return "a test of `\(compilation.nodes[index].name)`"
    }
  }

  /// The jobs for `indices`: every node alone, except tests that share a batch.
  static func units(for indices: [Int], in compilation: Compilation) -> [Unit] {
    // A test rendered again where it runs has no SQL to share a batch with yet.
    let batches = TestBatch.batches(
      compilation,
      tests: indices.filter {
        compilation.nodes[$0].resourceType == .test && !compilation.needsDatabase.contains($0)
      })
    var batchOf: [Int: Int] = [:]
    for (number, batch) in batches.enumerated() {
      for member in batch.members { batchOf[member] = number }
    }
    var units: [Unit] = []
    var placed: Set<Int> = []
    for index in indices {
      if let number = batchOf[index] {
        if placed.insert(number).inserted {
          units.append(Unit(members: batches[number].members, batch: batches[number]))
        }
      } else {
        units.append(Unit(members: [index], batch: nil))
      }
    }
    return units
  }

  /// A scheduler over `units`: a unit waits for the units of its members' parents. Each of
  /// `bridges` (unselected nodes between selected ones) is a pass-through job after the units,
  /// so that order reaches through it.
  private static func scheduler(
    for units: [Unit], indices: [Int], bridges: [Int], in compilation: Compilation
  ) -> Scheduler {
    var unitOfIndex: [Int: Int] = [:]
    for (number, unit) in units.enumerated() {
      for member in unit.members { unitOfIndex[member] = number }
    }
    for (offset, bridge) in bridges.enumerated() { unitOfIndex[bridge] = units.count + offset }
    let jobs = bridges.isEmpty ? indices : indices + bridges
    let parents = nodeParents(for: jobs, in: compilation)
    var unitParents = [Set<Int>](repeating: [], count: units.count + bridges.count)
    for (job, index) in jobs.enumerated() {
      guard let unit = unitOfIndex[index] else { continue }
      for parent in parents[job] {
        if let parentUnit = unitOfIndex[jobs[parent]], parentUnit != unit {
          unitParents[unit].insert(parentUnit)
        }
      }
    }
    var passThrough = [Bool](repeating: false, count: units.count)
    passThrough += [Bool](repeating: true, count: bridges.count)
    return Scheduler(parents: unitParents.map { $0.sorted() }, passThrough: passThrough)
  }

  /// For each of `indices`, the positions in `indices` it waits for.
  static func nodeParents(for indices: [Int], in compilation: Compilation) -> [[Int]] {
    var position: [Int: Int] = [:]
    for (job, index) in indices.enumerated() { position[index] = job }
    var parents = indices.map { index in
      Executor.runnableAncestors(of: index, in: compilation, position: position)
    }
    // As in `dbt build`: what depends on a node waits for the node's tests, so that a failing
    // test skips it. A child that the test itself depends on (a relationships test pointing
    // downstream) does not wait, which would be a cycle.
    var testsOf: [Int: [Int]] = [:]
    for (job, index) in indices.enumerated() {
      guard let test = compilation.nodes[index].genericTest,
        let attached = compilation.graph.index(of: test.attachedTo), let owner = position[attached]
      else { continue }
      testsOf[owner, default: []].append(job)
    }
    // A model waits for its unit tests (not its graph children: see `UnitTestNodes`).
    for (job, index) in indices.enumerated() where compilation.nodes[index].unitTest != nil {
      if let model = compilation.nodes[index].dependsOn.first,
        let modelIndex = compilation.graph.index(of: model), let owner = position[modelIndex]
      {
        parents[owner].append(job)
      }
    }
    var ancestorsOfTest: [Int: Set<Int>] = [:]
    for (job, index) in indices.enumerated()
    where !testsOf.isEmpty && compilation.nodes[index].resourceType != .test {
      for parent in parents[job] {
        for test in testsOf[parent] ?? [] {
          let ancestors =
            ancestorsOfTest[test]
            ?? {
              let found = compilation.graph.ancestors(of: indices[test])
              ancestorsOfTest[test] = found
              return found
            }()
          if !ancestors.contains(index) { parents[job].append(test) }
        }
      }
    }
    return parents.map { $0.sortedUnique() }
  }

  /// Parents that are jobs; an ephemeral parent is looked through to its own parents.
  private static func runnableAncestors(
    of index: Int, in compilation: Compilation, position: [Int: Int]
  ) -> [Int] {
    var result: Set<Int> = []
    var stack = compilation.graph.parents[index]
    var seen: Set<Int> = []
    while let parent = stack.popLast() {
      guard seen.insert(parent).inserted else { continue }
      if let job = position[parent] {
        result.insert(job)
      } else if compilation.nodes[parent].config.materialization == .ephemeral,
        compilation.nodes[parent].resourceType == .model
      {
        stack.append(contentsOf: compilation.graph.parents[parent])
      }
    }
    return result.sorted()
  }

  /// The connection a node's statements go through: with its comment and the debug log, when
  /// either is asked for.
  private func connection(_ base: any DatabaseConnection, for index: Int)
    -> any DatabaseConnection
  {
    let comment = options.queryComments?.byNode[index]
    guard comment != nil || options.statementLog != nil else { return base }
    let uniqueID = compilation.nodes[index].uniqueID
    let log = options.statementLog.map { log in { @Sendable sql in log(uniqueID, sql) } }
    return CommentingConnection(
      base, comment: comment, append: options.queryComments?.append ?? false, log: log)
  }

  private func execute(_ index: Int, on base: any DatabaseConnection, worker: Int)
    -> NodeResult
  {
    let connection = self.connection(base, for: index)
    var node = compilation.nodes[index]
    let clock = ContinuousClock()
    let start = clock.now
    var result = Executor.result(for: compilation, index, at: Date(), thread: worker)
    if let secondPass, compilation.needsDatabase.contains(index) {
      // dbt renders the node again when it runs, `execute` true: that SQL is what runs.
      do throws(Diagnostic) {
        let introspector = engine.introspector(on: connection)
        if let test = node.genericTest {
          node.sql =
            try TestCompiler.query(
              for: test, project: compilation.project, invocation: options.invocation,
              introspector: introspector
            ).sql
        } else {
          node.sql = try secondPass.render(index, on: introspector)
        }
        result.diagnostics += CompiledArtifact.write(node, in: compilation)
      } catch {
        result.fail(with: error)
        result.completedAt = Date()
        result.executionTime = Executor.seconds(clock.now - start)
        return result
      }
    }
    if let spec = node.unitTest, let secondPass {
      engine.runUnitTest(
        spec, compilation: compilation, secondPass: secondPass, on: connection, into: &result)
    } else if node.resourceType == .test {
      runTest(node, on: connection, into: &result)
    } else {
      do {
        let outcome = try build(node, on: connection, worker: worker)
        result.commandTag = outcome.commandTag
        result.rowsAffected = outcome.rowsAffected
        result.message = outcome.message
        result.diagnostics = outcome.warnings
        if let batches = outcome.batches {
          result.batches = batches
          if !batches.failed.isEmpty {
            result.status = batches.successful.isEmpty ? .error : .partialSuccess
          }
        }
      } catch {
        result.fail(with: error)
      }
    }
    result.completedAt = Date()
    result.executionTime = Executor.seconds(clock.now - start)
    return result
  }

  /// Runs a batch's one query and judges each test by its count; when the query fails, each
  /// test runs alone, so each reports its own error.
  private func execute(_ batch: TestBatch, on base: any DatabaseConnection, worker: Int)
    -> [NodeResult]
  {
    let connection = self.connection(base, for: batch.members[0])
    let clock = ContinuousClock()
    let start = clock.now
    let startedAt = Date()
    var counts: [Int] = []
    do throws(DatabaseError) {
      let row = try connection.execute(batch.sql).rows.first ?? []
      counts = row.map { $0.flatMap { Int($0) } ?? 0 }
    } catch  where error.kind == .cancelled {
      return batch.members.map { index in
        Executor.result(
          for: compilation, index, status: .error, message: error.message, at: startedAt,
          thread: worker)
      }
    } catch {}
    guard counts.count == batch.members.count else {
      return batch.members.map { execute($0, on: base, worker: worker) }
    }
    // The batch's time, shared: the query ran once for all of them.
    let share = Executor.seconds((clock.now - start) / batch.members.count)
    return zip(batch.members, counts).map { index, failures in
      var result = Executor.result(for: compilation, index, at: startedAt, thread: worker)
      let node = compilation.nodes[index]
      runTest(node, on: connection, into: &result) {
        [engine, compilation] () throws(StatementFailure) in
        try engine.judgeTest(
          node, failures: failures, target: compilation.project.target, on: connection)
      }
      result.completedAt = Date()
      result.executionTime = share
      return result
    }
  }

  /// A node's result before anything is known of it but how it ended so far.
  private static func result(
    for compilation: Compilation, _ index: Int, status: NodeStatus = .success,
    message: String = "", at date: Date, thread: String
  ) -> NodeResult {
    let node = compilation.nodes[index]
    return NodeResult(
      uniqueID: node.uniqueID, index: index, status: status, commandTag: "", rowsAffected: nil,
      message: message, failures: nil, diagnostics: [], startedAt: date, completedAt: date,
      executionTime: 0, threadID: thread,
      relationName: node.relation?.rendered(
        in: RelationDialect(adapterType: compilation.project.target.type)))
  }

  /// The same, on worker `worker` (threads are named as dbt names them).
  private static func result(
    for compilation: Compilation, _ index: Int, status: NodeStatus = .success,
    message: String = "", at date: Date, thread worker: Int
  ) -> NodeResult {
    result(
      for: compilation, index, status: status, message: message, at: date,
      thread: "Thread-\(worker + 1)")
  }

  static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
  }

  private func runTest(
    _ node: CompiledNode, on connection: any DatabaseConnection, into result: inout NodeResult,
    outcome judge: (() throws(StatementFailure) -> TestOutcome)? = nil
  ) {
    let compiledPath = compilation.compiledPath(of: node)
    do throws(StatementFailure) {
      let outcome =
        if let judge {
          try judge()
        } else {
          try engine.runTest(node, target: compilation.project.target, on: connection)
        }
      result.status =
        outcome.status == .warn && options.testWarningsFail ? .fail : outcome.status
      result.failures = outcome.failures
      result.commandTag = ""
      result.message =
        outcome.status == .pass
        ? "passed"
        : "\(outcome.failures) failing row\(outcome.failures == 1 ? "" : "s")"
      if let sample = outcome.sample { result.details.append(sample) }
      if let stored = outcome.storedIn {
        result.relationName = stored
        result.details.append("  failing rows stored in \(stored)")
      }
      if outcome.status != .pass { result.details.append("  compiled SQL: \(compiledPath)") }
    } catch {
      result.status = .error
      let source = compilation.project.singularTests.first { $0.uniqueID == node.uniqueID }?.file
      let diagnostic = ErrorLocator.diagnostic(
        for: error, node: node, source: source, compiledPath: compiledPath)
      result.diagnostics = [diagnostic]
      result.message = diagnostic.message
    }
  }

  /// What hooks see; built per node from shared references.
  var hookContext: HookContext {
    HookContext(compilation: compilation, invocation: options.invocation, engine: engine)
  }

  private func build(_ node: CompiledNode, on connection: any DatabaseConnection, worker: Int)
    throws(Diagnostic) -> BuildOutcome
  {
    guard let relation = node.relation else {
      throw .error("run.no-relation", "`\(node.name)` has no relation to build")
    }
    let compiledPath = compilation.compiledPath(of: node)
    switch node.resourceType {
    case .seed:
      let load = SeedLoad(
        node: node, relation: relation, path: options.projectRoot + "/" + node.originalFilePath,
        displayPath: node.originalFilePath, target: compilation.project.target,
        empty: options.empty, hooks: hookContext.onWorker(worker), connection: connection)
      do throws(SeedLoadFailure) {
        return try engine.loadSeed(load)
      } catch {
        switch error {
        case .file(let diagnostic): throw diagnostic
        case .statement(let failure):
          throw ErrorLocator.diagnostic(
            for: explainingLockTimeout(failure, relation: relation, on: connection),
            node: node, source: nil, compiledPath: node.originalFilePath)
        }
      }
    default:
      if MicrobatchWindow.isMicrobatch(node.config) {
        return try buildMicrobatch(node, relation: relation, on: connection, worker: worker)
      }
      let request = ModelBuild(
        node: node, relation: relation, compilation: compilation,
        fullRefresh: options.fullRefresh, hooks: hookContext.onWorker(worker),
        connection: connection)
      do {
        let built = try engine.build(request)
        var outcome = built.outcome
        if let statement = built.statement {
          outcome.warnings += RunArtifact.write(statement, of: node, in: compilation)
        }
        return outcome
      } catch {
        if let diagnostic = error.diagnostic { throw diagnostic }
        let source = compilation.project.models.first { $0.uniqueID == node.uniqueID }?.file
        throw ErrorLocator.diagnostic(
          for: explainingLockTimeout(error, relation: relation, on: connection),
          node: node, source: source, compiledPath: compiledPath)
      }
    }
  }

  /// A lock timeout names the session that holds the node's relation (asked only then, since
  /// the server's message names neither); the transaction was rolled back, so the old
  /// relation is kept.
  func explainingLockTimeout(
    _ failure: StatementFailure, relation: RelationName, on connection: any DatabaseConnection
  ) -> StatementFailure {
    guard engine.isLockTimeout(failure.error), failure.summary == nil else { return failure }
    var explained = failure
    let holder = engine.lockHolder(of: relation.quoted, on: connection)
    explained.summary =
      "lock timeout: \(relation.quoted) is locked by "
      + (holder?.holder ?? "another session") + "; the old relation is kept"
    return explained
  }
}
