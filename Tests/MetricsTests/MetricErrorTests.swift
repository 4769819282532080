import Diagnostics
import Metrics
import Testing

/// Mistakes in the YAML are errors at their line; mistakes in a request name what is wrong.
@Suite struct MetricErrorTests {
  private func located(_ yaml: String) -> [String] {
    MetricFixture.manifest(yaml).1.map { diagnostic in
      "\(diagnostic.range?.start.line ?? 0): \(diagnostic.message)"
    }
  }

  @Test func unknownAggregationIsLocated() {
    let messages = located(
      """
      models:
        - name: orders
          semantic_model: true
          metrics:
            - name: revenue
              type: simple
              agg: total
      """)
    #expect(messages == ["7: unknown aggregation `total`"])
  }

  @Test func unknownInputMetricIsLocatedWithSuggestion() {
    let (_, diagnostics) = MetricFixture.manifest(
      MetricFixture.yaml + """

          - name: broken
            type: ratio
            numerator: revenu
            denominator: order_count
        """)
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first?.message == "metric `broken` uses unknown metric `revenu`")
    #expect(diagnostics.first?.range?.start.line == 82)
    #expect(diagnostics.first?.hint == "did you mean `revenue`?")
  }

  @Test func legacySpecReadsMeasuresMetricsAndSavedQueries() {
    let (manifest, diagnostics) = MetricFixture.manifest(
      """
      semantic_models:
        - name: orders
          model: ref('orders')
          defaults: {agg_time_dimension: ordered_at}
          entities:
            - {name: order, type: primary, expr: order_id}
          dimensions:
            - {name: ordered_at, type: time, type_params: {time_granularity: day}}
          measures:
            - {name: amount, agg: sum}
      metrics:
        - name: revenue
          type: simple
          type_params: {measure: amount}
        - name: running
          type: cumulative
          type_params: {measure: amount, cumulative_type_params: {window: 7 days}}
      saved_queries:
        - name: monthly
          query_params:
            metrics: [revenue]
            group_by: ["TimeDimension('metric_time', 'month')"]
      """)
    #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
    #expect(manifest.semanticModels["orders"]?.model == "orders")
    #expect(manifest.metrics["revenue"] != nil && manifest.metrics["running"] != nil)
    let compiler = MetricCompiler(manifest: manifest) { "\"s\".\"\($0)\"" }
    let saved = try? manifest.savedQueries["monthly"].map {
      try compiler.compile(MetricRequest($0))
    }
    #expect(
      saved?.contains("date_trunc('month', m0.\"d__ordered_at\") as \"metric_time__month\"") == true
    )
  }

  @Test func cycleAndBothKindsOfWindowAreErrors() {
    let messages = located(
      """
      metrics:
        - {name: a, type: derived, expr: b, input_metrics: [b]}
        - {name: b, type: derived, expr: a, input_metrics: [a]}
        - name: c
          type: cumulative
          input_metric: a
          window: 1 month
          grain_to_date: month
      """)
    #expect(messages.contains("2: metric `a` depends on itself: a -> b -> a"))
    #expect(messages.contains("8: `window` and `grain_to_date` cannot be used together"))
  }

  @Test func unreachableGroupByAndUnknownMetricNameTheProblem() {
    let compiler = MetricFixture.compiler(schema: "s")
    #expect {
      try compiler.compile(MetricRequest(metrics: ["revenue"], groupBy: ["product__category"]))
    } throws: { error in
      (error as? Diagnostic)?.message
        == "`product__category` is not reachable from metric `revenue`: semantic model `orders` "
        + "has no entity `product`"
    }
    #expect {
      try compiler.compile(MetricRequest(metrics: ["revenu"]))
    } throws: { error in
      (error as? Diagnostic)?.hint == "did you mean `revenue`?"
    }
    #expect {
      try compiler.compile(MetricRequest(metrics: ["revenue_growth"]))
    } throws: { error in
      (error as? Diagnostic)?.message.contains("needs metric_time in the group-by") == true
    }
  }

  @Test func badFilterIsLocatedAtTheMetric() {
    let (manifest, _) = MetricFixture.manifest(
      """
      models:
        - name: orders
          semantic_model: true
          columns:
            - {name: id, entity: {type: primary, name: order}}
          metrics:
            - name: revenue
              type: simple
              agg: sum
              expr: amount
              filter: "{{ Dimension('order__nope') }} = 1"
      """)
    let compiler = MetricCompiler(manifest: manifest) { "\"s\".\"\($0)\"" }
    #expect {
      try compiler.compile(MetricRequest(metrics: ["revenue"]))
    } throws: { error in
      (error as? Diagnostic)?.range?.start.line == 7
    }
  }
}
