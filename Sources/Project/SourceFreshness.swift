public import Diagnostics
import OrderedCollections
public import Template

/// A source's `freshness:`: how old its newest row (`max(loaded_at_field)`) may be before
/// `source freshness` warns or fails, as dbt's.
public struct SourceFreshness: Sendable, Equatable {
  /// `count` of `period`s, in seconds.
  public struct Threshold: Sendable, Equatable {
    public var count: Int
    public var period: String

    /// The threshold in seconds.
    public var seconds: Int {
      count * (period == "minute" ? 60 : period == "hour" ? 3600 : 86400)
    }
  }

  /// `warn_after`.
  public var warnAfter: Threshold?
  /// `error_after`.
  public var errorAfter: Threshold?
  /// `filter`: a SQL condition limiting the rows looked at.
  public var filter: String?

  /// Whether there is anything to check.
  public var isEmpty: Bool { warnAfter == nil && errorAfter == nil }

  /// Reads a `freshness:` value; nil for `null` (freshness switched off). Problems are
  /// reported at `range`.
  static func parse(_ value: Value, at range: SourceRange, sink: any DiagnosticSink)
    -> SourceFreshness?
  {
    guard case .dict(let entries) = value else {
      if case .none = value { return nil }
      sink.emit(
        .error(
          "schema.freshness", "`freshness` must be a mapping with `warn_after` or `error_after`",
          at: range, hint: "freshness: {warn_after: {count: 12, period: hour}}"))
      return nil
    }
    var freshness = SourceFreshness()
    for (key, item) in entries {
      switch key {
      case "warn_after": freshness.warnAfter = threshold(item, key, range, sink)
      case "error_after": freshness.errorAfter = threshold(item, key, range, sink)
      case "filter": freshness.filter = item.stringValue
      default:
        sink.emit(
          .warning(
            "schema.freshness", "unknown `freshness` key `\(key)` is ignored", at: range,
            hint: Suggestions.didYouMean(key, in: ["warn_after", "error_after", "filter"])))
      }
    }
    return freshness
  }

  private static func threshold(
    _ value: Value, _ key: String, _ range: SourceRange, _ sink: any DiagnosticSink
  ) -> Threshold? {
    guard case .dict(let entries) = value else {
      if case .none = value { return nil }
      sink.emit(.error("schema.freshness", "`\(key)` needs `count` and `period`", at: range))
      return nil
    }
    let periods = ["minute", "hour", "day"]
    guard let count = entries["count"].flatMap(integer), count >= 0,
      let period = entries["period"]?.stringValue, periods.contains(period)
    else {
      sink.emit(
        .error(
          "schema.freshness",
          "`\(key)` needs a whole `count` and a `period` of minute, hour or day", at: range,
          hint: "\(key): {count: 12, period: hour}"))
      return nil
    }
    return Threshold(count: count, period: period)
  }

  private static func integer(_ value: Value) -> Int? {
    if case .integer(let number) = value { return number }
    return value.stringValue.flatMap { Int($0) }
  }
}
