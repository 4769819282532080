import ArgumentParser

/// `swdbt run`: build the selected models in PostgreSQL, in dependency order.
struct Run: ExecutingCommand {
  static let configuration = CommandConfiguration(
    abstract: "Build models (views, tables, incremental) in dependency order.")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var execution: ExecutionOptions
  @OptionGroup var emptyOption: EmptyOption
  @OptionGroup var eventTime: EventTimeOptions

  static let kind = Invocation.Kind.run

  var empty: Bool { emptyOption.empty }
  var batchWindow: EventTimeOptions? { eventTime }
}

/// `swdbt seed`: load CSV and JSON seeds with COPY.
struct Seed: ExecutingCommand {
  static let configuration = CommandConfiguration(
    abstract: "Load seeds (CSV, JSON, NDJSON) into tables with COPY.")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var execution: ExecutionOptions
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
    abstract: "Run snapshots: keep each row's history (type-2 slowly changing dimensions).")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var execution: ExecutionOptions

  static let kind = Invocation.Kind.snapshot
}

/// `swdbt test`: run the selected data tests.
struct Test: ExecutingCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run data tests (generic tests from YAML and singular tests under test-paths).")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var execution: ExecutionOptions

  static let kind = Invocation.Kind.test
}

/// `swdbt build`: seeds, models and tests in DAG order; a failing test skips what depends on
/// its node.
struct Build: ExecutingCommand {
  static let configuration = CommandConfiguration(
    abstract: "Seed, run and test in dependency order; a failed test skips its descendants.")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var execution: ExecutionOptions
  @OptionGroup var emptyOption: EmptyOption
  @OptionGroup var eventTime: EventTimeOptions

  static let kind = Invocation.Kind.build

  var empty: Bool { emptyOption.empty }
  var batchWindow: EventTimeOptions? { eventTime }
}

/// A command that executes nodes: the four differ only in which.
protocol ExecutingCommand: AsyncParsableCommand {
  static var kind: Invocation.Kind { get }
  var project: ProjectOptions { get }
  var selection: SelectionOptions { get }
  var execution: ExecutionOptions { get }
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

  func run() async throws {
    try await Invocation(
      kind: Self.kind, project: project, selection: selection,
      fullRefresh: execution.fullRefresh, threads: execution.threads, empty: empty,
      eventTimeStart: batchWindow?.start, eventTimeEnd: batchWindow?.end, showSeeds: showSeeds
    ).execute()
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
