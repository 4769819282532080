import Diagnostics

/// Metrics read through the time spine at the query's grain: offsets (`offset_window`,
/// `offset_to_grain`) and `join_to_timespine`.
extension MetricCompiler {
  /// An input offset in time: each spine period takes the input's value of an earlier period
  /// (`offset_window`) or of the start of its `offset_to_grain` period. Filters on
  /// metric_time apply to the offset periods, after the join, as MetricFlow applies them.
  func offset(
    _ metric: Metric, _ input: MetricInput, _ items: [GroupItem], filters: [Filter],
    as column: String
  ) throws(Diagnostic) -> String {
    guard let timeItem = items.first(where: \.isMetricTime),
      case .metricTime(let grain) = timeItem.kind
    else {
      let key = input.offsetWindow != nil ? "offset_window" : "offset_to_grain"
      throw .error(
        "metrics.offset", "`\(key)` of `\(input.name)` needs metric_time in the group-by",
        at: input.range, hint: "add `--group-by metric_time__month` (or another grain)")
    }
    let (timeFilters, otherFilters) = try Self.splitOnMetricTime(filters)
    let inner = try compile(metric, items, filters: otherFilters, as: column)
    let periodStart: String
    if let window = input.offsetWindow {
      periodStart = "spine.t - " + window.sql
    } else {
      periodStart = "date_trunc('\((input.offsetToGrain ?? grain).rawValue)', spine.t)"
    }
    return try spineJoin(
      inner, items, grain: grain, column: column, join: "join",
      condition: periodStart + " = spined.\(quote(timeItem.column))", timeFilters: timeFilters,
      at: input.range)
  }

  /// `join_to_timespine`: every period of the spine, with the metric's value or null.
  func joinedToTimeSpine(
    _ inner: String, _ items: [GroupItem], filters: [Filter], as column: String,
    at range: SourceRange
  ) throws(Diagnostic) -> String {
    guard let timeItem = items.first(where: \.isMetricTime),
      case .metricTime(let grain) = timeItem.kind
    else { return inner }
    let timeFilters = try Self.splitOnMetricTime(filters).onTime
    return try spineJoin(
      inner, items, grain: grain, column: column, join: "left join",
      condition: "spine.t = spined.\(quote(timeItem.column))", timeFilters: timeFilters,
      at: range)
  }

  /// The spine's periods at `grain` joined to `inner`; metric_time is the spine's period.
  private func spineJoin(
    _ inner: String, _ items: [GroupItem], grain: TimeGrain, column: String, join: String,
    condition: String, timeFilters: [Filter], at range: SourceRange
  ) throws(Diagnostic) -> String {
    let spine = try timeSpine(for: range)
    let keys = items.map { item in
      item.isMetricTime ? "spine.t as \(quote(item.column))" : "spined.\(quote(item.column))"
    }
    var sql =
      "select " + (keys + ["spined.\(quote(column))"]).joined(separator: ", ")
      + "\nfrom (select date_trunc('\(grain.rawValue)', \(spine.column)) as t from \(spine.table) "
      + "group by 1) as spine\n\(join) (\n" + inner + "\n) as spined on " + condition
    let conditions = try timeFilters.map { (filter) throws(Diagnostic) -> String in
      "(" + (try Self.renderOnSpine(filter)) + ")"
    }
    if !conditions.isEmpty { sql += "\nwhere " + conditions.joined(separator: " and ") }
    return sql
  }

  /// Filters on metric_time only, and the others.
  static func splitOnMetricTime(_ filters: [Filter]) throws(Diagnostic) -> (
    onTime: [Filter], others: [Filter]
  ) {
    var onTime: [Filter] = []
    var others: [Filter] = []
    for filter in filters {
      if try isOnMetricTime(filter) { onTime.append(filter) } else { others.append(filter) }
    }
    return (onTime, others)
  }

  /// Whether every reference of a filter is to metric_time.
  static func isOnMetricTime(_ filter: Filter) throws(Diagnostic) -> Bool {
    var names: [String] = []
    _ = try TemplateCall.render(filter.text, at: filter.range) {
      (call) throws(Diagnostic) -> String in
      names.append(call.function == "Metric" ? "" : call.arguments[0])
      return ""
    }
    return !names.isEmpty
      && names.allSatisfy { $0 == "metric_time" || $0.hasPrefix("metric_time__") }
  }

  /// A metric_time filter over the spine's period `spine.t`.
  private static func renderOnSpine(_ filter: Filter) throws(Diagnostic) -> String {
    try TemplateCall.render(filter.text, at: filter.range) { (call) throws(Diagnostic) -> String in
      var name = call.arguments[0]
      if call.function == "TimeDimension", call.arguments.count > 1 {
        name += "__" + call.arguments[1]
      } else if let grain = call.grain {
        name += "__" + grain
      }
      guard case .metricTime(let grain) = try GroupItem.parse(name).kind else {
        throw .error("metrics.filter", "`\(name)` is not metric_time", at: filter.range)
      }
      return "date_trunc('\(grain.rawValue)', spine.t)"
    }
  }
}
