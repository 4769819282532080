public import Diagnostics
import OrderedCollections
import Template

extension NodeConfig {
  /// Whether `contract: {enforced: true}` is set.
  public var contractEnforced: Bool {
    guard case .dict(let entries)? = values["contract"] else { return false }
    return entries["enforced"]?.isTruthy ?? false
  }
}

extension ConfigSchema {
  /// The keys of dbt's `contract` config.
  static let contractKeys = ["enforced", "alias_types"]

  /// `contract` must be a mapping of `enforced` and `alias_types` booleans.
  static func checkContract(_ value: Value, at range: SourceRange?) -> Diagnostic? {
    guard case .dict(let entries) = value else {
      return .error(
        "config.invalid-value", "`contract` must be a mapping", at: range,
        hint: "write `contract: {enforced: true}`")
    }
    for (key, setting) in entries {
      guard contractKeys.contains(key) else {
        return .error(
          "config.invalid-value", "unknown `contract` setting `\(key)`", at: range,
          hint: Suggestions.didYouMean(key, in: contractKeys)
            ?? "expected `enforced` or `alias_types`")
      }
      guard case .bool = setting else {
        return .error(
          "config.invalid-value", "`contract.\(key)` must be `true` or `false`", at: range)
      }
    }
    return nil
  }
}
