import Diagnostics

/// Conversion metrics, as MetricFlow computes them: each conversion event is attributed to the
/// latest base event of the same entity before it (within the window, with the same constant
/// properties); the attributed conversions are aggregated by the base event's group-by values
/// and set beside the base metric (`conversions`) or divided by it (`conversion_rate`).
extension MetricCompiler {
  func conversion(
    _ metric: Metric, _ conversion: Conversion, _ items: [GroupItem], filters: [Filter],
    as column: String
  ) throws(Diagnostic) -> String {
    let base = try simpleParts(of: conversion.base, for: metric, role: "the base metric of")
    let converted = try simpleParts(
      of: conversion.conversion, for: metric, role: "the conversion metric of")
    guard let baseMetric = manifest.metrics[conversion.base.name] else {
      throw .error(
        "metrics.unknown-metric", "unknown metric `\(conversion.base.name)`",
        at: conversion.base.range)
    }
    // The base metric as queried, with the request's filters.
    let baseFilters = filters + (conversion.base.filter.map { [($0, conversion.base.range)] } ?? [])
    let baseSQL = try compile(baseMetric, items, filters: baseFilters, as: "__base")

    // Base events: the entity, the day, the group-by values; filtered as the base metric is.
    var baseQuery = try leafQuery(metric, base.model, base.aggregation)
    var baseColumns = [
      try entityExpression(&baseQuery, conversion.entity, metric) + " as \"__entity\"",
      try baseQuery.metricTime(.day) + " as \"__time\"",
    ]
    for item in items {
      baseColumns.append(try baseQuery.expression(for: item) + " as " + quote(item.column))
    }
    for (index, property) in conversion.constantProperties.enumerated() {
      baseColumns.append(
        try baseQuery.ownElement(property.base, of: "base_property") + " as \"__property\(index)\"")
    }
    let baseConditions = try (filters + base.filters).map { (filter) throws(Diagnostic) in
      "(" + (try baseQuery.render(filter.text, at: filter.range)) + ")"
    }
    var baseEvents =
      "select " + baseColumns.joined(separator: ", ") + "\nfrom "
      + (try baseQuery.fromClause())
    if !baseConditions.isEmpty {
      baseEvents += "\nwhere " + baseConditions.joined(separator: " and ")
    }

    // Conversion events: the entity, the day, the value, a row number telling events apart.
    var conversionQuery = try leafQuery(metric, converted.model, converted.aggregation)
    var conversionColumns = [
      try entityExpression(&conversionQuery, conversion.entity, metric) + " as \"__entity\"",
      try conversionQuery.metricTime(.day) + " as \"__time\"",
      "\(LeafQuery.baseAlias).\"m__value\" as \"__value\"", "row_number() over () as \"__event\"",
    ]
    for (index, property) in conversion.constantProperties.enumerated() {
      conversionColumns.append(
        try conversionQuery.ownElement(property.conversion, of: "conversion_property")
          + " as \"__property\(index)\"")
    }
    let conversionConditions = try converted.filters.map { (filter) throws(Diagnostic) in
      "(" + (try conversionQuery.render(filter.text, at: filter.range)) + ")"
    }
    var conversionEvents =
      "select " + conversionColumns.joined(separator: ", ") + "\nfrom "
      + (try conversionQuery.fromClause())
    if !conversionConditions.isEmpty {
      conversionEvents += "\nwhere " + conversionConditions.joined(separator: " and ")
    }

    // Each conversion event joined to every earlier base event, then kept once with the
    // latest one's values.
    var on = [
      "b.\"__entity\" = c.\"__entity\"", "b.\"__time\" <= c.\"__time\"",
    ]
    if let window = conversion.window { on.append("c.\"__time\" <= b.\"__time\" + \(window.sql)") }
    on += conversion.constantProperties.indices.map {
      "b.\"__property\($0)\" = c.\"__property\($0)\""
    }
    let latest =
      " over (partition by c.\"__entity\", c.\"__time\", c.\"__event\" order by b.\"__time\" desc "
      + "rows between unbounded preceding and unbounded following)"
    let attributed =
      "select distinct "
      + (items.map { "first_value(b.\(quote($0.column)))" + latest + " as " + quote($0.column) }
      + ["c.\"__event\"", "c.\"__value\""]).joined(separator: ", ")
      + "\nfrom (\n" + baseEvents + "\n) as b\njoin (\n" + conversionEvents + "\n) as c on "
      + on.joined(separator: " and ")
    var conversions =
      "select "
      + (items.map { quote($0.column) }
      + [LeafQuery.aggregate(converted.aggregation, of: "\"__value\"") + " as \"__conversions\""])
      .joined(separator: ", ") + "\nfrom (\n" + attributed + "\n) as attributed"
    if !items.isEmpty {
      conversions += "\ngroup by " + items.indices.map { String($0 + 1) }.joined(separator: ", ")
    }
    let value =
      switch conversion.calculation {
      case .conversions: "q1.\"__conversions\""
      case .conversionRate:
        "cast(q1.\"__conversions\" as double precision) / "
          + "cast(nullif(q0.\"__base\", 0) as double precision)"
      }
    return combine(
      [(baseSQL, "__base"), (conversions, "__conversions")], items: items,
      select: [value + " as " + quote(column)])
  }

  /// The entity both events share, on the event's own model.
  private func entityExpression(_ query: inout LeafQuery, _ entity: String, _ metric: Metric)
    throws(Diagnostic) -> String
  {
    do throws(Diagnostic) {
      return try query.expression(for: GroupItem(kind: .entity(entity), column: entity))
    } catch {
      var located = error
      located.range = metric.range
      throw located
    }
  }

  /// The semantic model, aggregation and filters of a metric that must be simple (a legacy
  /// simple metric's measure is looked through).
  func simpleParts(of input: MetricInput, for metric: Metric, role: String) throws(Diagnostic)
    -> (model: String, aggregation: Aggregation, filters: [Filter])
  {
    guard var resolved = manifest.metrics[input.name] else {
      throw .error("metrics.unknown-metric", "unknown metric `\(input.name)`", at: input.range)
    }
    var filters: [Filter] = []
    if let filter = input.filter { filters.append((filter, input.range)) }
    if let filter = resolved.filter { filters.append((filter, resolved.range)) }
    // A legacy simple metric wraps its measure.
    if case .derived(_, let inputs) = resolved.kind, inputs.count == 1,
      inputs[0].name.hasPrefix("measure:"), let measure = manifest.metrics[inputs[0].name]
    {
      if let filter = inputs[0].filter { filters.append((filter, inputs[0].range)) }
      resolved = measure
    }
    guard case .simple(let model, let aggregation) = resolved.kind else {
      throw .error(
        "metrics.\(metric.kind.label)",
        "\(role) `\(metric.name)` must be a simple metric; `\(input.name)` is not",
        at: input.range)
    }
    return (model, aggregation, filters)
  }
}

extension Metric.Kind {
  /// The kind's name in dbt's YAML.
  var label: String {
    switch self {
    case .simple: "simple"
    case .ratio: "ratio"
    case .derived: "derived"
    case .cumulative: "cumulative"
    case .conversion: "conversion"
    }
  }
}
