public import Diagnostics
public import Metrics
import OrderedCollections
public import Template

/// A dbt exposure, as a node of the lineage downstream of the models it reads; one of `type:
/// dashboard` with `charts:` is a page of the docs site.
public struct Exposure: Sendable {
  /// `exposure.<project>.<name>`, as dbt's unique ids.
  public var uniqueID: String
  public var name: String
  /// `label:`, else the name.
  public var label: String
  /// dbt's exposure types: dashboard, notebook, analysis, ml, application.
  public var type: String
  public var description: String
  /// The owner's name, else their email: what the site shows.
  public var owner: String?
  /// `owner: {name, email}` as written.
  public var ownerName: String? = nil
  public var ownerEmail: String? = nil
  /// dbt's maturity: high, medium, low (nil when absent).
  public var maturity: String? = nil
  public var tags: [String] = []
  /// `meta:` (and `config: {meta: ...}`) as a mapping.
  public var meta: Value = .dict([:])
  public var url: String?
  /// Model names from `depends_on: [ref('...')]` and from the charts' models.
  public var dependsOn: [String]
  /// Sources from `depends_on: [source('name', 'table')]`, as `name.table`.
  public var dependsOnSources: [String] = []
  /// The metrics it reads: `depends_on: [metric('x')]` and its charts' metrics, in order.
  public var metrics: [String] = []
  public var charts: [Chart]
  /// The properties file it is declared in, relative to the project root.
  public var path: String
  /// `[project, folders below the model path..., name]`, as dbt's.
  public var fqn: [String] = []

  /// The project it belongs to (the second part of its unique id).
  public var packageName: String {
    uniqueID.split(separator: ".").dropFirst().first.map(String.init) ?? ""
  }

  /// The package of each model or source it reads (`orders`, `src.tbl`) that is not its own:
  /// a package's exposure may read the root project's models, as dbt resolves its refs.
  public var readPackages: [String: String] = [:]

  /// The unique ids of the models and sources it reads, sorted, as dbt's `depends_on.nodes`.
  public var dependsOnNodes: [String] {
    (dependsOn.map { "model.\(readPackages[$0] ?? packageName).\($0)" }
      + dependsOnSources.map { "source.\(readPackages[$0] ?? packageName).\($0)" }).sorted()
  }
  public var range: SourceRange
}

/// One chart of a dashboard: what to query and how to draw it.
public struct Chart: Sendable {
  /// How the rows are drawn.
  public enum Kind: String, Sendable, CaseIterable {
    case line, bar, area, table, number
    case stackedBar = "stacked_bar"
  }

  /// How values are printed on axes, tooltips and tiles.
  public enum Format: String, Sendable, CaseIterable {
    case number, currency, percent
  }

  /// Where the rows come from.
  public enum Source: Sendable {
    /// A metric query; the first group-by is the x axis, a second one the series.
    case metrics(MetricRequest)
    /// Columns of a model: `x`, one or more `y`, and an optional `series` column.
    case model(
      name: String, x: String, y: [String], series: String?, filter: String?,
      orderBy: [String], limit: Int?)
  }

  public var title: String
  public var kind: Kind
  public var source: Source
  public var format: Format
  /// Per value column (`formats: {share: percent}`), over `format`: a table shows each
  /// column its own way.
  public var columnFormats: [String: Format] = [:]
  /// ISO 4217 code for `format: currency` (`EUR`); USD when absent.
  public var currency: String
  public var description: String?
  /// Axis titles (`labels: {x: ..., y: ...}`).
  public var xLabel: String?
  public var yLabel: String?
  /// The default time range; nil shows every row.
  public var timeRange: TimeRange?
  public var range: SourceRange
}

/// A chart's default time range, applied to its x column when that holds dates.
public enum TimeRange: Sendable, Equatable {
  /// `last_24_months`: the periods up to the latest one in the data (not today's date, so the
  /// figures of a historical warehouse stay on screen).
  case last(Int, TimeGrain)
  /// `start:` and/or `end:` as `YYYY-MM-DD`, inclusive.
  case between(start: String?, end: String?)
}
