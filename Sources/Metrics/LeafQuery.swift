import Diagnostics

/// The SQL of one aggregation over one semantic model, grouped by the request's items: the
/// model and the models its entities join (one hop, foreign to primary), filtered, grouped.
struct LeafQuery {
  let manifest: SemanticManifest
  let relation: (String) -> String?
  let model: SemanticModel
  let metric: Metric
  let aggregation: Aggregation
  /// Models joined so far, by alias (the entity path joined with `__`), each joined from
  /// `from` (the base model's alias or an earlier join's) on `entity`.
  private(set) var joins: [(alias: String, model: SemanticModel, entity: Entity, from: String)] =
    []
  /// Metrics that filters compare against (`{{ Metric('orders', group_by=['customer']) }}`),
  /// each a subquery joined on its entities.
  private(set) var metricJoins: [(alias: String, sql: String, conditions: [String])] = []
  /// Compiles a metric grouped by items, for metric filters.
  var compileMetric: ((String, [GroupItem]) throws(Diagnostic) -> String)?

  init(
    manifest: SemanticManifest, relation: @escaping (String) -> String?, model: SemanticModel,
    metric: Metric, aggregation: Aggregation
  ) {
    self.manifest = manifest
    self.relation = relation
    self.model = model
    self.metric = metric
    self.aggregation = aggregation
  }

  static let baseAlias = "m0"

  /// The expression of the metric's time dimension (what `metric_time` stands for).
  func metricTime(_ grain: TimeGrain) throws(Diagnostic) -> String {
    guard let name = aggregation.aggTimeDimension ?? model.defaultAggTimeDimension,
      let dimension = model.dimension(name), dimension.isTime
    else {
      throw .error(
        "metrics.metric-time",
        "metric `\(metric.name)` has no time dimension, so it cannot be grouped by metric_time",
        at: metric.range, hint: "set `agg_time_dimension` on semantic model `\(model.name)`")
    }
    return "date_trunc('\(grain.rawValue)', \(Self.baseAlias).\(quote("d__" + dimension.name)))"
  }

  /// The expression of a group-by item or filter reference, joining a model when needed.
  mutating func expression(for item: GroupItem) throws(Diagnostic) -> String {
    switch item.kind {
    case .metricTime(let grain):
      return try metricTime(grain)
    case .entity(let name):
      guard model.entity(name) != nil else {
        throw .error(
          "metrics.group-by",
          "entity `\(name)` is not an entity of semantic model `\(model.name)` "
            + "(metric `\(metric.name)`)",
          hint: Suggestions.didYouMean(name, in: model.entities.map(\.name)))
      }
      return "\(Self.baseAlias).\(quote("e__" + name))"
    case .dimension(let path, let name, let grain):
      let (alias, dimension) = try locate(path: path, dimension: name, column: item.column)
      let column = "\(alias).\(quote("d__" + dimension.name))"
      guard dimension.isTime else {
        if grain != nil {
          throw .error(
            "metrics.group-by", "`\(item.column)`: `\(name)` is not a time dimension")
        }
        return column
      }
      return "date_trunc('\((grain ?? dimension.grain).rawValue)', \(column))"
    }
  }

  /// An element of the metric's own model by name: an entity or a dimension.
  func ownElement(_ name: String, of what: String) throws(Diagnostic) -> String {
    if model.entity(name) != nil { return "\(Self.baseAlias).\(quote("e__" + name))" }
    if model.dimension(name) != nil { return "\(Self.baseAlias).\(quote("d__" + name))" }
    throw .error(
      "metrics.invalid",
      "\(what) `\(name)` is neither an entity nor a dimension of semantic model `\(model.name)`",
      at: metric.range,
      hint: Suggestions.didYouMean(
        name, in: model.entities.map(\.name) + model.dimensions.map(\.name)))
  }

  /// Finds dimension `name` through the entities of `path`, from the metric's model: an
  /// entity that is the current model's own key stays on it; any other entity joins the
  /// model whose key it is (MetricFlow's rule: at most two such hops).
  private mutating func locate(path: [String], dimension name: String, column: String)
    throws(Diagnostic) -> (alias: String, dimension: Dimension)
  {
    var current = model
    var currentAlias = Self.baseAlias
    for (index, entityName) in path.enumerated() {
      let isLast = index == path.count - 1
      // What the next step needs from the model reached by this entity.
      let serves = { (candidate: SemanticModel) -> Bool in
        isLast ? candidate.dimension(name) != nil : candidate.entity(path[index + 1]) != nil
      }
      if let own = current.entity(entityName), own.kind != .foreign, serves(current) {
        continue
      }
      let alias = path[...index].joined(separator: "__")
      if let joined = joins.first(where: { $0.alias == alias }), serves(joined.model) {
        current = joined.model
        currentAlias = quote(alias)
        continue
      }
      guard current.entity(entityName) != nil else {
        throw .error(
          "metrics.group-by",
          "`\(column)` is not reachable from metric `\(metric.name)`: semantic model "
            + "`\(current.name)` has no entity `\(entityName)`",
          hint: Suggestions.didYouMean(entityName, in: current.entities.map(\.name)))
      }
      let from = current.name
      let candidates = manifest.semanticModels.values.sorted { $0.name < $1.name }.filter {
        $0.name != from && $0.primaryEntities.contains { $0.name == entityName } && serves($0)
      }
      guard let target = candidates.first, let targetEntity = target.entity(entityName) else {
        let wanted = isLast ? "dimension `\(name)`" : "entity `\(path[index + 1])`"
        throw .error(
          "metrics.group-by",
          "no semantic model with primary entity `\(entityName)` has \(wanted) "
            + "(asked for `\(column)` with metric `\(metric.name)`)")
      }
      joins.append((alias, target, targetEntity, currentAlias))
      current = target
      currentAlias = quote(alias)
    }
    guard let dimension = current.dimension(name) else {
      throw .error(
        "metrics.group-by",
        "semantic model `\(current.name)` has no dimension `\(name)` (asked for `\(column)`)",
        hint: Suggestions.didYouMean(name, in: current.dimensions.map(\.name)))
    }
    return (currentAlias, dimension)
  }

