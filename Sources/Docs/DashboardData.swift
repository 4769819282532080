public import Adapter
import Diagnostics
public import Exposures
public import Metrics
import Template

/// The rows of every chart of the dashboards, queried on the target by `docs generate`, and
/// their JSON for the site's `data.js`.
public struct DashboardData: Sendable {
  /// One chart's rows, or why there are none.
  public struct ChartRows: Sendable {
    public var columns: [String] = []
    public var rows: [[String?]] = []
    /// The x column, the value columns and the series column, by name.
    public var x: String?
    public var y: [String] = []
    public var series: String?
    public var sql: String = ""
    public var error: String?
  }

  public var exposures: [Exposure]
  /// Per exposure id, one entry per chart.
  public var charts: [String: [ChartRows]]
  /// Set when no chart was queried (the target did not answer, or `--empty-catalog`).
  public var unavailable: String?

  /// Exposures whose charts were not queried, with the reason the pages show.
  public static func unavailable(_ exposures: [Exposure], reason: String) -> DashboardData {
    DashboardData(exposures: exposures, charts: [:], unavailable: reason)
  }

  /// The SQL of one chart: its metric query compiled by the Metrics library, or a select of the
  /// model's columns; with the column roles of its result.
  public static func query(
    _ chart: Chart, semantic: SemanticManifest, relation: @escaping (String) -> String?
  ) -> ChartRows {
    var rows = ChartRows()
    switch chart.source {
    case .metrics(var request):
      if request.orderBy.isEmpty, let first = request.groupBy.first { request.orderBy = [first] }
      do throws(Diagnostic) {
        rows.sql = try MetricCompiler(manifest: semantic, relation: relation).compile(request)
      } catch {
        rows.error = error.message
      }
    case .model(let name, let x, let y, let series, let filter, let orderBy, let limit):
      guard let table = relation(name) else {
        rows.error = "model `\(name)` has no relation"
        return rows
      }
      let columns = [x] + y + (series.map { [$0] } ?? [])
      let order = (orderBy.isEmpty ? [x] : orderBy).map { item in
        item.hasPrefix("-")
          ? SQLQuoting.identifier(String(item.dropFirst())) + " desc"
          : SQLQuoting.identifier(item)
      }
      rows.sql =
        "select " + columns.map(SQLQuoting.identifier).joined(separator: ", ") + " from " + table
        + (filter.map { " where " + $0 } ?? "") + " order by " + order.joined(separator: ", ")
        + (limit.map { " limit \($0)" } ?? "")
      (rows.x, rows.y, rows.series) = (x, y, series)
    }
    return rows
  }

  /// Runs every chart's query on `connection`; a failing chart carries its error, the others
  /// are drawn.
  public static func run(
    _ exposures: [Exposure], semantic: SemanticManifest, relation: @escaping (String) -> String?,
    connection: any DatabaseConnection
  ) -> DashboardData {
    var charts: [String: [ChartRows]] = [:]
    for exposure in exposures where !exposure.charts.isEmpty {
      charts[exposure.uniqueID] = exposure.charts.map { chart in
        var rows = query(chart, semantic: semantic, relation: relation)
        guard rows.error == nil else { return rows }
        do throws(DatabaseError) {
          let result = try connection.execute(rows.sql)
          rows.columns = result.columns
          rows.rows = result.rows
          if case .metrics(let request) = chart.source {
            // A metric query's columns: its group-bys, then its metrics.
            let groups = min(request.groupBy.count, result.columns.count)
            rows.x = groups > 0 ? result.columns[0] : nil
            rows.series = groups > 1 ? result.columns[1] : nil
            rows.y = Array(result.columns[groups...])
          }
          if let range = chart.timeRange, let x = rows.x,
            let column = result.columns.firstIndex(of: x)
          {
            rows.rows = TimeWindow.keep(rows.rows, column: column, range: range)
          }
          if let x = rows.x, let column = result.columns.firstIndex(of: x) {
            rows.rows = TimeWindow.periodLabels(rows.rows, column: column, name: x)
          }
        } catch {
          rows.error = "database error: " + error.message
        }
        return rows
      }
    }
    return DashboardData(exposures: exposures, charts: charts, unavailable: nil)
  }

  /// `{"exposures": {id: {...}}, "dashboards": {"unavailable": ..., "charts": {id: [...]}}}`'s
  /// two values, written into `data.js`.
  func write(exposuresInto writer: inout JSONWriter) {
    writer.beginObject()
    for exposure in exposures {
      writer.key(exposure.uniqueID)
      writer.beginObject()
      for (key, value) in [
        ("unique_id", exposure.uniqueID), ("name", exposure.name), ("label", exposure.label),
        ("resource_type", "exposure"), ("type", exposure.type),
        ("description", exposure.description), ("original_file_path", exposure.path),
        (
          "package_name",
          exposure.uniqueID.split(separator: ".").dropFirst().first.map(String.init) ?? ""
        ),
      ] {
        writer.key(key)
        writer.string(value)
      }
      writer.key("owner")
      writer.string(exposure.owner)
      writer.key("url")
      writer.string(exposure.url)
      writer.key("fqn")
      writer.strings(["exposures", exposure.name])
      writer.key("tags")
      writer.strings([])
      writer.key("depends_on")
      writer.beginObject()
      writer.key("nodes")
      writer.strings(exposure.dependsOn)
      writer.endObject()
      writer.key("charts")
      writer.beginArray()
      for (index, chart) in exposure.charts.enumerated() {
        write(chart, rows: charts[exposure.uniqueID]?[index], into: &writer)
      }
      writer.endArray()
      writer.endObject()
    }
    writer.endObject()
  }

  private func write(_ chart: Chart, rows: ChartRows?, into writer: inout JSONWriter) {
    writer.beginObject()
    writer.key("title")
    writer.string(chart.title)
    writer.key("kind")
    writer.string(chart.kind.rawValue)
    writer.key("format")
    writer.string(chart.format.rawValue)
    writer.key("formats")
    writer.beginObject()
    for (column, format) in chart.columnFormats.sorted(by: { $0.key < $1.key }) {
      writer.key(column)
      writer.string(format.rawValue)
    }
    writer.endObject()
    writer.key("currency")
    writer.string(chart.currency)
    writer.key("description")
    writer.string(chart.description)
    writer.key("xLabel")
    writer.string(chart.xLabel)
    writer.key("yLabel")
    writer.string(chart.yLabel)
    writer.key("error")
    writer.string(rows == nil ? unavailable ?? "not queried" : rows?.error)
    writer.key("sql")
    writer.string(rows?.sql)
    writer.key("x")
    writer.string(rows?.x)
    writer.key("y")
    writer.strings(rows?.y ?? [])
    writer.key("series")
    writer.string(rows?.series)
    writer.key("columns")
    writer.strings(rows?.columns ?? [])
    writer.key("rows")
    writer.beginArray()
    for row in rows?.rows ?? [] {
      writer.beginArray()
      for cell in row { writer.string(cell) }
      writer.endArray()
    }
    writer.endArray()
    writer.endObject()
  }
}
