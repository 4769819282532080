import Diagnostics
import Metrics
import Testing

/// Bad conversion, offset, percentile, multi-hop and metric-filter input: located YAML errors,
/// or compile errors that name the problem.
@Suite struct MetricFeatureErrorTests {
  private func located(_ more: String) -> [String] {
    MetricFixture.manifest(MetricFixture.yaml, more: more).1.map { diagnostic in
      "\(diagnostic.range?.file.path ?? ""):\(diagnostic.range?.start.line ?? 0): \(diagnostic.message)"
    }
  }

  @Test func conversionWithoutEntityOrWithUnknownCalculationIsLocated() {
    #expect(
      located(
        """
        metrics:
          - name: c
            type: conversion
            base_metric: signups
            conversion_metric: order_count
          - name: d
            type: conversion
            entity: customer
            calculation: ratio
            base_metric: signups
            conversion_metric: order_count
          - name: e
            type: conversion
            entity: customer
            base_metric: signups
            conversion_metric: orders
        """) == [
          "models/more.yml:2: conversion metric `c` needs `entity` (the entity both events share)",
          "models/more.yml:9: unknown conversion calculation `ratio`",
          "models/more.yml:16: metric `e` uses unknown metric `orders`",
        ])
  }

  @Test func offsetWindowAndOffsetToGrainTogetherIsLocated() {
    #expect(
      located(
        """
        metrics:
          - name: x
            type: derived
            expr: r
            input_metrics:
              - name: revenue
                alias: r
                offset_window: 1 month
                offset_to_grain: month
        """) == [
          "models/more.yml:9: `offset_window` and `offset_to_grain` cannot be used together"
        ])
  }

  @Test func badJoinToTimeSpineAndPercentileTypeAreLocated() {
    #expect(
      located(
        """
        models:
          - name: more_orders
            semantic_model: true
            agg_time_dimension: at
            columns:
              - {name: at, granularity: day, dimension: {type: time}}
            metrics:
              - {name: a, type: simple, agg: sum, expr: x, join_to_timespine: yes please}
              - {name: b, type: simple, agg: percentile, percentile: 0.5, expr: x,
                 percentile_type: fuzzy}
        """) == [
          "models/more.yml:8: `join_to_timespine` is true or false",
          "models/more.yml:10: unknown percentile_type `fuzzy`",
        ])
  }

  @Test func approximatePercentileIsAnErrorOnPostgreSQL() throws {
    let (manifest, diagnostics) = MetricFixture.manifest(
      MetricFixture.yaml,
      more: """
        semantic_models:
          - name: amounts
            model: ref('orders')
            defaults: {agg_time_dimension: ordered_at}
            dimensions:
              - {name: ordered_at, type: time, type_params: {time_granularity: day}}
            measures:
              - name: p50
                agg: percentile
                expr: amount
                create_metric: true
                agg_params: {percentile: 0.5, use_approximate_percentile: true}
        """)
    #expect(diagnostics.isEmpty)
    let compiler = MetricCompiler(manifest: manifest) { "\"s\".\"\($0)\"" }
    #expect {
      try compiler.compile(MetricRequest(metrics: ["p50"]))
    } throws: { error in
      let diagnostic = error as? Diagnostic
      return diagnostic?.message
        == "metric `p50` asks for an approximate percentile, which PostgreSQL does not have"
        && diagnostic?.range?.start.line == 8
    }
  }

  @Test func tooManyHopsAndMetricFilterWithoutGroupByNameTheProblem() {
    let compiler = MetricFixture.compiler(schema: "s")
    #expect {
      try compiler.compile(
        MetricRequest(metrics: ["revenue"], groupBy: ["customer__region__planet__name"]))
    } throws: { error in
      (error as? Diagnostic)?.message.contains("at most two entities") == true
    }
    #expect {
      try compiler.compile(
        MetricRequest(metrics: ["revenue"], groupBy: ["customer__planet__name"]))
    } throws: { error in
      (error as? Diagnostic)?.message
        == "no semantic model with primary entity `customer` has entity `planet` (asked for "
        + "`customer__planet__name` with metric `revenue`)"
    }
    #expect {
      try compiler.compile(
        MetricRequest(metrics: ["revenue"], filters: ["{{ Metric('order_count') }} > 1"]))
    } throws: { error in
      (error as? Diagnostic)?.message
        == "`Metric('order_count')` in a filter needs `group_by=['entity']`"
    }
    #expect {
      try compiler.compile(
        MetricRequest(
          metrics: ["revenue"], filters: ["{{ Metric('order_cnt', group_by=['customer']) }} > 1"]
        ))
    } throws: { error in
      (error as? Diagnostic)?.hint == "did you mean `order_count`?"
    }
  }

  @Test func conversionOverANonSimpleMetricIsAnError() {
    let (manifest, _) = MetricFixture.manifest(
      MetricFixture.yaml,
      more: """
        metrics:
          - name: c
            type: conversion
            entity: customer
            base_metric: revenue_per_order
            conversion_metric: order_count
        """)
    let compiler = MetricCompiler(manifest: manifest) { "\"s\".\"\($0)\"" }
    #expect {
      try compiler.compile(MetricRequest(metrics: ["c"]))
    } throws: { error in
      let diagnostic = error as? Diagnostic
      return diagnostic?.message
        == "the base metric of `c` must be a simple metric; `revenue_per_order` is not"
        && diagnostic?.range?.start.line == 5
    }
  }
}
