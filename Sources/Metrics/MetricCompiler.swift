public import Diagnostics

/// Compiles a metric request to one PostgreSQL query, as MetricFlow plans it: each simple
/// metric aggregates its semantic model (joined to others through entities), ratio and
/// derived metrics combine their inputs with full outer joins on the group-by, offsets join
/// the time spine, cumulative metrics aggregate over a window of the time spine.
public struct MetricCompiler {
  let manifest: SemanticManifest
  /// The relation of a dbt model (`"db"."schema"."name"`); nil when unknown.
  let relation: (String) -> String?

  public init(manifest: SemanticManifest, relation: @escaping (String) -> String?) {
    self.manifest = manifest
    self.relation = relation
  }

  /// A filter and where it was written (nil: the command line).
  typealias Filter = (text: String, range: SourceRange?)

  public func compile(_ request: MetricRequest) throws(Diagnostic) -> String {
    guard !request.metrics.isEmpty else {
      throw .error("metrics.request", "no metric asked for", hint: "pass `--metrics NAME`")
    }
    var items: [GroupItem] = []
    for name in request.groupBy {
      let item = try GroupItem.parse(name)
      if !items.contains(item) { items.append(item) }
    }
    let filters = request.filters.map { Filter($0, nil) }
    var parts: [(sql: String, column: String)] = []
    for name in request.metrics {
      guard let metric = manifest.metrics[name], !name.hasPrefix("measure:") else {
        throw .error(
          "metrics.unknown-metric", "unknown metric `\(name)`",
          hint: Suggestions.didYouMean(
            name, in: manifest.metrics.keys.filter { !$0.hasPrefix("measure:") }))
      }
      parts.append((try compile(metric, items, filters: filters, as: name), name))
    }
    // A metric's `fill_nulls_with` also fills the rows only other metrics have.
    let select = parts.indices.map { index in
      let column = quote(parts[index].column)
      guard parts.count > 1, let fill = manifest.metrics[parts[index].column]?.fillNullsWith
      else { return column }
      return "coalesce(q\(index).\(column), \(fill)) as \(column)"
    }
    var sql = combine(parts, items: items, select: select)
    let orderTerms = try orderBy(request, items: items)
    if !orderTerms.isEmpty { sql += "\norder by " + orderTerms.joined(separator: ", ") }
    if let limit = request.limit { sql += "\nlimit \(limit)" }
    return sql
  }

  private func orderBy(_ request: MetricRequest, items: [GroupItem]) throws(Diagnostic)
    -> [String]
  {
    guard !request.orderBy.isEmpty else { return items.map { quote($0.column) } }
    var terms: [String] = []
    for raw in request.orderBy {
      let descending = raw.hasPrefix("-")
      let name = descending ? String(raw.dropFirst()) : raw
      var column: String?
      if request.metrics.contains(name) {
        column = name
      } else if let item = try? GroupItem.parse(name), items.contains(item) {
        column = item.column
      }
      guard let column else {
        throw .error(
          "metrics.order-by",
          "cannot order by `\(name)`: it is neither a queried metric nor a "
            + "group-by item",
          hint: Suggestions.didYouMean(name, in: request.metrics + items.map(\.column)))
      }
      terms.append(quote(column) + (descending ? " desc" : ""))
    }
    return terms
  }

  /// Full outer joins of subqueries on the group-by columns, coalescing the keys.
  func combine(
    _ parts: [(sql: String, column: String)], items: [GroupItem], select: [String]
  ) -> String {
    if parts.count == 1 {
      let columns = items.map { quote($0.column) } + select
      return "select " + columns.joined(separator: ", ") + "\nfrom (\n" + parts[0].sql
        + "\n) as q0"
    }
    let aliases = parts.indices.map { "q\($0)" }
    let keys = items.map { item in
      "coalesce(" + aliases.map { "\($0).\(quote(item.column))" }.joined(separator: ", ")
        + ") as " + quote(item.column)
    }
    var sql =
      "select " + (keys + select).joined(separator: ", ") + "\nfrom (\n" + parts[0].sql
      + "\n) as q0"
    for index in parts.indices.dropFirst() {
      let previous = aliases[..<index]
      if items.isEmpty {
        sql += "\ncross join (\n" + parts[index].sql + "\n) as " + aliases[index]
        continue
      }
      let conditions = items.map { item in
        let left =
          previous.count == 1
          ? "q0.\(quote(item.column))"
          : "coalesce(" + previous.map { "\($0).\(quote(item.column))" }.joined(separator: ", ")
            + ")"
        return left + " = " + aliases[index] + "." + quote(item.column)
      }
      sql +=
        "\nfull outer join (\n" + parts[index].sql + "\n) as " + aliases[index] + " on "
        + conditions.joined(separator: " and ")
    }
    return sql
  }

