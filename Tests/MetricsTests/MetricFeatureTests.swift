import Adapter
import Diagnostics
import Foundation
import Metrics
import SwdbtTestSupport
import Testing

/// Conversion metrics, time-spine joins, grain-to-date offsets, two-hop joins, metric filters
/// and percentiles, run on PostgreSQL against figures worked out by hand from `MetricFixture`:
/// customers 1 (DE, signed up 01-01), 2 (FR, 01-15), 3 (DE, 02-01), 4 (ES, 03-01); orders
/// 01-05 c1 100, 01-20 c2 50, 02-03 c1 30, 02-10 c3 200, 03-15 c2 20.
@Suite struct MetricFeatureTests {
  let schema = "metrics_\(UUID().uuidString.prefix(8).lowercased())"

  private func rows(_ request: MetricRequest, more: String? = nil) async throws -> [[String?]] {
    let connection = try await PostgresServer.connect()
    defer {
      _ = try? connection.execute("drop schema if exists \(schema) cascade")
      connection.close()
    }
    _ = try connection.execute(MetricFixture.setupSQL(schema: schema))
    let (manifest, diagnostics) = MetricFixture.manifest(MetricFixture.yaml, more: more)
    #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
    let schema = self.schema
    let sql = try MetricCompiler(manifest: manifest) { "\"\(schema)\".\"\($0)\"" }.compile(request)
    return try connection.execute(sql).rows
  }

  /// Rows with their first column cut to the day.
  private func byDay(_ result: [[String?]]) -> [[String?]] {
    result.map { [$0[0].map { String($0.prefix(10)) }] + $0.dropFirst() }
  }

