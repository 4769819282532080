import ArgumentParser

/// `--state`, `--defer` and `--favor-state`, as dbt's: compare with (and read from) the
/// artifacts of an earlier invocation, for Slim CI.
struct StateOptions: ParsableArguments {
  @Option(
    name: .long,
    help:
      "A folder holding an earlier run's manifest.json (and run_results.json, sources.json), for state: and result: selectors and --defer."
  )
  var state: String?

  @Flag(
    name: .customLong("defer"),
    help: "Refs to nodes not selected read the --state relations when the target has none.")
  var deferToState = false

  @Flag(
    name: .long, help: "With --defer, read the --state relations even when the target has them.")
  var favorState = false

  func validate() throws {
    if state == nil, deferToState || favorState {
      throw ValidationError("--defer and --favor-state need --state DIR")
    }
  }
}
