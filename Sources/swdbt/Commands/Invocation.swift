import Adapter
import ArgumentParser
import Compiler
import Diagnostics
import Dispatch
import Execution
import Foundation
import Graph
import Project
import Runtime

/// What `swdbt seed`, `run` and `build` share: load, connect, lock, compile with the
/// relations that exist, run the selected nodes, print, write `run_results.json`.
struct Invocation {
  /// Which nodes a command executes.
  enum Kind: String {
    case seed, run, snapshot, test, build

    /// Whether this command executes nodes of a resource type.
    func includes(_ type: ResourceType) -> Bool {
      switch self {
      case .seed: type == .seed
      case .run: type == .model
      case .snapshot: type == .snapshot
      case .test: type == .test
      case .build: true
      }
    }

    /// What the nodes are called in the progress header.
    var noun: String {
      switch self {
      case .seed: "seed"
      case .run: "model"
      case .snapshot: "snapshot"
      case .test: "test"
      case .build: "node"
      }
    }
  }

  let kind: Kind
  let project: ProjectOptions
  let selection: SelectionOptions
  let fullRefresh: Bool
  let threads: Int?
  /// `--empty`: models are built from empty refs and sources, seeds without rows.
  var empty = false
  var eventTimeStart: BatchTime? = nil
  var eventTimeEnd: BatchTime? = nil
  /// `seed --show`: the first rows of each seed loaded are printed after the run.
  var showSeeds = false

