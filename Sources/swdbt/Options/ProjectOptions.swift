import ArgumentParser
import Foundation

/// Options every command takes: where the project is, which target, `--vars`, and how the
/// command logs. Each falls back to dbt's environment variable (`DBT_TARGET`, ...) when not
/// given on the command line.
struct ProjectOptions: ParsableArguments {
  @Option(
    name: .customLong("project-dir"),
    help: "The project directory (holding project.yml or dbt_project.yml; env DBT_PROJECT_DIR).")
  var projectDirArgument: String?

  @Option(
    name: [.customLong("target"), .customShort("t")],
    help: "The target to use (env DBT_TARGET; default: the project's `target:`, else `local`).")
  var targetArgument: String?

  @Option(name: .long, help: "Variables as YAML or JSON, overriding the project's `vars:`.")
  var vars: String?

  @Option(
    name: .customLong("profiles-dir"),
    help: "Where dbt's profiles.yml is, for projects with a `profile:` (env DBT_PROFILES_DIR).")
  var profilesDirArgument: String?

  @Option(
    name: .customLong("log-format"),
    help: "Log lines and diagnostics as text or json (env DBT_LOG_FORMAT).")
  var logFormatArgument: LogFormat?

  @Option(
    name: .customLong("target-path"),
    help:
      "Where artifacts are written, instead of the project's `target-path` (env DBT_TARGET_PATH)."
  )
  var targetPathArgument: String?

  @Option(
    name: .customLong("log-path"),
    help:
      "The folder of dbt.log, the log with debug detail (each statement); default logs (env DBT_LOG_PATH)."
  )
  var logPathArgument: String?

  @Option(
    name: .customLong("log-level-file"),
    help:
      "`none`: no dbt.log; any other level keeps it, with debug detail (env DBT_LOG_LEVEL_FILE)."
  )
  var logLevelFile: String?

  @Flag(
    name: [.customLong("quiet"), .customShort("q")], help: "Print only errors and node results.")
  var quietFlag = false

  @Flag(name: [.customLong("debug"), .customShort("d")], help: "Log each statement sent (stderr).")
  var debugFlag = false

  @Flag(
    name: .customLong("use-colors"), inversion: .prefixedNo,
    help: "Color the output (default: when printing to a terminal and NO_COLOR is unset).")
  var useColorsFlag: Bool?

  @Flag(name: .customLong("no-color"), help: "The same as --no-use-colors.")
  var noColor = false

  @Option(
    name: .long,
    help: "How much to print, as dbt's: debug (each statement), info, warn, error, none.")
  var logLevel: LogLevel?

  @Flag(name: .long, help: .hidden)
  var debugTimings = false

  /// dbt's `--log-level` values.
  enum LogLevel: String, ExpressibleByArgument {
    case debug, info, warn, error, none
  }

  private var environment: [String: String] { ProcessInfo.processInfo.environment }

  /// The project directory.
  var projectDir: String { projectDirArgument ?? environment["DBT_PROJECT_DIR"] ?? "." }
  /// The target's name, if chosen.
  var target: String? { targetArgument ?? environment["DBT_TARGET"] }
  /// Where `profiles.yml` is, if given (the loader reads `DBT_PROFILES_DIR` itself).
  var profilesDir: String? { profilesDirArgument }
  /// The log format.
  var logFormat: LogFormat {
    logFormatArgument ?? environment["DBT_LOG_FORMAT"].flatMap(LogFormat.init(rawValue:)) ?? .text
  }
  /// The artifacts' folder when overridden.
  var targetPath: String? { targetPathArgument ?? environment["DBT_TARGET_PATH"] }
  /// `--quiet` (or `DBT_QUIET`).
  /// `--log-level warn|error|none` prints what `--quiet` does: errors and node results.
  var quiet: Bool {
    quietFlag || ProjectOptions.isSet(environment["DBT_QUIET"])
      || level.map { [LogLevel.warn, LogLevel.error, LogLevel.none].contains($0) } == true
  }
  /// `--debug` (or `DBT_DEBUG`, or `--log-level debug`).
  var debug: Bool {
    debugFlag || ProjectOptions.isSet(environment["DBT_DEBUG"]) || level == .debug
  }
  /// `--log-level` (or `DBT_LOG_LEVEL`).
  private var level: LogLevel? {
    logLevel ?? environment["DBT_LOG_LEVEL"].flatMap(LogLevel.init(rawValue:))
  }
  /// Colors as asked for; nil when neither flag nor `DBT_USE_COLORS` says.
  var useColors: Bool? {
    if noColor { return false }
    if let useColorsFlag { return useColorsFlag }
    return environment["DBT_USE_COLORS"].map(ProjectOptions.isSet)
  }

  /// The log file: `logs/dbt.log` in the project directory as dbt's, or in `--log-path`
  /// (`DBT_LOG_PATH`); none with `--log-level-file none` (`DBT_LOG_LEVEL_FILE`), as dbt.
  var logFile: LogFile? {
    if (logLevelFile ?? environment["DBT_LOG_LEVEL_FILE"])?.lowercased() == "none" { return nil }
    let asked = logPathArgument ?? environment["DBT_LOG_PATH"]
    // The default folder is made in the project only: never a missing project directory.
    if asked == nil, !FileManager.default.fileExists(atPath: projectDir) { return nil }
    let directory = asked ?? "logs"
    let absolute =
      directory.hasPrefix("/")
      ? directory : URL(fileURLWithPath: projectDir).appendingPathComponent(directory).path
    return LogFile(directory: absolute)
  }

  /// dbt's truthy environment values (`1`, `true`, `yes`).
  static func isSet(_ value: String?) -> Bool {
    guard let value = value?.lowercased() else { return false }
    return ["1", "true", "yes", "y", "on"].contains(value)
  }
}

/// How diagnostics and log lines are printed.
enum LogFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}
