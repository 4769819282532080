import ArgumentParser
import Diagnostics
import Foundation
import OrderedCollections
import Project
import Template

/// `--fail-fast` and `--warn-error` / `--warn-error-options`, on the commands that run nodes.
struct RunFlags: ParsableArguments {
  @Flag(
    name: [.customLong("fail-fast"), .customShort("x")],
    help: "After the first failure start no other node; the rest are skipped (env DBT_FAIL_FAST).")
  var failFastFlag = false

  @Flag(
    name: .customLong("warn-error"),
    help: "Treat every warning as an error: a test that warns fails (env DBT_WARN_ERROR).")
  var warnErrorFlag = false

  @Option(
    name: .customLong("warn-error-options"),
    help: ArgumentHelp(
      "Which warnings are errors: '{\"include\": \"all\" | [names], \"exclude\": [names]}'.",
      discussion:
        "Names are dbt's event names (LogTestResult, NoNodesForSelectionCriteria) or swdbt's "
        + "diagnostic codes (project.unknown-key). env DBT_WARN_ERROR_OPTIONS."))
  var warnErrorOptions: String?

  private var environment: [String: String] { ProcessInfo.processInfo.environment }

  /// `--fail-fast`.
  var failFast: Bool { failFastFlag || ProjectOptions.isSet(environment["DBT_FAIL_FAST"]) }

  func validate() throws {
    do throws(Diagnostic) {
      _ = try policy()
    } catch {
      throw ValidationError(error.message)
    }
  }

  /// The warnings that are errors: all with `--warn-error`, else as the options say.
  func policy() throws(Diagnostic) -> WarnErrorPolicy {
    if warnErrorFlag || ProjectOptions.isSet(environment["DBT_WARN_ERROR"]) {
      return WarnErrorPolicy(includeAll: true)
    }
    guard let text = warnErrorOptions ?? environment["DBT_WARN_ERROR_OPTIONS"] else {
      return WarnErrorPolicy()
    }
    return try WarnErrorPolicy.parse(text)
  }
}

/// Which warnings stop the command as errors (dbt's `--warn-error-options`).
struct WarnErrorPolicy: Sendable, Equatable {
  var includeAll = false
  var include: Set<String> = []
  var exclude: Set<String> = []

  /// dbt's event names for swdbt's warnings that have one.
  static let eventNames = [
    "select.nothing": "NoNodesForSelectionCriteria", "test.warn": "LogTestResult",
    "project.unknown-key": "UnusedResourceConfigPath",
  ]

  /// Whether any warning can be an error.
  var isActive: Bool { includeAll || !include.isEmpty }

  /// Whether a warning (by swdbt's diagnostic code) is an error.
  func isError(_ code: String) -> Bool {
    let names = [code] + (WarnErrorPolicy.eventNames[code].map { [$0] } ?? [])
    if names.contains(where: exclude.contains) { return false }
    return includeAll || names.contains(where: include.contains)
  }

  /// `{"include": "all" | [...], "exclude": [...]}` (or dbt's newer `error` / `warn`), as
  /// YAML or JSON.
  static func parse(_ text: String) throws(Diagnostic) -> WarnErrorPolicy {
    let document = try YAMLDocument.parse(SourceFile(path: "--warn-error-options", text: text))
    guard case .dict(let entries) = document.root.map(YAMLDocument.value(of:)) ?? .none else {
      throw .error(
        "flags.warn-error-options", "`--warn-error-options` must be a mapping",
        hint:
          "for example: '{\"include\": \"all\", \"exclude\": [\"NoNodesForSelectionCriteria\"]}'"
      )
    }
    var policy = WarnErrorPolicy()
    for (key, value) in entries {
      let names: [String]
      switch value {
      case .string(let single): names = [single]
      case .list(let items): names = items.map { $0.stringValue ?? $0.rendered }
      case .none: names = []
      default:
        throw .error(
          "flags.warn-error-options", "`\(key)` in `--warn-error-options` must be a list of names")
      }
      switch key {
      case "include", "error":
        if names.contains(where: { $0 == "all" || $0 == "*" }) { policy.includeAll = true }
        policy.include.formUnion(names)
      case "exclude", "warn", "silence":
        policy.exclude.formUnion(names)
      default:
        throw .error(
          "flags.warn-error-options", "unknown key `\(key)` in `--warn-error-options`",
          hint: Suggestions.didYouMean(key, in: ["include", "exclude", "error", "warn", "silence"])
            ?? "use `include` and `exclude`")
      }
    }
    return policy
  }
}
