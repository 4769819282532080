import ArgumentParser

/// `swdbt run`: build the selected models in PostgreSQL, in dependency order.
struct Run: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Build models (views, tables, incremental) in dependency order.")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var execution: ExecutionOptions

  func run() async throws {
    try await Invocation(
      kind: .run, project: project, selection: selection, fullRefresh: execution.fullRefresh,
      threads: execution.threads
    ).execute()
  }
}

/// `swdbt seed`: load CSV and JSON seeds with COPY.
struct Seed: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Load seeds (CSV, JSON, NDJSON) into tables with COPY.")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var execution: ExecutionOptions

  func run() async throws {
    try await Invocation(
      kind: .seed, project: project, selection: selection, fullRefresh: execution.fullRefresh,
      threads: execution.threads
    ).execute()
  }
}

/// `swdbt test`: run the selected data tests.
struct Test: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run data tests (generic tests from YAML and singular tests in tests-sql/).")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var execution: ExecutionOptions

  func run() async throws {
    try await Invocation(
      kind: .test, project: project, selection: selection, fullRefresh: execution.fullRefresh,
      threads: execution.threads
    ).execute()
  }
}

/// `swdbt build`: seeds, models and tests in DAG order; a failing test skips what depends on
/// its node.
struct Build: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Seed, run and test in dependency order; a failed test skips its descendants.")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var execution: ExecutionOptions

  func run() async throws {
    try await Invocation(
      kind: .build, project: project, selection: selection, fullRefresh: execution.fullRefresh,
      threads: execution.threads
    ).execute()
  }
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