  /// A subquery with the group-by columns and one value column named `column`.
  func compile(_ metric: Metric, _ items: [GroupItem], filters: [Filter], as column: String)
    throws(Diagnostic) -> String
  {
    var filters = filters
    if let filter = metric.filter { filters.append((filter, metric.range)) }
    var sql: String
    switch metric.kind {
    case .simple(let modelName, let aggregation):
      sql = try leaf(metric, modelName, aggregation, items, filters: filters, as: column)
    case .ratio(let numerator, let denominator):
      let parts = [
        (try input(numerator, items, filters, as: "__numerator"), "__numerator"),
        (try input(denominator, items, filters, as: "__denominator"), "__denominator"),
      ]
      sql = combine(
        parts, items: items,
        select: [
          "cast(q0.\"__numerator\" as double precision) / cast(nullif(q1.\"__denominator\", 0) "
            + "as double precision) as " + quote(column)
        ])
    case .derived(let expression, let inputs):
      var parts: [(sql: String, column: String)] = []
      for input in inputs {
        parts.append(
          (try self.input(input, items, filters, as: input.columnName), input.columnName))
      }
      sql = combine(parts, items: items, select: ["(\(expression)) as " + quote(column)])
    case .cumulative(let input, let window, let grainToDate):
      sql = try cumulative(
        metric, input, window: window, grainToDate: grainToDate, items, filters: filters,
        as: column)
    case .conversion(let conversion):
      sql = try self.conversion(metric, conversion, items, filters: filters, as: column)
    }
    if metric.joinsToTimeSpine, items.contains(where: \.isMetricTime) {
      sql = try joinedToTimeSpine(sql, items, filters: filters, as: column, at: metric.range)
    }
    if let fill = metric.fillNullsWith {
      let keys = items.map { quote($0.column) }
      sql =
        "select "
        + (keys + ["coalesce(\(quote(column)), \(fill)) as \(quote(column))"])
        .joined(separator: ", ") + " from (\n" + sql + "\n) as filled"
    }
    return sql
  }

  /// An input metric, offset through the time spine when it has an `offset_window` or an
  /// `offset_to_grain`.
  func input(
    _ input: MetricInput, _ items: [GroupItem], _ filters: [Filter], as column: String
  ) throws(Diagnostic) -> String {
    guard let metric = manifest.metrics[input.name] else {
      throw .error("metrics.unknown-metric", "unknown metric `\(input.name)`", at: input.range)
    }
    var filters = filters
    if let filter = input.filter { filters.append((filter, input.range)) }
    guard input.offsetWindow != nil || input.offsetToGrain != nil else {
      return try compile(metric, items, filters: filters, as: column)
    }
    return try offset(metric, input, items, filters: filters, as: column)
  }

  /// The time spine's relation and day column.
  func timeSpine(for range: SourceRange?) throws(Diagnostic) -> (
    table: String, column: String
  ) {
    guard let spine = manifest.timeSpine, let table = relation(spine.model) else {
      throw .error(
        "metrics.time-spine", "this metric needs a time spine, and the project declares none",
        at: range,
        hint: "add `time_spine: {standard_granularity_column: date_day}` to a model with one "
          + "row per day")
    }
    return (table, quote(spine.column))
  }

  /// A simple metric: one aggregation over one semantic model.
  func leaf(
    _ metric: Metric, _ modelName: String, _ aggregation: Aggregation, _ items: [GroupItem],
    filters: [Filter], as column: String
  ) throws(Diagnostic) -> String {
    var query = try leafQuery(metric, modelName, aggregation)
    var select: [String] = []
    for item in items {
      select.append(try query.expression(for: item) + " as " + quote(item.column))
    }
    let conditions = try filters.map { (filter) throws(Diagnostic) -> String in
      "(" + (try query.render(filter.text, at: filter.range)) + ")"
    }
    select.append(query.aggregate + " as " + quote(column))
    var sql = "select " + select.joined(separator: ", ") + "\nfrom " + (try query.fromClause())
    if !conditions.isEmpty { sql += "\nwhere " + conditions.joined(separator: " and ") }
    if !items.isEmpty {
      sql += "\ngroup by " + items.indices.map { String($0 + 1) }.joined(separator: ", ")
    }
    return sql
  }

