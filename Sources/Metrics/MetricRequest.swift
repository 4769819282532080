import Diagnostics

/// What `swdbt query` asks for: metrics, their group-by, filters, order and limit.
public struct MetricRequest: Sendable {
  public var metrics: [String]
  public var groupBy: [String]
  public var filters: [String]
  /// Group-by names or metric names; a leading `-` sorts descending, as `mf query --order`.
  public var orderBy: [String]
  public var limit: Int?

  public init(
    metrics: [String], groupBy: [String] = [], filters: [String] = [], orderBy: [String] = [],
    limit: Int? = nil
  ) {
    self.metrics = metrics
    self.groupBy = groupBy
    self.filters = filters
    self.orderBy = orderBy
    self.limit = limit
  }

  /// A saved query's request.
  public init(_ saved: SavedQuery) {
    self.init(metrics: saved.metrics, groupBy: saved.groupBy, filters: saved.filters)
  }
}

/// One group-by item: `metric_time__month`, `customer__country`, `order__ordered_at__year`,
/// `sales_order__customer__country` (two hops), or an entity (`customer`).
struct GroupItem: Equatable {
  enum Kind: Equatable {
    case metricTime(TimeGrain)
    /// A dimension reached through `path`, a list of one or two entities.
    case dimension(path: [String], name: String, grain: TimeGrain?)
    case entity(String)
  }
  var kind: Kind
  /// The output column: the request's name, with the grain MetricFlow adds.
  var column: String

  var isMetricTime: Bool {
    if case .metricTime = kind { return true }
    return false
  }

  /// Parses a group-by name; also accepts the Jinja forms saved queries use
  /// (`Dimension('customer__country')`, `TimeDimension('metric_time', 'month')`).
  static func parse(_ raw: String) throws(Diagnostic) -> GroupItem {
    let name = try TemplateCall.normalizedName(raw)
    let parts = name.split(separator: "__", omittingEmptySubsequences: false).map(String.init)
    guard !name.isEmpty, !parts.contains(where: \.isEmpty) else {
      throw .error("metrics.group-by", "`\(raw)` is not a group-by name")
    }
    if parts[0] == "metric_time" {
      guard parts.count <= 2 else {
        throw .error("metrics.group-by", "`\(raw)` is not a group-by name")
      }
      let grainText = parts.count == 2 ? parts[1] : "day"
      guard let grain = TimeGrain(rawValue: grainText) else {
        throw .error(
          "metrics.group-by", "unknown time grain `\(grainText)` in `\(raw)`",
          hint: "use "
            + TimeGrain.allCases.map { "metric_time__\($0.rawValue)" }.joined(
              separator: ", "))
      }
      return GroupItem(kind: .metricTime(grain), column: "metric_time__\(grain.rawValue)")
    }
    // `entity__dimension`, `entity__entity__dimension` (two hops, as MetricFlow allows), each
    // optionally followed by a time grain.
    var path = parts
    var grain: TimeGrain?
    if path.count >= 3, let last = path.last, let parsed = TimeGrain(rawValue: last) {
      grain = parsed
      path.removeLast()
    }
    switch path.count {
    case 1 where grain == nil:
      return GroupItem(kind: .entity(path[0]), column: name)
    case 2, 3:
      let dimension = path.removeLast()
      return GroupItem(kind: .dimension(path: path, name: dimension, grain: grain), column: name)
    default:
      throw .error(
        "metrics.group-by",
        "`\(raw)`: a dimension is reached through at most two entities "
          + "(entity__dimension or entity__entity__dimension)")
    }
  }
}
