public import Diagnostics
import OrderedCollections
public import Template

extension ConfigSchema {
  /// Values of `on_configuration_change` (materialized views).
  public static let configurationChangePolicies = ["apply", "continue", "fail"]
  /// The keys an entry of `indexes` may have.
  static let indexKeys = ["columns", "unique", "type"]
  /// The keys `persist_docs` may have.
  static let persistDocsKeys = ["relation", "columns"]

  /// Checks the relation properties `indexes`, `persist_docs`, `unlogged` and
  /// `on_configuration_change`: each reaches DDL, so a malformed value is an error here rather
  /// than a relation built without it.
  static func checkRelationProperty(_ key: String, _ value: Value, at range: SourceRange?)
    -> Diagnostic?
  {
    switch key {
    case "unlogged":
      if case .bool = value { return nil }
      return .error("config.invalid-value", "`unlogged` must be true or false", at: range)
    case "on_configuration_change":
      guard let text = value.stringValue, configurationChangePolicies.contains(text) else {
        return .error(
          "config.invalid-value",
          "unknown `on_configuration_change` policy `\(value.stringValue ?? value.rendered)`",
          at: range,
          hint: Suggestions.didYouMean(value.stringValue ?? "", in: configurationChangePolicies)
            ?? "expected one of `apply`, `continue`, `fail`")
      }
      return nil
    case "persist_docs":
      guard case .dict(let entries) = value else {
        return .error(
          "config.invalid-value",
          "`persist_docs` must be a mapping such as "
            + "`{relation: true, columns: true}`", at: range)
      }
      for (entry, flag) in entries {
        // dbt ignores other keys; a warning points at the likely typo without failing.
        guard persistDocsKeys.contains(entry) else {
          return .warning(
            "config.no-effect", "unknown `persist_docs` key `\(entry)` has no effect", at: range,
            hint: Suggestions.didYouMean(entry, in: persistDocsKeys)
              ?? "expected `relation` or `columns`")
        }
        guard case .bool = flag else {
          return .error(
            "config.invalid-value", "`persist_docs.\(entry)` must be true or false", at: range)
        }
      }
      return nil
    case "indexes":
      guard case .list(let items) = value else {
        return .error(
          "config.invalid-value", "`indexes` must be a list such as `[{columns: [id]}]`",
          at: range)
      }
      for item in items {
        if let problem = checkIndex(item, at: range) { return problem }
      }
      return nil
    default:
      return nil
    }
  }

  private static func checkIndex(_ item: Value, at range: SourceRange?) -> Diagnostic? {
    guard case .dict(let entries) = item else {
      return .error(
        "config.invalid-value", "each entry of `indexes` must be a mapping with `columns`",
        at: range)
    }
    for (key, entry) in entries {
      guard indexKeys.contains(key) else {
        return .error(
          "config.invalid-value", "unknown index key `\(key)` in `indexes`", at: range,
          hint: Suggestions.didYouMean(key, in: indexKeys)
            ?? "expected `columns`, `unique` or `type`")
      }
      switch (key, entry) {
      case ("type", .string(let method))
      where !method.isEmpty
        && method.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }):
        // The method is pasted into `using ...`: a name, nothing else.
        continue
      case ("unique", .bool), ("columns", .string): continue
      case ("columns", .list(let columns))
      where !columns.isEmpty && columns.allSatisfy({ $0.stringValue?.isEmpty == false }):
        continue
      case ("unique", _):
        return .error(
          "config.invalid-value", "an index's `unique` must be true or false", at: range)
      case ("type", _):
        return .error(
          "config.invalid-value", "an index's `type` must be a method name such as `hash`",
          at: range)
      default:
        return .error(
          "config.invalid-value", "an index's `columns` must be a non-empty list of columns",
          at: range)
      }
    }
    guard entries["columns"] != nil else {
      return .error(
        "config.invalid-value", "an entry of `indexes` has no `columns`", at: range,
        hint: "write `{columns: [id]}`")
    }
    return nil
  }
}