  func leafQuery(_ metric: Metric, _ modelName: String, _ aggregation: Aggregation)
    throws(Diagnostic) -> LeafQuery
  {
    guard let model = manifest.semanticModels[modelName] else {
      throw .error(
        "metrics.model", "metric `\(metric.name)` has no semantic model `\(modelName)`",
        at: metric.range)
    }
    if aggregation.isApproximate {
      throw .error(
        "metrics.percentile",
        "metric `\(metric.name)` asks for an approximate percentile, which PostgreSQL does not "
          + "have", at: metric.range,
        hint: "drop `use_approximate_percentile` (or use percentile_type: continuous or discrete)")
    }
    var query = LeafQuery(
      manifest: manifest, relation: relation, model: model, metric: metric,
      aggregation: aggregation)
    query.compileMetric = { (name, items) throws(Diagnostic) -> String in
      guard let filtered = manifest.metrics[name], !name.hasPrefix("measure:") else {
        throw .error(
          "metrics.unknown-metric", "unknown metric `\(name)` in a filter of `\(metric.name)`",
          at: metric.range,
          hint: Suggestions.didYouMean(
            name, in: manifest.metrics.keys.filter { !$0.hasPrefix("measure:") }))
      }
      return try compile(filtered, items, filters: [], as: name)
    }
    return query
  }

  /// A cumulative metric: per day of the time spine, the input aggregated over the window
  /// (or grain-to-date, or all time) ending that day; at a coarser grain, each period's first
  /// day's value (MetricFlow's default `period_agg: first`).
  private func cumulative(
    _ metric: Metric, _ input: MetricInput, window: Interval?, grainToDate: TimeGrain?,
    _ items: [GroupItem], filters: [Filter], as column: String
  ) throws(Diagnostic) -> String {
    let (modelName, aggregation, inputFilters) = try simpleParts(
      of: input, for: metric, role: "the input of cumulative metric")
    let filters = filters + inputFilters
    guard let timeItem = items.first(where: \.isMetricTime),
      case .metricTime(let grain) = timeItem.kind
    else {
      return try leaf(metric, modelName, aggregation, items, filters: filters, as: column)
    }
    let spine = try timeSpine(for: metric.range)
    var query = try leafQuery(metric, modelName, aggregation)
    let keys = items.map { quote($0.column) }
    let inner: String
    if let reaggregate = Self.reaggregation(of: aggregation.function) {
      inner = try preaggregatedCumulative(
        &query, spine: spine, window: window, grainToDate: grainToDate, items, grain: grain,
        filters: filters, as: column, reaggregate: reaggregate)
    } else if aggregation.function == .countDistinct, window == nil, grainToDate == nil {
      // All time, a distinct count is the running sum of each value's first appearance.
      inner = try preaggregatedCumulative(
        &query, spine: spine, window: nil, grainToDate: nil, items, grain: grain,
        filters: filters, as: column, reaggregate: "sum", firstAppearances: true)
    } else {
      inner = try cumulativeOverRows(
        &query, spine: spine, window: window, grainToDate: grainToDate, items, grain: grain,
        filters: filters, as: column)
    }
    return "select distinct " + keys.joined(separator: ", ") + (keys.isEmpty ? "" : ", ")
      + "first_value(\(quote(column))) over (partition by " + keys.joined(separator: ", ")
      + " order by \"__day\") as " + quote(column) + "\nfrom (\n" + inner + "\n) as daily"
  }

  /// How partial aggregates per day combine; nil when they do not (distinct counts, averages,
  /// percentiles), and the window aggregates the rows themselves.
  static func reaggregation(of function: Aggregation.Function) -> String? {
    switch function {
    case .sum, .count, .sumBoolean: "sum"
    case .min: "min"
    case .max: "max"
    case .countDistinct, .average, .median, .percentile: nil
    }
  }

  /// The join of a spine day to the days its window covers.
  private static func windowConditions(
    day: String, window: Interval?, grainToDate: TimeGrain?
  ) -> String {
    var on = ["\(day) <= spine.d"]
    if let window { on.append("\(day) > spine.d - \(window.sql)") }
    if let grainToDate { on.append("\(day) >= date_trunc('\(grainToDate.rawValue)', spine.d)") }
    return on.joined(separator: " and ")
  }

