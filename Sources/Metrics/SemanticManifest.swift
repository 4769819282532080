public import Diagnostics

/// A time grain of `metric_time` and time dimensions, as MetricFlow names them.
public enum TimeGrain: String, Sendable, CaseIterable, Comparable {
  case day, week, month, quarter, year

  var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

  public static func < (lhs: TimeGrain, rhs: TimeGrain) -> Bool { lhs.rank < rhs.rank }
}

/// An entity: a key that identifies rows of a semantic model and joins it to others.
public struct Entity: Sendable {
  public enum Kind: String, Sendable { case primary, foreign, unique, natural }
  public var name: String
  public var kind: Kind
  /// The SQL expression over the model's columns.
  public var expression: String
}

/// A dimension: an attribute metrics are grouped and filtered by.
public struct Dimension: Sendable {
  public var name: String
  public var isTime: Bool
  public var expression: String
  /// The finest grain of a time dimension.
  public var grain: TimeGrain
}

/// An aggregation of one expression of a semantic model: a legacy measure, or the body of a
/// simple metric in the latest spec.
public struct Aggregation: Sendable {
  public enum Function: String, Sendable {
    case sum, count
    case countDistinct = "count_distinct"
    case average, min, max, median, percentile
    case sumBoolean = "sum_boolean"
  }
  public var function: Function
  public var expression: String
  /// `percentile` only: between 0 and 1.
  public var percentile: Double?
  /// `percentile` only: `percentile_disc` rather than `percentile_cont`.
  public var isDiscrete = false
  /// `percentile` only: `use_approximate_percentile` (PostgreSQL has no approximate percentile).
  public var isApproximate = false
  /// The time dimension `metric_time` stands for; nil: the model's `agg_time_dimension`.
  public var aggTimeDimension: String?
}

/// A semantic model: one dbt model seen as entities, dimensions and measures.
public struct SemanticModel: Sendable {
  public var name: String
  /// The dbt model it reads.
  public var model: String
  public var entities: [Entity] = []
  public var dimensions: [Dimension] = []
  /// Legacy measures by name.
  public var measures: [String: Aggregation] = [:]
  public var defaultAggTimeDimension: String?
  public var range: SourceRange

  func entity(_ name: String) -> Entity? { entities.first { $0.name == name } }
  func dimension(_ name: String) -> Dimension? { dimensions.first { $0.name == name } }

  /// The entity other models join to: the primary (or unique, natural) one.
  var primaryEntities: [Entity] { entities.filter { $0.kind != .foreign } }
}

/// A metric's input: another metric, with an optional alias, filter and offset.
public struct MetricInput: Sendable {
  public var name: String
  public var alias: String?
  public var filter: String?
  public var offsetWindow: Interval?
  /// `offset_to_grain`: the value at the start of this grain's period.
  public var offsetToGrain: TimeGrain?
  public var range: SourceRange

  public var columnName: String { alias ?? name }
}

/// A calendar interval (`1 month`, `7 days`).
public struct Interval: Sendable, Equatable {
  public var count: Int
  public var grain: TimeGrain

  /// PostgreSQL's interval literal.
  var sql: String { "interval '\(count) \(grain.rawValue)'" }
}

/// A metric, as MetricFlow defines its kinds.
public struct Metric: Sendable {
  public enum Kind: Sendable {
    /// An aggregation over a semantic model (a latest-spec simple metric or a legacy measure).
    case simple(semanticModel: String, Aggregation)
    case ratio(numerator: MetricInput, denominator: MetricInput)
    case derived(expression: String, inputs: [MetricInput])
    case cumulative(input: MetricInput, window: Interval?, grainToDate: TimeGrain?)
    case conversion(Conversion)
  }
  public var name: String
  public var kind: Kind
  public var filter: String?
  public var fillNullsWith: String?
  public var range: SourceRange
  /// `join_to_timespine`: one row per period of the time spine, empty periods included.
  public var joinsToTimeSpine = false
}

/// A conversion metric's parameters: base events of an entity followed, within a window, by
/// conversion events of the same entity.
public struct Conversion: Sendable {
  public enum Calculation: String, Sendable {
    case conversionRate = "conversion_rate"
    case conversions
  }
  /// A property both events must share (`base_property` on the base event's model,
  /// `conversion_property` on the conversion event's).
  public struct ConstantProperty: Sendable {
    public var base: String
    public var conversion: String
  }
  public var base: MetricInput
  public var conversion: MetricInput
  public var entity: String
  public var calculation: Calculation
  public var window: Interval?
  public var constantProperties: [ConstantProperty] = []
}

/// A saved query: a named request.
public struct SavedQuery: Sendable {
  public var name: String
  public var metrics: [String]
  public var groupBy: [String]
  public var filters: [String]
  public var range: SourceRange
}

/// Everything the project's YAML declares for the semantic layer.
public struct SemanticManifest: Sendable {
  public var semanticModels: [String: SemanticModel] = [:]
  public var metrics: [String: Metric] = [:]
  public var savedQueries: [String: SavedQuery] = [:]
  /// The time spine: its dbt model and its day column.
  public var timeSpine: (model: String, column: String)?

  public init() {}
}
