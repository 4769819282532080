import Foundation
import SwdbtTestSupport
import Testing

/// The warehouse's Sales and Customers dashboards: `docs generate` queries their charts on the
/// target, the figures equal the marts', and Chromium draws every chart.
@Suite(.serialized) struct WarehouseDashboardTests {
  /// `data.js`'s exposures: id -> exposure.
  static func exposures(_ fixture: DatabaseFixture) throws -> [String: [String: Any]] {
    // `window.SWDBT_DATA = JSON.parse('<JSON with \ and ' escaped>');`
    let script = try fixture.project.read("target/docs/data.js")
    let literal = script.drop(while: { $0 != "{" }).reversed().drop(while: { $0 != "}" })
      .reversed()
    var json = ""
    var escaped = false
    for character in literal {
      if !escaped && character == "\\" {
        escaped = true
      } else {
        json.append(character)
        escaped = false
      }
    }
    let data = try #require(
      try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    return try #require(data["exposures"] as? [String: [String: Any]])
  }

  /// A chart's rows as (x, first y) pairs.
  static func points(_ exposure: [String: Any]?, _ title: String) throws -> [(String, Double?)] {
    let charts = try #require(exposure?["charts"] as? [[String: Any]])
    let chart = try #require(charts.first { $0["title"] as? String == title }, "no chart \(title)")
    #expect(chart["error"] is NSNull, "\(title): \(chart["error"] ?? "")")
    let columns = try #require(chart["columns"] as? [String])
    let x = try #require(columns.firstIndex(of: chart["x"] as? String ?? ""))
    let y = try #require(columns.firstIndex(of: (chart["y"] as? [String])?.first ?? ""))
    let rows = try #require(chart["rows"] as? [[Any]])
    return rows.map { row in ("\(row[x])", (row[y] as? String).flatMap(Double.init)) }
  }

  static func mart(_ fixture: DatabaseFixture, _ sql: String) throws -> [(String, Double?)] {
    try fixture.rows(sql).map { ($0[0] ?? "", $0[1].flatMap(Double.init)) }
  }

  static func expectSame(
    _ chart: [(String, Double?)], _ mart: [(String, Double?)], _ what: String
  ) {
    #expect(chart.map(\.0) == mart.map(\.0), "\(what): x values")
    for ((x, a), (_, b)) in zip(chart, mart) {
      #expect(abs((a ?? 0) - (b ?? 0)) < 0.006, "\(what) at \(x): chart \(a ?? 0), mart \(b ?? 0)")
    }
  }

  @Test func chartsShowTheMartsFiguresAndEveryChartIsDrawn() async throws {
    let fixture = try await WarehouseTests.built.value
    let generate = try fixture.swdbt(["docs", "generate"])
    #expect(generate.status == 0, "\(generate.stderr)")
    let exposures = try Self.exposures(fixture)
    let sales = exposures["exposure.shop.sales"]
    let customers = exposures["exposure.shop.customers"]
    #expect(
      (sales?["depends_on"] as? [String: [String]])?["nodes"]?.contains("fact_sales") == true)

