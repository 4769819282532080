import Adapter
import Diagnostics
import Foundation
import Metrics
import SwdbtTestSupport
import Testing

/// Each metric type compiled and run on PostgreSQL, against figures worked out by hand from
/// `MetricFixture`'s five orders.
@Suite struct MetricCompilerTests {
  let schema = "metrics_\(UUID().uuidString.prefix(8).lowercased())"

  private func rows(_ request: MetricRequest) async throws -> [[String?]] {
    let connection = try await PostgresServer.connect()
    defer {
      _ = try? connection.execute("drop schema if exists \(schema) cascade")
      connection.close()
    }
    _ = try connection.execute(MetricFixture.setupSQL(schema: schema))
    let sql = try MetricFixture.compiler(schema: schema).compile(request)
    return try connection.execute(sql).rows
  }

  private func months(_ metric: String) -> MetricRequest {
    MetricRequest(metrics: [metric], groupBy: ["metric_time__month"])
  }

  @Test func fixtureReadsWithoutDiagnostics() {
    let (manifest, diagnostics) = MetricFixture.manifest()
    #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
    #expect(manifest.semanticModels.keys.sorted() == ["customers", "orders", "regions"])
    #expect(manifest.timeSpine?.model == "days")
  }

  @Test func simpleAggregationsByMonth() async throws {
    let request = MetricRequest(
      metrics: [
        "revenue", "order_count", "buyers", "average_amount", "smallest", "largest",
        "median_amount", "large_orders",
      ], groupBy: ["metric_time__month"])
    let result = try await rows(request)
    #expect(
      result.map { $0.dropFirst().map { $0 ?? "null" } } == [
        ["150", "2", "2", "75.0000000000000000", "50", "100", "75", "1"],
        ["230", "2", "2", "115.0000000000000000", "30", "200", "115", "1"],
        ["20", "1", "1", "20.0000000000000000", "20", "20", "20", "0"],
      ])
    #expect(result.first?.first??.hasPrefix("2024-01-01") == true)
  }

  @Test func percentileAndMetricFilterAndRatio() async throws {
    let result = try await rows(
      MetricRequest(metrics: ["p90_amount", "shipped_revenue", "revenue_per_order"]))
    #expect(result == [["200", "330", "80"]])
  }

  @Test func dimensionThroughForeignEntityJoinsTheOtherModel() async throws {
    let result = try await rows(MetricRequest(metrics: ["revenue"], groupBy: ["customer__country"]))
    #expect(result == [["DE", "330"], ["FR", "70"]])
  }

  @Test func whereFiltersOnJoinedDimensionAndTimeDimension() async throws {
    var request = MetricRequest(
      metrics: ["revenue"], filters: ["{{ Dimension('customer__country') }} = 'FR'"])
    #expect(try await rows(request) == [["70"]])
    request.filters = ["{{ TimeDimension('metric_time', 'month') }} = '2024-02-01'"]
    #expect(try await rows(request) == [["230"]])
  }

  @Test func derivedWithOffsetWindowIsLastMonthsValue() async throws {
    let result = try await rows(months("revenue_growth"))
    #expect(result.map { $0[1] } == [nil, "80", "-210", nil])
    #expect(result.last?.first??.hasPrefix("2024-04-01") == true)
  }

  @Test func derivedInputFilter() async throws {
    #expect(try await rows(MetricRequest(metrics: ["german_revenue"])) == [["330"]])
  }

  @Test func cumulativeAllTimeAndGrainToDateTakeEachMonthsFirstDay() async throws {
    let allTime = try await rows(months("revenue_to_date"))
    #expect(allTime.prefix(4).map { $0[1] } == ["100", "150", "380", "400"])
    #expect(allTime.count == 12)
    let monthToDate = try await rows(months("revenue_mtd"))
    #expect(monthToDate.map { $0[1] } == ["100", "30", "20"])
    // A distinct count does not add up day by day: its window reads the rows.
    let buyers = try await rows(months("buyers_to_date"))
    #expect(buyers.prefix(4).map { $0[1] } == ["1", "2", "3", "3"])
  }

  @Test func cumulativeWindowByDay() async throws {
    let result = try await rows(
      MetricRequest(
        metrics: ["revenue_7d"], groupBy: ["metric_time__day"], limit: 8))
    #expect(
      result.map { String(($0[0] ?? "").prefix(10)) + "=" + ($0[1] ?? "") } == [
        "2024-01-05=100", "2024-01-06=100", "2024-01-07=100", "2024-01-08=100", "2024-01-09=100",
        "2024-01-10=100", "2024-01-11=100", "2024-01-20=50",
      ])
  }

  @Test func grainsTruncateMetricTime() async throws {
    let result = try await rows(
      MetricRequest(metrics: ["revenue"], groupBy: ["metric_time__quarter", "metric_time__year"]))
    #expect(result.map { [String(($0[0] ?? "").prefix(10)), $0[2]] } == [["2024-01-01", "400"]])
  }

  @Test func orderByDescendingAndLimit() async throws {
    let result = try await rows(
      MetricRequest(
        metrics: ["revenue"], groupBy: ["customer__country"], orderBy: ["-revenue"], limit: 1))
    #expect(result == [["DE", "330"]])
  }
}
