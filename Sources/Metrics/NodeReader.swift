import Diagnostics
import Foundation
import Project

/// Reads one semantic-layer YAML node (entity, dimension, metric...) into its type; every
/// problem is a located error, and the node is skipped.
struct NodeReader {
  let document: YAMLDocument
  let sink: any DiagnosticSink

  func range(_ node: YAMLNode) -> SourceRange { document.range(of: node) }

  func error(_ message: String, at node: YAMLNode, hint: String? = nil) {
    sink.emit(.error("metrics.invalid", message, at: range(node), hint: hint))
  }

  func name(_ node: YAMLNode, _ what: String) -> String? {
    guard let name = node[key: "name"]?.string, !name.isEmpty else {
      error("\(what) entry has no `name`", at: node)
      return nil
    }
    return name
  }

  /// `ref('x')` or `ref("x")` to `x`.
  static func refName(_ text: String) -> String? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard trimmed.hasPrefix("ref("), trimmed.hasSuffix(")") else { return nil }
    let inner = trimmed.dropFirst(4).dropLast().trimmingCharacters(in: .whitespaces)
    guard inner.count >= 2, let quote = inner.first, quote == "'" || quote == "\"",
      inner.last == quote
    else { return nil }
    return String(inner.dropFirst().dropLast())
  }

  func grain(_ node: YAMLNode) -> TimeGrain? {
    guard let text = node.string, let grain = TimeGrain(rawValue: text.lowercased()) else {
      error(
        "unknown time granularity `\(node.string ?? "")`", at: node,
        hint: "use one of " + TimeGrain.allCases.map(\.rawValue).joined(separator: ", "))
      return nil
    }
    return grain
  }

  /// `1 month`, `7 days`, `1 year`.
  func interval(_ node: YAMLNode) -> Interval? {
    let parts = (node.string ?? "").split(separator: " ")
    guard parts.count == 2, let count = Int(parts[0]), count > 0 else {
      error("`\(node.string ?? "")` is not a window", at: node, hint: "write e.g. `1 month`")
      return nil
    }
    var unit = parts[1].lowercased()
    if unit.hasSuffix("s") { unit.removeLast() }
    guard let grain = TimeGrain(rawValue: unit) else {
      error(
        "unknown window unit `\(parts[1])`", at: node,
        hint: "use day, week, month, quarter or year")
      return nil
    }
    return Interval(count: count, grain: grain)
  }

  func entity(_ node: YAMLNode, defaultName: String?, expression: String?) -> Entity? {
    guard node.isMapping else {
      error("an entity is a mapping with `type` (and `name`)", at: node)
      return nil
    }
    guard let name = node[key: "name"]?.string ?? defaultName else {
      error("entity has no `name`", at: node)
      return nil
    }
    guard let typeNode = node[key: "type"], let kind = Entity.Kind(rawValue: typeNode.string ?? "")
    else {
      error(
        "entity `\(name)` needs a `type`: primary, foreign, unique or natural",
        at: node[key: "type"] ?? node)
      return nil
    }
    return Entity(
      name: name, kind: kind, expression: node[key: "expr"]?.string ?? expression ?? name)
  }

  func dimension(
    _ node: YAMLNode, defaultName: String?, expression: String?, grain: TimeGrain?
  ) -> Dimension? {
    guard node.isMapping else {
      error("a dimension is a mapping with `type`", at: node)
      return nil
    }
    guard let name = node[key: "name"]?.string ?? defaultName else {
      error("dimension has no `name`", at: node)
      return nil
    }
    let type = node[key: "type"]?.string ?? ""
    guard type == "categorical" || type == "time" else {
      error(
        "dimension `\(name)` needs `type: categorical` or `type: time`",
        at: node[key: "type"] ?? node)
      return nil
    }
    if type == "time", grain == nil {
      error(
        "time dimension `\(name)` has no granularity", at: node,
        hint: "add `granularity: day` to the column")
      return nil
    }
    return Dimension(
      name: name, isTime: type == "time",
      expression: node[key: "expr"]?.string ?? expression ?? name, grain: grain ?? .day)
  }

  /// A legacy measure, or the aggregation of a latest-spec simple metric.
  func aggregation(_ node: YAMLNode, defaultExpression: String) -> Aggregation? {
    guard let aggNode = node[key: "agg"], let text = aggNode.string else {
      error("`\(node[key: "name"]?.string ?? "")` has no `agg`", at: node)
      return nil
    }
    let spelled = text == "avg" ? "average" : text
    guard let function = Aggregation.Function(rawValue: spelled) else {
      error(
        "unknown aggregation `\(text)`", at: aggNode,
        hint: "use sum, count, count_distinct, average, min, max, median, percentile or sum_boolean"
      )
      return nil
    }
    var aggregation = Aggregation(
      function: function, expression: node[key: "expr"]?.string ?? defaultExpression)
    let params = node[key: "agg_params"] ?? node
    if function == .percentile {
      guard let valueNode = params[key: "percentile"], var value = Double(valueNode.string ?? "")
      else {
        error("a percentile aggregation needs `percentile:`", at: aggNode)
        return nil
      }
      // The latest spec's examples write percents (95.0); the legacy spec a fraction (0.95).
      if value > 1 { value /= 100 }
      guard value > 0, value <= 1 else {
        error("`percentile` must be between 0 and 1", at: valueNode)
        return nil
      }
      aggregation.percentile = value
      let type = params[key: "percentile_type"]?.string?.lowercased() ?? "continuous"
      guard
        ["continuous", "discrete", "approximate_continuous", "approximate_discrete"].contains(type)
      else {
        error(
          "unknown percentile_type `\(type)`", at: params[key: "percentile_type"] ?? aggNode,
          hint: "use continuous, discrete, approximate_continuous or approximate_discrete")
        return nil
      }
      aggregation.isDiscrete =
        params[key: "use_discrete_percentile"]?.string == "true" || type.hasSuffix("discrete")
      aggregation.isApproximate =
        params[key: "use_approximate_percentile"]?.string == "true"
        || type.hasPrefix("approximate")
    }
    aggregation.aggTimeDimension = node[key: "agg_time_dimension"]?.string
    return aggregation
  }

  /// A metric input: a name, or a mapping with `name`, `alias`, `filter`, `offset_window`.
  func input(_ node: YAMLNode) -> MetricInput? {
    if let name = node.string {
      return MetricInput(name: name, range: range(node))
    }
    guard let name = name(node, "input metric") else { return nil }
    var input = MetricInput(name: name, range: range(node))
    input.alias = node[key: "alias"]?.string
    input.filter = filter(node[key: "filter"])
    if let offset = node[key: "offset_window"] {
      guard let interval = interval(offset) else { return nil }
      input.offsetWindow = interval
    }
    if let toGrain = node[key: "offset_to_grain"] {
      guard input.offsetWindow == nil else {
        error("`offset_window` and `offset_to_grain` cannot be used together", at: toGrain)
        return nil
      }
      guard let grain = grain(toGrain) else { return nil }
      input.offsetToGrain = grain
    }
    return input
  }

  /// A filter: one string or a list of strings (joined with `and`).
  func filter(_ node: YAMLNode?) -> String? {
    guard let node else { return nil }
    if let text = node.string { return text }
    let parts = node.items.compactMap(\.string)
    return parts.isEmpty ? nil : parts.map { "(\($0))" }.joined(separator: " and ")
  }

  /// A metric of either spec: latest-spec keys sit on the metric, legacy keys in `type_params`.
  func metric(_ node: YAMLNode, semanticModel: String?) -> Metric? {
    guard let name = name(node, "metric") else { return nil }
    let params = node[key: "type_params"] ?? node
    let typeNode = node[key: "type"]
    let type = typeNode?.string?.lowercased() ?? ""
    var kind: Metric.Kind
    switch type {
    case "simple":
      if let measure = params[key: "measure"] {
        guard let input = input(measure) else { return nil }
        // A legacy simple metric wraps its measure.
        let inner = MetricInput(
          name: "measure:" + input.name, alias: input.name, filter: input.filter,
          range: input.range)
        kind = .derived(expression: input.name, inputs: [inner])
      } else {
        guard let semanticModel else {
          error(
            "simple metric `\(name)` must sit under its model's `metrics:`", at: node,
            hint: "top-level metrics are ratio, derived or cumulative")
          return nil
        }
        guard let aggregation = aggregation(node, defaultExpression: name) else { return nil }
        kind = .simple(semanticModel: semanticModel, aggregation)
      }
    case "ratio":
      guard let numeratorNode = params[key: "numerator"],
        let denominatorNode = params[key: "denominator"]
      else {
        error("ratio metric `\(name)` needs `numerator` and `denominator`", at: node)
        return nil
      }
      guard let numerator = input(numeratorNode), let denominator = input(denominatorNode) else {
        return nil
      }
      kind = .ratio(numerator: numerator, denominator: denominator)
    case "derived":
      guard let expression = params[key: "expr"]?.string else {
        error("derived metric `\(name)` needs `expr`", at: node)
        return nil
      }
      let list = params[key: "input_metrics"] ?? params[key: "metrics"]
      let inputs = (list?.items ?? []).compactMap { input($0) }
      guard !inputs.isEmpty, inputs.count == list?.items.count else {
        if list == nil { error("derived metric `\(name)` needs `input_metrics`", at: node) }
        return nil
      }
      kind = .derived(expression: expression, inputs: inputs)
    case "cumulative":
      let cumulative = params[key: "cumulative_type_params"]
      var input: MetricInput?
      if let measure = params[key: "measure"] {
        input = self.input(measure).map {
          MetricInput(
            name: "measure:" + $0.name, alias: $0.name, filter: $0.filter, range: $0.range)
        }
      } else if let metricNode = params[key: "input_metric"] ?? cumulative?[key: "metric"] {
        input = self.input(metricNode)
      } else {
        error("cumulative metric `\(name)` needs `input_metric`", at: node)
        return nil
      }
      guard let input else { return nil }
      var window: Interval?
      var grainToDate: TimeGrain?
      if let windowNode = cumulative?[key: "window"] ?? params[key: "window"] {
        guard let parsed = interval(windowNode) else { return nil }
        window = parsed
      }
      if let grainNode = cumulative?[key: "grain_to_date"] ?? params[key: "grain_to_date"] {
        guard let parsed = grain(grainNode) else { return nil }
        grainToDate = parsed
        if window != nil {
          error("`window` and `grain_to_date` cannot be used together", at: grainNode)
          return nil
        }
      }
      if let agg = cumulative?[key: "period_agg"] ?? params[key: "period_agg"],
        agg.string != "first"
      {
        error("only `period_agg: first` is supported", at: agg)
        return nil
      }
      kind = .cumulative(input: input, window: window, grainToDate: grainToDate)
    case "conversion":
      guard let conversion = conversion(params[key: "conversion_type_params"] ?? params, name, node)
      else { return nil }
      kind = .conversion(conversion)
    default:
      error(
        "metric `\(name)` has unknown type `\(type)`", at: typeNode ?? node,
        hint: "use simple, ratio, derived, cumulative or conversion")
      return nil
    }
    // The latest spec sets these on the metric, the legacy one on its measure input.
    let measure = params[key: "measure"].flatMap { $0.isMapping ? $0 : nil }
    var metric = Metric(
      name: name, kind: kind, filter: filter(node[key: "filter"]),
      fillNullsWith: (node[key: "fill_nulls_with"] ?? params[key: "fill_nulls_with"]
        ?? measure?[key: "fill_nulls_with"])?.string,
      range: range(node))
    if let join = node[key: "join_to_timespine"] ?? params[key: "join_to_timespine"]
      ?? measure?[key: "join_to_timespine"]
    {
      guard let value = join.string, value == "true" || value == "false" else {
        error("`join_to_timespine` is true or false", at: join)
        return nil
      }
      metric.joinsToTimeSpine = value == "true"
    }
    return metric
  }

  /// A conversion metric's parameters: the latest spec's `base_metric`/`conversion_metric`
  /// or the legacy `conversion_type_params` with `base_measure`/`conversion_measure`.
  private func conversion(_ params: YAMLNode, _ name: String, _ node: YAMLNode) -> Conversion? {
    func event(_ metricKey: String, _ measureKey: String) -> MetricInput? {
      if let metricNode = params[key: metricKey] { return input(metricNode) }
      if let measureNode = params[key: measureKey] {
        return input(measureNode).map {
          MetricInput(
            name: "measure:" + $0.name, alias: $0.name, filter: $0.filter, range: $0.range)
        }
      }
      error("conversion metric `\(name)` needs `\(metricKey)`", at: node)
      return nil
    }
    guard let base = event("base_metric", "base_measure"),
      let converted = event("conversion_metric", "conversion_measure")
    else { return nil }
    guard let entity = params[key: "entity"]?.string else {
      error(
        "conversion metric `\(name)` needs `entity` (the entity both events share)", at: node)
      return nil
    }
    var calculation = Conversion.Calculation.conversionRate
    if let calculationNode = params[key: "calculation"] {
      guard let parsed = Conversion.Calculation(rawValue: calculationNode.string ?? "") else {
        error(
          "unknown conversion calculation `\(calculationNode.string ?? "")`", at: calculationNode,
          hint: "use conversion_rate or conversions")
        return nil
      }
      calculation = parsed
    }
    var conversion = Conversion(
      base: base, conversion: converted, entity: entity, calculation: calculation)
    if let windowNode = params[key: "window"] {
      guard let window = interval(windowNode) else { return nil }
      conversion.window = window
    }
    for property in params[key: "constant_properties"]?.items ?? [] {
      guard let baseProperty = property[key: "base_property"]?.string,
        let conversionProperty = property[key: "conversion_property"]?.string
      else {
        error("a constant property needs `base_property` and `conversion_property`", at: property)
        return nil
      }
      conversion.constantProperties.append(
        .init(base: baseProperty, conversion: conversionProperty))
    }
    return conversion
  }

  func savedQuery(_ node: YAMLNode) -> SavedQuery? {
    guard let name = name(node, "saved query") else { return nil }
    let params = node[key: "query_params"] ?? node
    let metrics = (params[key: "metrics"]?.items ?? []).compactMap(\.string)
    guard !metrics.isEmpty else {
      error("saved query `\(name)` lists no `metrics`", at: node)
      return nil
    }
    let groupBy = (params[key: "group_by"]?.items ?? []).compactMap(\.string)
    var filters: [String] = []
    if let whereNode = params[key: "where"] {
      filters = whereNode.string.map { [$0] } ?? whereNode.items.compactMap(\.string)
    }
    return SavedQuery(
      name: name, metrics: metrics, groupBy: groupBy, filters: filters, range: range(node))
  }
}
