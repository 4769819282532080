public import Diagnostics
import Template

/// Checks the target settings that bound how long swdbt waits: `connect_timeout` (libpq's,
/// whole seconds) and `lock_timeout` (PostgreSQL's: milliseconds, or a number with a unit).
enum TargetTimeouts {
  /// A located error when `key` is a timeout whose value PostgreSQL or libpq would reject;
  /// nil for other keys, good values and values taken from the environment.
  static func problem(
    _ key: String, _ value: Value, target: String, at range: SourceRange?
  ) -> Diagnostic? {
    switch key {
    case "connect_timeout":
      if isWholeNumber(value) { return nil }
      return .error(
        "project.target-setting",
        "target `\(target)`: `connect_timeout` must be a whole number of seconds", at: range,
        hint: "for example `connect_timeout: 10`")
    case "lock_timeout":
      if isWholeNumber(value) { return nil }
      if case .string(let text) = value, text.contains("{{") || isDuration(text) { return nil }
      return .error(
        "project.target-setting", "target `\(target)`: `lock_timeout` must be a duration",
        at: range,
        hint: "milliseconds (`10000`) or a number with a unit: `500ms`, `10s`, `1min`, `1h`")
    default:
      return nil
    }
  }

  private static func isWholeNumber(_ value: Value) -> Bool {
    switch value {
    case .integer(let number): number >= 0
    case .string(let text):
      text.contains("{{") || (!text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber })
    default: false
    }
  }

  /// PostgreSQL's time units (`us`, `ms`, `s`, `min`, `h`, `d`) after a non-negative number.
  private static func isDuration(_ text: String) -> Bool {
    let trimmed = text.filter { $0 != " " }
    let number = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
    let unit = trimmed.dropFirst(number.count)
    guard !number.isEmpty, number.filter({ $0 == "." }).count <= 1, number.first != "." else {
      return false
    }
    return ["", "us", "ms", "s", "min", "h", "d"].contains(String(unit))
  }
}