  /// Cumulative values per spine day from per-day partial aggregates: the same figures as
  /// aggregating the rows of each window, with a join of days to days instead of rows to days.
  private func preaggregatedCumulative(
    _ query: inout LeafQuery, spine: (table: String, column: String), window: Interval?,
    grainToDate: TimeGrain?, _ items: [GroupItem], grain: TimeGrain, filters: [Filter],
    as column: String, reaggregate: String, firstAppearances: Bool = false
  ) throws(Diagnostic) -> String {
    let day = "cast(" + (try query.metricTime(.day)) + " as date)"
    var partial = [(firstAppearances ? "min(\(day))" : day) + " as \"__event_day\""]
    var outer = ["spine.d as \"__day\""]
    for item in items {
      if item.isMetricTime {
        outer.append("date_trunc('\(grain.rawValue)', spine.d) as " + quote(item.column))
      } else {
        partial.append(try query.expression(for: item) + " as " + quote(item.column))
        outer.append("per_day." + quote(item.column))
      }
    }
    let conditions = try filters.map { (filter) throws(Diagnostic) -> String in
      "(" + (try query.render(filter.text, at: filter.range)) + ")"
    }
    outer.append("\(reaggregate)(per_day.\"__partial\") as " + quote(column))
    var perDay: String
    if firstAppearances {
      // Each value's first day per group-by key, then how many values first appear each day.
      let value = "\(LeafQuery.baseAlias).\"m__value\""
      let keyCount = partial.count - 1
      partial.append(value + " as \"__value\"")
      var firsts =
        "select " + partial.joined(separator: ", ") + "\nfrom " + (try query.fromClause())
      firsts += "\nwhere " + (conditions + ["\(value) is not null"]).joined(separator: " and ")
      firsts += "\ngroup by " + (2...partial.count).map(String.init).joined(separator: ", ")
      let columns = ["\"__event_day\""] + items.filter { !$0.isMetricTime }.map { quote($0.column) }
      perDay =
        "select " + (columns + ["count(*) as \"__partial\""]).joined(separator: ", ")
        + "\nfrom (\n" + firsts + "\n) as firsts\ngroup by "
        + (1...(keyCount + 1)).map(String.init).joined(separator: ", ")
    } else {
      partial.append(query.aggregate + " as \"__partial\"")
      perDay = "select " + partial.joined(separator: ", ") + "\nfrom " + (try query.fromClause())
      if !conditions.isEmpty { perDay += "\nwhere " + conditions.joined(separator: " and ") }
      perDay +=
        "\ngroup by " + (0..<partial.count - 1).map { String($0 + 1) }.joined(separator: ", ")
    }
    return "select " + outer.joined(separator: ", ") + "\nfrom (\n" + perDay + "\n) as per_day"
      + "\njoin (select \(spine.column) as d from \(spine.table)) as spine on "
      + Self.windowConditions(
        day: "per_day.\"__event_day\"", window: window, grainToDate: grainToDate)
      + "\ngroup by " + (0...items.count).map { String($0 + 1) }.joined(separator: ", ")
  }

  /// Cumulative values per spine day aggregated from the rows of each window.
  private func cumulativeOverRows(
    _ query: inout LeafQuery, spine: (table: String, column: String), window: Interval?,
    grainToDate: TimeGrain?, _ items: [GroupItem], grain: TimeGrain, filters: [Filter],
    as column: String
  ) throws(Diagnostic) -> String {
    let day = try query.metricTime(.day)
    var select = ["spine.d as \"__day\""]
    for item in items {
      let expression =
        item.isMetricTime
        ? "date_trunc('\(grain.rawValue)', spine.d)" : try query.expression(for: item)
      select.append(expression + " as " + quote(item.column))
    }
    var conditions = try filters.map { (filter) throws(Diagnostic) -> String in
      "(" + (try query.render(filter.text, at: filter.range)) + ")"
    }
    select.append(query.aggregate + " as " + quote(column))
    var inner = "select " + select.joined(separator: ", ") + "\nfrom " + (try query.fromClause())
    inner +=
      "\njoin (select \(spine.column) as d from \(spine.table)) as spine on "
      + Self.windowConditions(day: day, window: window, grainToDate: grainToDate)
    conditions = conditions.filter { !$0.isEmpty }
    if !conditions.isEmpty { inner += "\nwhere " + conditions.joined(separator: " and ") }
    inner += "\ngroup by " + (0...items.count).map { String($0 + 1) }.joined(separator: ", ")
    return inner
  }
}
