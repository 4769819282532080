import Diagnostics
import Docs
import Exposures
import Metrics
import Testing

/// `exposures:` with `charts:`: every key is checked, and mistakes are errors at their line.
@Suite struct ExposureReaderTests {
  static let semanticYAML = """
    models:
      - name: fact_sales
        semantic_model: true
        agg_time_dimension: date_day
        columns:
          - name: order_line_id
            entity: {type: primary, name: order_line}
          - name: date_day
            granularity: day
            dimension: {type: time}
        metrics:
          - name: revenue
            type: simple
            agg: sum
            expr: revenue
          - name: orders
            type: simple
            agg: count_distinct
            expr: order_id
          - name: average_basket
            type: ratio
            numerator: revenue
            denominator: orders
    """

  static func read(_ exposures: String) -> ([Exposure], [Diagnostic]) {
    let sink = CollectingSink()
    let semantic = SemanticReader.read(
      [SourceFile(path: "models/_semantic.yml", text: semanticYAML)], sink: sink)
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let exposureSink = CollectingSink()
    let read = ExposureReader.read(
      [SourceFile(path: "models/_dashboards.yml", text: exposures)], projectName: "shop",
      models: ["fact_sales", "sales_by_year", "dim_customers"], sources: ["crm.customers"],
      semantic: semantic,
      sink: exposureSink)
    return (read, exposureSink.diagnostics)
  }

  static func dashboard(_ charts: String) -> String {
    """
    exposures:
      - name: sales
        type: dashboard
        charts:
    \(charts)
    """
  }

  @Test func readsMetricAndModelChartsAndTheModelsTheyRead() throws {
    let (exposures, diagnostics) = Self.read(
      """
      exposures:
        - name: sales
          label: Sales
          type: dashboard
          owner: {name: Sales analytics}
          depends_on: [ref('dim_customers')]
          charts:
            - title: Average basket
              kind: line
              metrics: [average_basket]
              group_by: [metric_time__month]
              format: currency
              currency: EUR
              time_range: last_24_months
              labels: {x: Month, y: Basket}
            - title: By year
              kind: bar
              model: ref('sales_by_year')
              x: year
              y: [revenue, units]
              start: "2023-01-01"
              end: "2024-12-31"
      """)
    #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
    let sales = try #require(exposures.first)
    #expect(sales.uniqueID == "exposure.shop.sales")
    #expect(sales.label == "Sales" && sales.owner == "Sales analytics")
    // The ratio metric reads fact_sales through its inputs.
    #expect(sales.dependsOn == ["dim_customers", "fact_sales", "sales_by_year"])
    #expect(sales.charts.map(\.kind) == [.line, .bar])
    #expect(sales.charts[0].timeRange == .last(24, .month))
    #expect(sales.charts[0].currency == "EUR" && sales.charts[0].format == .currency)
    #expect(sales.charts[0].xLabel == "Month" && sales.charts[0].yLabel == "Basket")
    #expect(sales.charts[1].timeRange == .between(start: "2023-01-01", end: "2024-12-31"))
    guard case .model(let name, let x, let y, _, _, _, _) = sales.charts[1].source else {
      Issue.record("not a model chart")
      return
    }
    #expect(name == "sales_by_year" && x == "year" && y == ["revenue", "units"])
  }

