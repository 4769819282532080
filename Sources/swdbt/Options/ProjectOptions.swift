import ArgumentParser

/// Options every command takes: where the project is, which target, and `--vars`.
struct ProjectOptions: ParsableArguments {
  @Option(name: .long, help: "The project directory (holding project.yml or dbt_project.yml).")
  var projectDir: String = "."

  @Option(name: .long, help: "The target to use (default: the project's `target:`, else `local`).")
  var target: String?

  @Option(name: .long, help: "Variables as YAML or JSON, overriding the project's `vars:`.")
  var vars: String?

  @Option(
    name: .long,
    help: "Where dbt's profiles.yml is, for projects with a `profile:` and no `targets:`.")
  var profilesDir: String?

  @Option(name: .long, help: "Output format of log lines and diagnostics: text or json.")
  var logFormat: LogFormat = .text

  @Flag(name: .long, help: .hidden)
  var debugTimings = false
}

/// How diagnostics and log lines are printed.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}
