import Adapter
import ArgumentParser
import Compiler
import Diagnostics
import Dispatch
import Execution
import Foundation
import Graph
import OrderedCollections
import Project
import Runtime
import Template

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
  /// `--state`, `--defer`, `--favor-state`.
  var state = StateOptions()
  /// `--fail-fast`: after the first failure no node starts.
  var failFast = false
  /// `--warn-error` / `--warn-error-options`: which warnings are errors.
  var warnError = WarnErrorPolicy()
  /// `test --store-failures`: every test without its own `store_failures` keeps its rows.
  var storeFailures = false
  /// `build --resource-type` / `--exclude-resource-type`: which kinds of node run.
  var resourceTypes = ResourceTypeFilter()
  /// `retry`: exactly these nodes (unique ids) run, whatever the selection.
  var onlyUniqueIDs: Set<String>? = nil

  /// What `run_results.json` records of the command (dbt's `args`), so that `retry` can
  /// repeat it.
  var recordedArgs: [String: Any] {
    var args: [String: Any] = [
      "select": selection.select, "exclude": selection.exclude, "full_refresh": fullRefresh,
      "empty": empty, "fail_fast": failFast, "store_failures": storeFailures,
      "warn_error": warnError.includeAll,
      "warn_error_options": [
        "include": warnError.includeAll ? ["all"] : warnError.include.sorted(),
        "exclude": warnError.exclude.sorted(),
      ],
      "resource_types": resourceTypes.include.map(\.self),
      "exclude_resource_types": resourceTypes.exclude.map(\.self),
    ]
    if let threads { args["threads"] = threads }
    if let target = project.target { args["target"] = target }
    if let vars = project.vars { args["vars"] = vars }
    if let start = eventTimeStartText { args["event_time_start"] = start }
    if let end = eventTimeEndText { args["event_time_end"] = end }
    return args
  }
  /// The event-time window as given, for `args`.
  var eventTimeStartText: String? = nil
  var eventTimeEndText: String? = nil

  func execute() async throws {
    let clock = ContinuousClock()
    let start = clock.now
    let processorStart = ProcessorTime.used()
    let session = Session(
      options: project, which: kind.rawValue, fullRefresh: fullRefresh, empty: empty,
      threads: threads, storeFailures: storeFailures)
    let startedAt = session.invocation.runStartedAt
    let loaded = try session.load()
    let stateful = StatefulSelection(session: session, selection: selection, state: state)
    let previous = try stateful.previousState(
      targetDirectory: loaded.projectFile.targetDirectory(root: loaded.root))
    let target = loaded.target
    let adapter = try await Wiring.adapter(for: loaded, console: session.console)
    // Engine time, for `--debug-timings`: every statement and every connection opened.
    let databaseTime = DatabaseTime()
    let control = TargetSession(
      connection: TimedConnection(
        try databaseTime.timing { () throws in
          try Wiring.connect(adapter, console: session.console)
        }, time: databaseTime),
      engine: try Wiring.engine(for: loaded, console: session.console))
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
    let (stateCompilation, stateSelected) = try stateful.compile(
      loaded, previous: previous, existingRelations: existing, fullRefresh: fullRefresh,
      empty: empty)
    var compilation = stateCompilation
    try stopOnWarnings(session.sink.diagnostics, console: console)
    if storeFailures { compilation = Invocation.storingFailures(compilation) }
    defer { ExitWithoutTeardown.keep(compilation) }
    let invocationID = session.invocation.invocationID
    let hooks = HookContext(
      compilation: compilation, invocation: session.invocation, engine: control.engine)
    // dbt writes the manifest after parsing, whatever the run does next.
    let manifest = ManifestArtifact(compilation, invocationID: invocationID, generatedAt: startedAt)
    defer { manifest.finish(reportingTo: console) }

    let selected: Set<Int>
    if let onlyUniqueIDs {
      selected = Set(
        compilation.nodes.indices.filter { onlyUniqueIDs.contains(compilation.nodes[$0].uniqueID) })
    } else {
      selected = stateSelected
    }
    if !selection.select.isEmpty, selected.isEmpty {
      let nothing = Diagnostic.selectorMatchedNothing(
        selection.select.joined(separator: " "),
        candidates: SelectionHint.candidates(
          for: selection.select.joined(separator: " "), in: compilation))
      console.report([nothing])
      try stopOnWarnings([nothing], console: console)
    }
    let indices = Executor.runnable(compilation, selected: selected).filter { index in
      let type = compilation.nodes[index].resourceType
      return kind.includes(type) && resourceTypes.includes(type)
    }
    _ = ArtifactWriter.writeCompiledSQL(compilation, nodes: indices, sink: session.sink)
    // Rendered before anything runs: a comment that cannot be used stops the command here.
    let queryComments: QueryComments
    do throws(Diagnostic) {
      queryComments = try QueryComments(
        compilation, indices: indices, invocation: session.invocation, engine: control.engine)
    } catch {
      console.report([error])
      throw ExitCode(1)
    }

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
    var connections: [any DatabaseConnection] = []
    for _ in 0..<threadCount where !indices.isEmpty {
      let connection = try databaseTime.timing { () throws in
        try Wiring.connect(adapter, console: console)
      }
      connections.append(TimedConnection(connection, time: databaseTime))
    }
    defer { for connection in connections { connection.close() } }

    console.progress(
      "Running \(indices.count) \(kind.noun)\(indices.count == 1 ? "" : "s") "
        + "on target `\(target.name)` with \(threadCount) thread\(threadCount == 1 ? "" : "s")",
      event: "ConcurrencyLine")
    var printer = ProgressPrinter(console: console, compilation: compilation)
    let earlierTimings = indices.isEmpty ? [:] : NodeTimingsFile.read(compilation)
    // The status line: on a terminal, and as plain lines elsewhere, for text output.
    if console.format == .text, !console.quiet, !indices.isEmpty {
      printer.status = RunStatus(
        total: indices.count, console: console,
        onTerminal: isatty(STDERR_FILENO) == 1 && console.colors,
        estimate: TimeLeftEstimate(
          earlier: earlierTimings,
          nodes: indices.map { ($0, compilation.nodes[$0].uniqueID) }, threads: threadCount))
    }
    var executorOptions = Executor.Options(
      fullRefresh: fullRefresh, projectRoot: compilation.project.root, empty: empty,
      eventTime: EventTimeWindow(
        start: eventTimeStart, end: eventTimeEnd,
        now: BatchTime(seconds: Int(startedAt.timeIntervalSince1970))),
      invocation: session.invocation)
    executorOptions.queryComments = queryComments
    executorOptions.testWarningsFail = warnError.isError("test.warn")
    if console.logsStatements {
      executorOptions.statementLog = { uniqueID, sql in console.statement(sql, uniqueID: uniqueID) }
    }
    let executor = Executor(
      compilation: compilation, options: executorOptions, engine: control.engine,
      onEvent: printer.handle)
    let plan = Executor.plan(for: indices, in: compilation)
    let scheduler = plan.scheduler
    scheduler.failFast = failFast
    let interrupt = InterruptHandler { [scheduler] in
      console.info("interrupted: cancelling running statements")
      scheduler.cancel()
    }
    // The control connection is idle during the run: the watcher asks on it.
    let watcher = LockWatcher(connection: control.connection, engine: control.engine) {
      [printer] wait in
      printer.handle(.lockWait(wait))
    }
    watcher.start()
    printer.status?.start()
    let results = executor.run(plan, connections: connections, watcher: watcher)
    printer.status?.stop()
    watcher.stop()
    interrupt.remove()

    var hookFailed = false
    if !scheduler.wasCancelled {
      do {
        try control.runHooks(
          compilation.project.projectFile.onRunEnd,
          context: hooks.withRunEnd(
            results: results.map { $0.hookValue(name: compilation.nodes[$0.index].name) },
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
      invocationID: invocationID, generatedAt: startedAt, console: console, args: recordedArgs)
    NodeTimingsFile.write(
      results, earlier: earlierTimings, compilation: compilation, console: console)
    printer.summary(results, elapsed: elapsed)
    if showSeeds { showLoadedSeeds(results, compilation: compilation, control: control) }
    session.timing("total", from: start, to: clock.now, processorStart: processorStart)
    if project.debugTimings {
      console.info(
        "timing: database (connecting and inside database calls, summed): "
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
    let console = Console(options: project)
    for result in results.sorted(by: { $0.uniqueID < $1.uniqueID }) where result.status == .success
    {
      guard compilation.nodes[result.index].resourceType == .seed,
        let relation = result.relationName
      else { continue }
      do {
        console.out(
          try SeedPreview.text(
            of: relation, engine: control.engine, connection: control.connection))
      } catch {
        console.report([.warning("seed.show", "cannot show \(relation): \(error.message)")])
      }
    }
  }

  /// With `--warn-error`: warnings the policy makes errors stop the command (exit 1).
  private func stopOnWarnings(_ diagnostics: [Diagnostic], console: Console) throws {
    guard warnError.isActive else { return }
    let errors = diagnostics.filter { $0.severity == .warning && warnError.isError($0.code) }
    guard !errors.isEmpty else { return }
    let codes = Set(errors.map(\.code)).sorted().joined(separator: ", ")
    console.report([
      .error(
        "flags.warn-error",
        "\(errors.count) warning\(errors.count == 1 ? " is an error" : "s are errors") "
          + "with --warn-error (\(codes))",
        hint: "fix the warnings above, or leave them out with --warn-error-options "
          + "'{\"include\": \"all\", \"exclude\": [\"\(errors[0].code)\"]}'")
    ])
    throw ExitCode(1)
  }

  /// `--store-failures`: tests that do not say otherwise keep their failing rows.
  static func storingFailures(_ compilation: consuming Compilation) -> Compilation {
    var configs: [Int: NodeConfig] = [:]
    for index in compilation.nodes.indices
    where compilation.nodes[index].resourceType == .test
      && compilation.nodes[index].config["store_failures"] == nil
    {
      configs[index] = compilation.nodes[index].config.merged(
        with:
          NodeConfig(["store_failures": .bool(true)]))
    }
    return compilation.withSQL([:], configs: configs)
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