  @Test func tablesTakeAFormatPerColumn() throws {
    let (exposures, diagnostics) = Self.read(
      Self.dashboard(
        """
              - title: Years
                kind: table
                model: ref('sales_by_year')
                x: year
                y: [revenue, share]
                format: currency
                formats: {share: percent}
        """))
    #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
    let chart = try #require(exposures.first?.charts.first)
    #expect(chart.format == .currency)
    #expect(chart.columnFormats == ["share": .percent])

    let (rejected, problems) = Self.read(
      Self.dashboard(
        """
              - title: Years
                kind: table
                model: ref('sales_by_year')
                x: year
                y: [share]
                formats: {share: pct}
        """))
    #expect(rejected.isEmpty)
    #expect(
      DiagnosticRenderer().render(problems) == """
        models/_dashboards.yml:10:26: error: unknown format `pct` for column `share`
        10 |         formats: {share: pct}
           |                          ^~~
        hint: use one of number, currency, percent

        """, "\(DiagnosticRenderer().render(problems))")
  }

  @Test func unknownChartKeyIsLocatedWithSuggestion() {
    let (exposures, diagnostics) = Self.read(
      Self.dashboard(
        """
              - title: Revenue
                kind: bar
                metrics: [revenue]
                group_by: [metric_time__month]
                titel: oops
        """))
    #expect(exposures.isEmpty)
    #expect(
      DiagnosticRenderer().render(diagnostics) == """
        models/_dashboards.yml:9:9: error: unknown key `titel` in chart
        9 |         titel: oops
          |         ^~~~~
        hint: did you mean `title`?

        """, "\(DiagnosticRenderer().render(diagnostics))")
  }

  @Test(arguments: [
    ("kind: pie", "unknown chart kind `pie`", 8),
    ("kind: bar\n        format: currancy", "unknown chart format `currancy`", 9),
    ("kind: bar\n        time_range: last_two_months", "`last_two_months` is not a time range", 9),
    ("kind: bar\n        start: 2024/01/01", "`2024/01/01` is not a date", 9),
    (
      "kind: bar\n        model: ref('fact_sales')",
      "chart `T` has both `metrics:` and `model:`; keep one", 9
    ),
    (
      "kind: bar\n        x: month",
      "`x` is for model charts; a metric chart's axes are its `group_by` and metrics", 9
    ),
    ("kind: bar\n        currency: euro", "`currency` is an ISO 4217 code such as EUR or USD", 9),
  ])
  func invalidChartValuesAreLocated(line: String, message: String, at expectedLine: Int) {
    let (_, diagnostics) = Self.read(
      Self.dashboard(
        """
              - title: T
                metrics: [revenue]
                group_by: [metric_time__month]
                \(line)
        """))
    #expect(diagnostics.map(\.message) == [message])
    #expect(diagnostics.first?.range?.start.line == expectedLine, "\(diagnostics.map(\.message))")
  }

  @Test func unknownMetricAndModelSuggestTheClosestName() {
    let (_, diagnostics) = Self.read(
      Self.dashboard(
        """
              - title: A
                kind: bar
                metrics: [revenu]
                group_by: [metric_time__month]
              - title: B
                kind: bar
                model: ref('sales_by_yaer')
                x: year
                y: revenue
        """))
    #expect(
      diagnostics.map(\.message) == [
        "unknown metric `revenu`", "unknown model `sales_by_yaer` in `ref`",
      ])
    #expect(
      diagnostics.map(\.hint) == ["did you mean `revenue`?", "did you mean `sales_by_year`?"])
    #expect(diagnostics.compactMap { $0.range?.start.line } == [7, 11])
  }

  @Test func exposureKeysTypeAndChartsOnOtherTypesAreChecked() {
    let (exposures, diagnostics) = Self.read(
      """
      exposures:
        - name: nb
          type: notebok
          depends_on: [ref('fact_sales')]
        - name: app
          type: application
          dependson: []
          charts: []
      """)
    #expect(exposures.isEmpty)
    #expect(
      diagnostics.map(\.message) == [
        "exposure `nb` needs a `type`: dashboard, notebook, analysis, ml, application",
        "unknown key `dependson` in exposure",
        "`charts` are drawn for exposures of `type: dashboard` only",
      ])
    #expect(diagnostics.map(\.hint).first == "did you mean `notebook`?")
    #expect(diagnostics.compactMap { $0.range?.start.line } == [3, 7, 8])
  }

  @Test func dependsOnTakesDbtsRefSourceAndMetricForms() throws {
    let (exposures, diagnostics) = Self.read(
      """
      exposures:
        - name: nb
          type: notebook
          depends_on:
            - ref('shop', 'dim_customers')
            - source('crm', 'customers')
            - metric('revenue')
            - source('crm', 'custmers')
        - name: off
          type: notebook
          config: {enabled: false}
          depends_on: [ref('nothing')]
      """)
    #expect(diagnostics.map(\.message) == ["unknown source `crm.custmers` in `depends_on`"])
    #expect(diagnostics.first?.hint == "did you mean `crm.customers`?")
    #expect(diagnostics.first?.range?.start.line == 8)
    #expect(exposures.isEmpty)
  }

  @Test func lineAndBarChartsOfMetricsNeedAGroupBy() {
    let (_, diagnostics) = Self.read(
      Self.dashboard(
        """
              - title: Revenue
                kind: line
                metrics: [revenue]
              - title: Total
                kind: number
                metrics: [revenue]
        """))
    #expect(diagnostics.map(\.message) == ["a line chart needs `group_by` (its x axis)"])
    #expect(diagnostics.first?.range?.start.line == 6)
  }
}