  /// A metric compared in a filter: the metric grouped by the entities of `group_by`, left
  /// joined on them; the reference is its value.
  private mutating func metricReference(_ call: TemplateCall, at range: SourceRange?)
    throws(Diagnostic) -> String
  {
    let name = call.arguments[0]
    guard let compileMetric else {
      throw .error("metrics.filter", "metric filters are not available here", at: range)
    }
    guard !call.groupBy.isEmpty else {
      throw .error(
        "metrics.filter", "`Metric('\(name)')` in a filter needs `group_by=['entity']`",
        at: range, hint: "write {{ Metric('\(name)', group_by=['customer']) }}")
    }
    var items: [GroupItem] = []
    var keys: [String] = []
    for entry in call.groupBy {
      let item = try GroupItem.parse(entry)
      guard case .entity = item.kind else {
        throw .error(
          "metrics.filter",
          "`Metric('\(name)')` in a filter is grouped by entities only, not `\(entry)`",
          at: range)
      }
      items.append(item)
      keys.append(try expression(for: item))
    }
    let alias = "__metric_" + ([name] + call.groupBy).joined(separator: "__")
    if !metricJoins.contains(where: { $0.alias == alias }) {
      let sql = try compileMetric(name, items)
      let conditions = zip(keys, items).map { key, item in
        key + " = " + quote(alias) + "." + quote(item.column)
      }
      metricJoins.append((alias, sql, conditions))
    }
    return quote(alias) + "." + quote(name)
  }

  /// A filter with its `{{ ... }}` calls resolved in this query.
  mutating func render(_ filter: String, at range: SourceRange?) throws(Diagnostic) -> String {
    try TemplateCall.render(filter, at: range) { (call) throws(Diagnostic) -> String in
      if call.function == "Metric" { return try metricReference(call, at: range) }
      var name = call.arguments[0]
      if call.function == "TimeDimension", call.arguments.count > 1 {
        name += "__" + call.arguments[1]
      } else if let grain = call.grain {
        name += "__" + grain
      }
      do throws(Diagnostic) {
        return try expression(for: GroupItem.parse(name))
      } catch {
        var located = error
        if located.range == nil { located.range = range }
        throw located
      }
    }
  }

  /// One model's elements under fixed names, so that expressions written against its own
  /// columns stay unambiguous after joins.
  private func elements(of model: SemanticModel, measure: String?) throws(Diagnostic) -> String {
    guard let table = relation(model.model) else {
      throw .error(
        "metrics.model", "semantic model `\(model.name)` reads unknown model `\(model.model)`",
        at: model.range)
    }
    var columns = model.entities.map { "\($0.expression) as \(quote("e__" + $0.name))" }
    columns += model.dimensions.map { "\($0.expression) as \(quote("d__" + $0.name))" }
    if let measure { columns.append("\(measure) as \"m__value\"") }
    if columns.isEmpty { columns = ["1 as \"m__one\""] }
    return "(select " + columns.joined(separator: ", ") + " from " + table + ")"
  }

  /// The aggregate over the measure column.
  var aggregate: String { Self.aggregate(aggregation, of: "\(Self.baseAlias).\"m__value\"") }

  /// An aggregation's SQL over `value`.
  static func aggregate(_ aggregation: Aggregation, of value: String) -> String {
    switch aggregation.function {
    case .sum: return "sum(\(value))"
    case .count: return "count(\(value))"
    case .countDistinct: return "count(distinct \(value))"
    case .average: return "avg(\(value))"
    case .min: return "min(\(value))"
    case .max: return "max(\(value))"
    case .median: return "percentile_cont(0.5) within group (order by \(value))"
    case .percentile:
      let function = aggregation.isDiscrete ? "percentile_disc" : "percentile_cont"
      return "\(function)(\(aggregation.percentile ?? 0.5)) within group (order by \(value))"
    case .sumBoolean: return "sum(case when \(value) then 1 else 0 end)"
    }
  }

  /// The `from` clause: the metric's model and each joined model.
  func fromClause() throws(Diagnostic) -> String {
    var sql = try elements(of: model, measure: aggregation.expression) + " as " + Self.baseAlias
    for join in joins {
      sql +=
        "\n  left join " + (try elements(of: join.model, measure: nil)) + " as "
        + quote(join.alias) + " on " + join.from + "." + quote("e__" + join.entity.name)
        + " = " + quote(join.alias) + "." + quote("e__" + join.entity.name)
    }
    for join in metricJoins {
      sql +=
        "\n  left join (\n" + join.sql + "\n) as " + quote(join.alias) + " on "
        + join.conditions.joined(separator: " and ")
    }
    return sql
  }
}

/// A double-quoted SQL identifier.
func quote(_ name: String) -> String {
  "\"" + name.replacing("\"", with: "\"\"") + "\""
}