  @Test func conversionRateWithinAWindowByTheBaseEventsMonth() async throws {
    // Within 7 days: c1 (01-01 -> 01-05) and c2 (01-15 -> 01-20) convert, c3 (9 days) does not.
    let result = try await rows(
      MetricRequest(metrics: ["signup_conversion_7d", "signups"], groupBy: ["metric_time__month"]))
    #expect(
      byDay(result) == [
        ["2024-01-01", "1", "2"], ["2024-02-01", nil, "1"], ["2024-03-01", nil, "1"],
      ])
  }

  @Test func conversionsWithoutWindowCountEveryLaterEventOnce() async throws {
    // Each order goes to its customer's sign-up: January's sign-ups 4 orders, February's 1.
    let result = try await rows(
      MetricRequest(metrics: ["signup_orders"], groupBy: ["metric_time__month"]))
    #expect(byDay(result) == [["2024-01-01", "4"], ["2024-02-01", "1"], ["2024-03-01", nil]])
    let byCountry = try await rows(
      MetricRequest(metrics: ["signup_orders"], groupBy: ["customer__country"]))
    #expect(byCountry == [["DE", "3"], ["ES", nil], ["FR", "2"]])
  }

  @Test func joinToTimeSpineFillsEmptyPeriods() async throws {
    let result = try await rows(
      MetricRequest(
        metrics: ["revenue_filled"], groupBy: ["metric_time__month"],
        filters: ["{{ TimeDimension('metric_time', 'month') }} <= '2024-04-01'"]))
    #expect(result.map { $0[1] } == ["150", "230", "20", "0"])
    let allYear = try await rows(
      MetricRequest(metrics: ["revenue_filled"], groupBy: ["metric_time__month"]))
    #expect(allYear.count == 12)
  }

  @Test func legacyMeasureInputJoinsTheTimeSpineAndFillsNulls() async throws {
    let legacy = """
      semantic_models:
        - name: legacy_orders
          model: ref('orders')
          defaults: {agg_time_dimension: ordered_at}
          dimensions:
            - {name: ordered_at, type: time, type_params: {time_granularity: day}}
          measures:
            - {name: amount_total, agg: sum, expr: amount}
      metrics:
        - name: legacy_revenue_filled
          type: simple
          type_params:
            measure: {name: amount_total, join_to_timespine: true, fill_nulls_with: -1}
      """
    let result = try await rows(
      MetricRequest(
        metrics: ["legacy_revenue_filled"], groupBy: ["metric_time__month"],
        filters: ["{{ TimeDimension('metric_time', 'month') }} <= '2024-05-01'"]), more: legacy)
    #expect(result.map { $0[1] } == ["150", "230", "20", "-1", "-1"])
  }

  @Test func fillNullsWithFillsRowsOnlyOtherMetricsHave() async throws {
    // Without the spine: March has signups but no revenue; revenue_filled shows 0 there only
    // where the other metric has a row.
    let result = try await rows(
      MetricRequest(
        metrics: ["signups", "revenue_filled"], groupBy: ["metric_time__month"],
        filters: ["{{ TimeDimension('metric_time', 'month') }} <= '2024-03-01'"]))
    #expect(
      result.map { $0.dropFirst().map { $0 ?? "null" } } == [
        ["2", "150"], ["1", "230"], ["1", "20"],
      ])
  }

  @Test func offsetToGrainIsThePeriodStartsValueAndFiltersApplyAfterTheOffset() async throws {
    let result = try await rows(
      MetricRequest(
        metrics: ["revenue_at_year_start"], groupBy: ["metric_time__month"],
        filters: [
          "{{ TimeDimension('metric_time', 'month') }} between '2024-02-01' and '2024-03-01'"
        ]
      ))
    #expect(byDay(result) == [["2024-02-01", "150"], ["2024-03-01", "150"]])
  }

  @Test func offsetWindowWithTimeFilterReadsTheFilteredOutMonth() async throws {
    let result = try await rows(
      MetricRequest(
        metrics: ["revenue_growth"], groupBy: ["metric_time__month"],
        filters: ["{{ TimeDimension('metric_time', 'month') }} >= '2024-02-01'"]))
    #expect(result.map { $0[1] } == ["80", "-210", nil])
  }

  @Test func twoHopJoinThroughCustomerToRegion() async throws {
    let result = try await rows(
      MetricRequest(metrics: ["revenue"], groupBy: ["customer__region__name"]))
    #expect(result == [["north", "330"], ["south", "70"]])
    let filtered = try await rows(
      MetricRequest(
        metrics: ["order_count"], filters: ["{{ Dimension('customer__region__name') }} = 'south'"]
      ))
    #expect(filtered == [["2"]])
  }

  @Test func metricFilterComparesEachCustomersOrderCount() async throws {
    let result = try await rows(
      MetricRequest(
        metrics: ["revenue"], groupBy: ["customer__country"],
        filters: ["{{ Metric('order_count', group_by=['customer']) }} >= 2"]))
    #expect(result == [["DE", "130"], ["FR", "70"]])
  }

  @Test func entityFilterAndTimeDimensionGrainCall() async throws {
    let result = try await rows(
      MetricRequest(
        metrics: ["revenue"],
        filters: [
          "{{ Entity('customer') }} = 1",
          "{{ TimeDimension('order__ordered_at', 'month') }} = '2024-01-01'",
        ]))
    #expect(result == [["100"]])
  }

  @Test func continuousAndDiscretePercentiles() async throws {
    // Amounts 20, 30, 50, 100, 200: the continuous 90th percentile interpolates 100..200.
    let result = try await rows(MetricRequest(metrics: ["p90_continuous", "p90_amount"]))
    #expect(result == [["160", "200"]])
  }

  @Test func constantPropertiesJoinBothEventsOnTheirProperty() throws {
    let (manifest, diagnostics) = MetricFixture.manifest(
      MetricFixture.yaml,
      more: MetricFixture.moreYAML + """

          - name: same_country_conversion
            type: conversion
            entity: customer
            base_metric: signups
            conversion_metric: order_count
            constant_properties:
              - {base_property: country, conversion_property: status}
        """)
    #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
    let sql = try MetricCompiler(manifest: manifest) { "\"s\".\"\($0)\"" }.compile(
      MetricRequest(metrics: ["same_country_conversion"]))
    #expect(sql.contains("m0.\"d__country\" as \"__property0\""))
    #expect(sql.contains("m0.\"d__status\" as \"__property0\""))
    #expect(sql.contains("and b.\"__property0\" = c.\"__property0\""))
  }
}
