import Diagnostics

/// The SQL of one aggregation over one semantic model, grouped by the request's items: the
/// model and the models its entities join (one hop, foreign to primary), filtered, grouped.
struct LeafQuery {
  let manifest: SemanticManifest
  let relation: (String) -> String?
  let model: SemanticModel
  let metric: Metric
  let aggregation: Aggregation
  /// Models joined so far, by alias (the entity name).
  private(set) var joins: [(alias: String, model: SemanticModel, entity: Entity)] = []

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
    case .dimension(let entityName, let name, let grain):
      let (alias, dimension) = try locate(entity: entityName, dimension: name, column: item.column)
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

  /// Finds dimension `name` through entity `entityName`: on the metric's model when that
  /// entity is its own key, else on the model whose key it is, joined on the entity.
  private mutating func locate(entity entityName: String, dimension name: String, column: String)
    throws(Diagnostic) -> (alias: String, dimension: Dimension)
  {
    if let own = model.entity(entityName), own.kind != .foreign,
      let dimension = model.dimension(name)
    {
      return (Self.baseAlias, dimension)
    }
    if let joined = joins.first(where: { $0.alias == entityName }),
      let dimension = joined.model.dimension(name)
    {
      return (quote(joined.alias), dimension)
    }
    guard model.entity(entityName) != nil else {
      throw .error(
        "metrics.group-by",
        "`\(column)` is not reachable from metric `\(metric.name)`: semantic model "
          + "`\(model.name)` has no entity `\(entityName)`",
        hint: Suggestions.didYouMean(entityName, in: model.entities.map(\.name)))
    }
    let candidates = manifest.semanticModels.values.sorted { $0.name < $1.name }.filter {
      $0.name != model.name && $0.primaryEntities.contains { $0.name == entityName }
        && $0.dimension(name) != nil
    }
    guard let target = candidates.first, let dimension = target.dimension(name),
      let targetEntity = target.entity(entityName)
    else {
      throw .error(
        "metrics.group-by",
        "no semantic model with primary entity `\(entityName)` has dimension `\(name)` "
          + "(asked for `\(column)` with metric `\(metric.name)`)")
    }
    joins.append((entityName, target, targetEntity))
    return (quote(entityName), dimension)
  }

  /// A filter with its `{{ ... }}` calls resolved in this query.
  mutating func render(_ filter: String, at range: SourceRange?) throws(Diagnostic) -> String {
    try TemplateCall.render(filter, at: range) { (call) throws(Diagnostic) -> String in
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
  var aggregate: String {
    let value = "\(Self.baseAlias).\"m__value\""
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
        + quote(join.alias) + " on " + Self.baseAlias + "." + quote("e__" + join.entity.name)
        + " = " + quote(join.alias) + "." + quote("e__" + join.entity.name)
    }
    return sql
  }
}

/// A double-quoted SQL identifier.
func quote(_ name: String) -> String {
  "\"" + name.replacing("\"", with: "\"\"") + "\""
}
