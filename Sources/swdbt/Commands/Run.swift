import ArgumentParser
import Project

/// `swdbt run`: build the selected models in PostgreSQL, in dependency order.
struct Run: ExecutingCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Build models (views, tables, incremental) in dependency order.")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var execution: ExecutionOptions
  @OptionGroup var state: StateOptions
  @OptionGroup var runFlags: RunFlags
  @OptionGroup var emptyOption: EmptyOption
  @OptionGroup var eventTime: EventTimeOptions

  static let kind = Invocation.Kind.run

  var empty: Bool { emptyOption.empty }
  var batchWindow: EventTimeOptions? { eventTime }
}

/// `swdbt seed`: load CSV and JSON seeds with COPY.
struct Seed: ExecutingCommand {
  static let configuration = CommandConfiguration(
    commandName: "seed",
    abstract: "Load seeds (CSV, JSON, NDJSON) into tables with COPY.")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var execution: ExecutionOptions
  @OptionGroup var state: StateOptions
  @OptionGroup var runFlags: RunFlags
  @OptionGroup var emptyOption: EmptyOption

  @Flag(name: .long, help: "Print the first rows of each seed loaded.")
  var show = false

  static let kind = Invocation.Kind.seed

  var empty: Bool { emptyOption.empty }
  var showSeeds: Bool { show }
}

/// `swdbt snapshot`: record the changes of the selected snapshots' queries as history rows.
struct Snapshot: ExecutingCommand {
  static let configuration = CommandConfiguration(
    commandName: "snapshot",
    abstract: "Run snapshots: keep each row's history (type-2 slowly changing dimensions).")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var execution: ExecutionOptions
  @OptionGroup var state: StateOptions
  @OptionGroup var runFlags: RunFlags

  static let kind = Invocation.Kind.snapshot
}

/// `swdbt test`: run the selected data tests.
struct Test: ExecutingCommand {
  static let configuration = CommandConfiguration(
    commandName: "test",
    abstract: "Run data tests (generic tests from YAML and singular tests under test-paths).")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var execution: ExecutionOptions
  @OptionGroup var state: StateOptions
  @OptionGroup var runFlags: RunFlags

  @Flag(
    name: .long,
    help: "Keep each test's failing rows in a table (tests that set `store_failures` keep theirs).")
  var storeFailures = false

  static let kind = Invocation.Kind.test

  var storingFailures: Bool { storeFailures }
}

/// `swdbt build`: seeds, models and tests in DAG order; a failing test skips what depends on
/// its node.
struct Build: ExecutingCommand {
  static let configuration = CommandConfiguration(
    commandName: "build",
    abstract: "Seed, run and test in dependency order; a failed test skips its descendants.")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var execution: ExecutionOptions
  @OptionGroup var state: StateOptions
  @OptionGroup var runFlags: RunFlags
  @OptionGroup var emptyOption: EmptyOption
  @OptionGroup var eventTime: EventTimeOptions

  @Flag(
    name: .long,
    help: "Keep each test's failing rows in a table (tests that set `store_failures` keep theirs).")
  var storeFailures = false

  @Option(
    name: .long,
    help: "Only nodes of this type (repeatable): model, seed, snapshot, test, all, default.")
  var resourceType: [BuildResourceType] = []

  @Option(name: .long, help: "Leave out nodes of this type (repeatable).")
  var excludeResourceType: [BuildResourceType] = []

  static let kind = Invocation.Kind.build

  var storingFailures: Bool { storeFailures }
  var typeFilter: ResourceTypeFilter {
    ResourceTypeFilter(
      include: resourceType.map(\.rawValue), exclude: excludeResourceType.map(\.rawValue))
  }

  var empty: Bool { emptyOption.empty }
  var batchWindow: EventTimeOptions? { eventTime }
}

/// A command that executes nodes: the four differ only in which.
protocol ExecutingCommand: AsyncParsableCommand {
  static var kind: Invocation.Kind { get }
  var project: ProjectOptions { get }
  var selection: SelectionOptions { get }
  var execution: ExecutionOptions { get }
  var state: StateOptions { get }
  /// `--fail-fast`, `--warn-error`, `--warn-error-options`.
  var runFlags: RunFlags { get }
  /// `--store-failures`, on `test` and `build`.
  var storingFailures: Bool { get }
  /// `build --resource-type` / `--exclude-resource-type`.
  var typeFilter: ResourceTypeFilter { get }
  /// `--empty`, on the commands that take it.
  var empty: Bool { get }
  /// `--event-time-start` / `--event-time-end`, for the commands that build models.
  var batchWindow: EventTimeOptions? { get }
  /// `seed --show`: print the first rows of each seed loaded.
  var showSeeds: Bool { get }
}

extension ExecutingCommand {
  /// False unless the command has the `--empty` flag.
  var empty: Bool { false }
  /// None: seeds and tests have no batches.
  var batchWindow: EventTimeOptions? { nil }
  /// False unless the command is `seed --show`.
  var showSeeds: Bool { false }
  /// False unless the command takes `--store-failures`.
  var storingFailures: Bool { false }
  /// Every type the command runs.
  var typeFilter: ResourceTypeFilter { ResourceTypeFilter() }

  func run() async throws {
    var invocation = Invocation(
      kind: Self.kind, project: project, selection: selection,
      fullRefresh: execution.fullRefresh, threads: execution.threads, empty: empty,
      eventTimeStart: batchWindow?.start, eventTimeEnd: batchWindow?.end, showSeeds: showSeeds,
      state: state)
    invocation.failFast = runFlags.failFast
    invocation.warnError = try runFlags.policy()
    invocation.storeFailures = storingFailures
    invocation.resourceTypes = typeFilter
    invocation.eventTimeStartText = batchWindow?.eventTimeStart
    invocation.eventTimeEndText = batchWindow?.eventTimeEnd
    try await invocation.execute()
  }
}

/// `--empty`, as dbt's: build the DAG's shape without its data.
struct EmptyOption: ParsableArguments {
  @Flag(
    name: .long,
    help:
      "Read every ref and source as an empty subquery (seeds: no rows): the project builds with its columns and no data."
  )
  var empty = false
}

/// `--threads` and `--full-refresh`.
struct ExecutionOptions: ParsableArguments {
  @Option(name: .long, help: "How many nodes run at once (default: the target's `threads`).")
  var threads: Int?

  @Flag(name: .long, help: "Rebuild incremental models and seeds from scratch.")
  var fullRefresh = false

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
  }
}

/// `build --resource-type` values, as dbt's.
enum BuildResourceType: String, ExpressibleByArgument, CaseIterable {
  case model, seed, snapshot, test, all, `default`
}

/// Which resource types a command runs (`build --resource-type` / `--exclude-resource-type`).
struct ResourceTypeFilter: Sendable {
  var include: [String] = []
  var exclude: [String] = []

  /// Whether nodes of a type run: not excluded, and included when a list is given.
  func includes(_ type: ResourceType) -> Bool {
    if exclude.contains(type.rawValue) { return false }
    return include.isEmpty || include.contains("all") || include.contains("default")
      || include.contains(type.rawValue)
  }
}