  func execute() async throws {
    let clock = ContinuousClock()
    let start = clock.now
    let processorStart = ProcessorTime.used()
    let session = Session(
      options: project, which: kind.rawValue, fullRefresh: fullRefresh, empty: empty,
      threads: threads)
    let startedAt = session.invocation.runStartedAt
    let loaded = try session.load()
    let target = loaded.target
    let adapter = try await Wiring.adapter(for: loaded, console: session.console)
    let control = TargetSession(connection: try Wiring.connect(adapter, console: session.console))
    defer { control.close() }
    let console = session.console
    do {
      try control.lock(
        key: TargetSession.lockKey(database: control.databaseIdentity(), schema: target.schema),
        targetName: target.name, notice: console.info)
    } catch {
      try fail(console, "cannot take the target's lock: \(error)")
    }
    let existing: Set<String>
    do {
      existing = try control.existingRelations()
    } catch {
      try fail(console, "cannot list existing relations: \(error)")
    }
    let compilation = try session.compile(
      loaded, existingRelations: existing, fullRefresh: fullRefresh, empty: empty)
    defer { ExitWithoutTeardown.keep(compilation) }
    let invocationID = session.invocation.invocationID
    let hooks = HookContext(compilation: compilation, invocation: session.invocation)
    // dbt writes the manifest after parsing, whatever the run does next.
    let manifest = ManifestArtifact(compilation, invocationID: invocationID, generatedAt: startedAt)
    defer { manifest.finish(reportingTo: console) }

    let selected = compilation.resolve(
      select: selection.selector, exclude: selection.excluder)
    if !selection.select.isEmpty, selected.isEmpty {
      console.report([
        .selectorMatchedNothing(
          selection.select.joined(separator: " "), candidates: compilation.nodes.map(\.name))
      ])
    }
    let indices = Executor.runnable(compilation, selected: selected).filter { index in
      kind.includes(compilation.nodes[index].resourceType)
    }
    _ = ArtifactWriter.writeCompiledSQL(compilation, nodes: indices, sink: session.sink)

    let schemas = Set(indices.compactMap { compilation.nodes[$0].relation?.schema })
    do {
      try control.createSchemas(schemas)
      for name in try control.dropLeftovers(inSchemas: schemas) {
        console.info("dropped \(name), left behind by an interrupted run")
      }
      // As dbt: every command that executes nodes (`run`, `seed`, `test`, `build`).
      try control.runHooks(
        compilation.project.projectFile.onRunStart, context: hooks, what: "on-run-start")
    } catch {
      console.report([
        .error("run.target", "cannot prepare the target: \(error)", hint: error.hint)
      ])
      throw ExitCode(1)
    }

    let threadCount = max(1, min(threads ?? target.threads, max(indices.count, 1)))
    let databaseTime = DatabaseTime()
    var connections: [any DatabaseConnection] = []
    for _ in 0..<threadCount where !indices.isEmpty {
      connections.append(
        TimedConnection(try Wiring.connect(adapter, console: console), time: databaseTime))
    }
    defer { for connection in connections { connection.close() } }

    console.info(
      "Running \(indices.count) \(kind.noun)\(indices.count == 1 ? "" : "s") "
        + "on target `\(target.name)` with \(threadCount) thread\(threadCount == 1 ? "" : "s")")
    let printer = ProgressPrinter(console: console, compilation: compilation)
    let executor = Executor(
      compilation: compilation,
      options: Executor.Options(
        fullRefresh: fullRefresh, projectRoot: compilation.project.root, empty: empty,
        eventTime: EventTimeWindow(
          start: eventTimeStart, end: eventTimeEnd,
          now: BatchTime(seconds: Int(startedAt.timeIntervalSince1970))),
        invocation: session.invocation),
      onEvent: printer.handle)
    let plan = Executor.plan(for: indices, in: compilation)
    let scheduler = plan.scheduler
    let interrupt = InterruptHandler { [scheduler] in
      console.info("interrupted: cancelling running statements")
      scheduler.cancel()
    }
    // The control connection is idle during the run: the watcher asks on it.
    let watcher = LockWatcher(connection: control.connection) { wait in
      printer.handle(.lockWait(wait))
    }
    watcher.start()
    let results = executor.run(plan, connections: connections, watcher: watcher)
    watcher.stop()
    interrupt.remove()

    var hookFailed = false
    if !scheduler.wasCancelled {
      do {
        try control.runHooks(
          compilation.project.projectFile.onRunEnd,
          context: hooks.withRunEnd(
            results: results.map(\.hookValue),
            // As dbt: the relations of nodes that did not fail or get skipped.
            relations: results.compactMap { result in
              [.error, .fail, .skipped].contains(result.status)
                ? nil : compilation.nodes[result.index].relation
            }), what: "on-run-end")
      } catch {
        hookFailed = true
        console.report([.error("run.hook", "on-run-end failed: \(error)")])
      }
    }
    let elapsed = clock.now - start
    RunResultsFile.write(
      results, compilation: compilation, elapsed: elapsed, command: kind.rawValue,
      invocationID: invocationID, generatedAt: startedAt, console: console)
    printer.summary(results, elapsed: elapsed)
    if showSeeds { showLoadedSeeds(results, compilation: compilation, control: control) }
    session.timing("total", from: start, to: clock.now, processorStart: processorStart)
    if project.debugTimings {
      console.info(
        "timing: database (inside libpq calls of the workers, summed): "
          + "\(Seconds.milliseconds(databaseTime.total)) in \(databaseTime.count) calls")
    }
    if scheduler.wasCancelled { throw ExitCode(130) }
    if hookFailed
      || results.contains(where: {
        $0.status == .error || $0.status == .fail || $0.status == .partialSuccess
      })
    {
      throw ExitCode(1)
    }
  }

  /// Prints the first rows of each seed that loaded, on the idle control connection.
  private func showLoadedSeeds(
    _ results: [NodeResult], compilation: Compilation, control: TargetSession
  ) {
    let console = Console(format: project.logFormat)
    for result in results.sorted(by: { $0.uniqueID < $1.uniqueID }) where result.status == .success
    {
      guard compilation.nodes[result.index].resourceType == .seed,
        let relation = result.relationName
      else { continue }
      do {
        console.out(try SeedPreview.text(of: relation, connection: control.connection))
      } catch {
        console.report([.warning("seed.show", "cannot show \(relation): \(error.message)")])
      }
    }
  }

  private func fail(_ console: Console, _ message: String) throws -> Never {
    console.report([.error("run.target", message)])
    throw ExitCode(1)
  }
}

/// Calls a handler on Ctrl-C (SIGINT) until removed; a second Ctrl-C exits at once.
final class InterruptHandler: @unchecked Sendable {
  private let source: any DispatchSourceSignal
  private var count = 0

  init(_ handler: @escaping @Sendable () -> Void) {
    signal(SIGINT, SIG_IGN)
    source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
    source.setEventHandler { [unowned self] in
      self.count += 1
      if self.count > 1 { exit(130) }
      handler()
    }
    source.resume()
  }

  func remove() {
    source.cancel()
    signal(SIGINT, SIG_DFL)
  }
}