    // Metric charts against the sales mart: every month with sales, and the quarters.
    Self.expectSame(
      try Self.points(sales, "Revenue by month"),
      try Self.mart(
        fixture,
        "select year_month, revenue from \(fixture.relation("sales_revenue_by_month", schema: "marts")) where revenue > 0 "
          + "order by year_month"), "revenue by month")
    Self.expectSame(
      try Self.points(sales, "Revenue by quarter"),
      try Self.mart(
        fixture,
        "select year_quarter, revenue from \(fixture.relation("sales_revenue_by_quarter", schema: "marts")) "
          + "where revenue > 0 order by year, quarter"), "revenue by quarter")
    Self.expectSame(
      try Self.points(sales, "Revenue by year"),
      try Self.mart(
        fixture,
        "select year::text, revenue from \(fixture.relation("sales_revenue_by_year", schema: "marts")) order by year"
      ),
      "revenue by year")
    Self.expectSame(
      try Self.points(sales, "Top 10 products by revenue"),
      try Self.mart(
        fixture,
        "select product_name, revenue from \(fixture.relation("sales_top_products", schema: "marts")) "
          + "where revenue_rank <= 10 order by revenue_rank"), "top products")
    Self.expectSame(
      try Self.points(sales, "Average basket by month"),
      try Self.mart(
        fixture,
        "select year_month, average_basket from \(fixture.relation("kpi_average_basket_per_month", schema: "marts")) "
          + "where orders > 0 order by year_month"), "average basket")
    Self.expectSame(
      try Self.points(customers, "Customers per country").sorted { $0.0 < $1.0 },
      try Self.mart(
        fixture,
        "select country_code, customers from \(fixture.relation("kpi_customers_per_country", schema: "marts")) "
          + "order by country_code"), "customers per country")
    Self.expectSame(
      try Self.points(customers, "Sign-ups by month"),
      try Self.mart(
        fixture,
        "select signup_month, new_customers from \(fixture.relation("customer_signups_by_month", schema: "marts")) "
          + "where signup_month is not null order by signup_month"), "sign-ups")
    // The churn metrics against the customer mart's churn rate (rounded to 4 places there).
    let churn = try #require(
      (customers?["charts"] as? [[String: Any]])?.first { $0["title"] as? String == "Churn rate" })
    let churnRate = ((churn["rows"] as? [[Any]])?.first?.first as? String).flatMap(Double.init)
    let martRate = try fixture.scalar(
      "select churn_rate from \(fixture.relation("customer_churn_rate", schema: "marts"))")
    #expect(abs((churnRate ?? 0) - (martRate.flatMap(Double.init) ?? 1)) < 0.00005)

    // Both pages in Chromium: every chart has plotted marks and, unless a tile or a table,
    // labelled axes.
    let page = "file://" + fixture.project.root + "/target/docs/index.html"
    let screens = WarehouseTests.repositoryRoot + "/target/docs-screens"
    try? FileManager.default.createDirectory(atPath: screens, withIntermediateDirectories: true)
    for (name, count) in [("sales", 11), ("customers", 8)] {
      let dom = try WarehouseTests.chromium(
        ["--window-size=1600,1000", "--dump-dom", page + "#dashboard/" + name])
      let figures = dom.matches(
        of:
          /<figure class="chart kind-([a-z_]+)" data-index="\d+" data-kind="[a-z_]+" data-marks="(\d+)">(.*?)<\/figure>/
      )
      #expect(figures.count == count, "\(name): \(figures.count) charts")
      for figure in figures {
        let kind = String(figure.output.1)
        let body = String(figure.output.3)
        #expect((Int(figure.output.2) ?? 0) > 0, "\(name): a \(kind) chart with no marks")
        #expect(!body.contains("chart-error"), "\(name): \(body.prefix(300))")
        switch kind {
        case "number": #expect(body.contains("class=\"tile-value value mark\""))
        case "table": #expect(body.contains("<tr class=\"mark\">"))
        default:
          #expect(body.contains("class=\"mark "), "\(name) \(kind): plotted marks")
          #expect(body.matches(of: /class="axis-label axis-title"[^>]*>[^<]+</).count == 2)
          #expect(body.matches(of: /class="tick-label y-tick"/).count >= 3)
          #expect(body.contains("data-tip="), "hover shows the value")
        }
      }
      #expect(dom.contains("class=\"nav-dashboard active\""), "the header links the page")
      // A table's share column is drawn as a percentage (`formats:`), not as 0.43.
      #expect(
        dom.firstMatch(of: /<td class="num">\d+(\.\d+)?%<\/td>/) != nil,
        "\(name): no share shown as a percentage")
      let screenshot = "\(screens)/dashboard-\(name).png"
      try? FileManager.default.removeItem(atPath: screenshot)
      _ = try WarehouseTests.chromium([
        "--window-size=1600,2600", "--screenshot=" + screenshot, page + "#dashboard/" + name,
      ])
      let size = (try? FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0
      #expect(size > 50_000, "no screenshot at \(screenshot)")
    }
    // The lineage: the dashboard is a node downstream of what it reads, and opens its page.
    let graph = try WarehouseTests.chromium(
      ["--window-size=1600,1000", "--dump-dom", page + "#graph"])
    let lineage = LineageDOM(graph, svgID: "graph-svg")
    #expect(lineage.boxes["exposure.shop.sales"] != nil)
    #expect(lineage.drawnEdges.contains("model.shop.sales_top_products -> exposure.shop.sales"))
    let node = try WarehouseTests.chromium(
      ["--window-size=1600,1000", "--dump-dom", page + "#node/exposure.shop.customers"])
    #expect(node.contains("<div class=\"page dashboard\" data-id=\"exposure.shop.customers\">"))
  }

  @Test func withoutADatabaseTheDashboardPagesSaySoAndTheSiteIsWritten() async throws {
    let fixture = try await WarehouseTests.unbuilt("dashboards_offline")
    let pointed = try fixture.project.read("project.yml").replacing(
      "host: \(fixture.socketDirectory)", with: "host: /nonexistent-socket-dir")
    try fixture.project.write("project.yml", pointed)
    let generate = try fixture.swdbt(["docs", "generate"])
    #expect(generate.status == 0, "\(generate.stderr)")
    #expect(generate.stderr.contains("dashboard charts not queried"), "\(generate.stderr)")
    let sales = try #require(try Self.exposures(fixture)["exposure.shop.sales"])
    let charts = try #require(sales["charts"] as? [[String: Any]])
    #expect(
      charts.allSatisfy { ($0["error"] as? String)?.contains("did not answer") == true })
    let page = "file://" + fixture.project.root + "/target/docs/index.html"
    let dom = try WarehouseTests.chromium(["--dump-dom", page + "#dashboard/sales"])
    #expect(dom.contains("<div class=\"banner\">No data: the target did not answer"))
    let graph = try WarehouseTests.chromium(["--dump-dom", page + "#graph"])
    #expect(LineageDOM(graph, svgID: "graph-svg").boxes["model.shop.fact_sales"] != nil)
  }
}
