import Adapter
import Foundation
import SwdbtTestSupport
import Testing

/// `swdbt query` on the warehouse's semantic layer gives the marts' figures.
// Serialized: its tests share the warehouse build and each starts several `swdbt` processes.
@Suite(.serialized) struct WarehouseMetricsTests {
  /// `swdbt query ... --output csv`, as rows of fields (header first).
  private func query(_ fixture: DatabaseFixture, _ arguments: [String]) throws -> [[String]] {
    let result = try fixture.swdbt(["query"] + arguments + ["--output", "csv"])
    guard result.status == 0 else {
      throw WarehouseTests.WarehouseError("swdbt query failed:\n\(result.stderr)")
    }
    return result.stdout.split(separator: "\n").map {
      $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }
  }

  private func mart(_ fixture: DatabaseFixture, _ sql: String) throws -> [[String]] {
    try fixture.rows(sql).map { $0.map { $0 ?? "" } }
  }

  /// A number rounded as the marts round.
  private func rounded(_ text: String, _ places: Int) -> String {
    guard let value = Double(text) else { return text }
    return String(format: "%.\(places)f", value)
  }

  @Test func revenueOrdersAndBasketPerMonthEqualTheSalesMart() async throws {
    let fixture = try await WarehouseTests.built.value
    let rows = try query(
      fixture,
      ["--metrics", "revenue,units,orders,average_basket", "--group-by", "metric_time__month"])
    #expect(rows.first == ["metric_time__month", "revenue", "units", "orders", "average_basket"])
    let fromMetrics = rows.dropFirst().map {
      [String($0[0].prefix(7)), $0[1], $0[2], $0[3], rounded($0[4], 2)]
    }
    let marts = fixture.relation("sales_revenue_by_month", schema: "marts")
    let basket = fixture.relation("kpi_average_basket_per_month", schema: "marts")
    let expected = try mart(
      fixture,
      "select m.year_month, m.revenue::text, m.units::text, m.orders::text, b.average_basket::text "
        + "from \(marts) m join \(basket) b using (year_month) where m.orders > 0 order by 1")
    #expect(fromMetrics.count == expected.count && !expected.isEmpty)
    #expect(fromMetrics == expected)
    #expect(fromMetrics.contains { $0[0] == "2024-03" && $0[1] == "11857.11" })
  }

  @Test func quartersYearsAndYearOverYearGrowthEqualTheSalesMart() async throws {
    let fixture = try await WarehouseTests.built.value
    let quarters = try query(
      fixture, ["--metrics", "revenue", "--group-by", "metric_time__quarter"])
    let expected = try mart(
      fixture,
      "select revenue::text from \(fixture.relation("sales_revenue_by_quarter", schema: "marts"))"
        + " where revenue > 0 order by year, quarter")
    #expect(quarters.dropFirst().map { [$0[1]] } == expected)
    let years = try query(fixture, ["--metrics", "revenue", "--group-by", "metric_time__year"])
    let expectedYears = try mart(
      fixture,
      "select revenue::text from \(fixture.relation("sales_revenue_by_year", schema: "marts"))"
        + " where revenue > 0 order by year")
    #expect(years.dropFirst().map { [$0[1]] } == expectedYears)
    let growth = try query(
      fixture, ["--metrics", "revenue_mom_growth", "--group-by", "metric_time__month"])
    let expectedGrowth = try mart(
      fixture,
      "select year_month, mom_growth::text from "
        + fixture.relation("sales_revenue_by_month", schema: "marts")
        + " where mom_growth is not null and revenue > 0 order by 1")
    let computed = growth.dropFirst().filter { !$0[1].isEmpty }.map {
      [String($0[0].prefix(7)), rounded($0[1], 4)]
    }
    #expect(!expectedGrowth.isEmpty)
    #expect(
      computed.filter { row in expectedGrowth.contains { $0[0] == row[0] } } == expectedGrowth)
  }

  @Test func categoriesProductsCustomersAndCountriesEqualTheMarts() async throws {
    let fixture = try await WarehouseTests.built.value
    let categories = try query(
      fixture,
      ["--metrics", "revenue,units", "--group-by", "product__category", "--order-by", "-revenue"])
    #expect(
      Array(categories.dropFirst())
        == (try mart(
          fixture,
          "select category, revenue::text, units::text from "
            + fixture.relation("sales_top_categories", schema: "marts") + " order by revenue_rank"))
    )
    let products = try query(fixture, ["--metrics", "units", "--group-by", "product"])
    let productMart = try mart(
      fixture,
      "select product_id::text, units::text from "
        + fixture.relation("kpi_sales_volume_per_product", schema: "marts")
        + " order by product_id")
    // Compared as sets: the mart's product_id and the fact's sort differently.
    #expect(Set(products.dropFirst()) == Set(productMart) && productMart.count == 50)
    let signups = try query(
      fixture, ["--metrics", "new_customers", "--group-by", "metric_time__month"])
    #expect(
      signups.dropFirst().map { [String($0[0].prefix(7)), $0[1]] }
        == (try mart(
          fixture,
          "select signup_month, new_customers::text from "
            + fixture.relation("kpi_new_customers_per_month", schema: "marts") + " order by 1")))
    let countries = try query(
      fixture, ["--metrics", "new_customers", "--group-by", "customer__country_code"])
    #expect(
      Array(countries.dropFirst())
        == (try mart(
          fixture,
          "select country_code, customers::text from "
            + fixture.relation("kpi_customers_per_country", schema: "marts") + " order by 1")))
  }

  @Test func filtersCompileJSONAndErrors() async throws {
    let fixture = try await WarehouseTests.built.value
    let germany = try query(
      fixture,
      [
        "--metrics", "revenue", "--where", "{{ Dimension('customer__country_code') }} = 'DE'",
      ])
    let expected = try fixture.scalar(
      "select sum(f.revenue)::text from \(fixture.relation("fact_sales", schema: "star")) f join "
        + fixture.relation("dim_customers", schema: "star")
        + " c using (customer_id) where c.country_code = 'DE'")
    #expect(germany.last == [expected ?? "missing"])
    let json = try fixture.swdbt([
      "query", "--metrics", "revenue", "--group-by", "metric_time__year", "--output", "json",
    ])
    #expect(json.status == 0, "\(json.stderr)")
    // 79227.28 + 331766.10 = 410993.38, the fact table's total.
    #expect(json.stdout.contains("\"revenue\":79227.28}"), "\(json.stdout)")
    #expect(json.stdout.contains("\"revenue\":331766.1}"), "\(json.stdout)")
    let compiled = try fixture.swdbt(["query", "--metrics", "revenue", "--compile"])
    #expect(compiled.stdout.hasPrefix("select \"revenue\"\nfrom ("), "\(compiled.stdout)")
    let unknown = try fixture.swdbt(["query", "--metrics", "revenu"])
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("unknown metric `revenu`"), "\(unknown.stderr)")
    #expect(unknown.stderr.contains("did you mean `revenue`?"), "\(unknown.stderr)")
  }

  @Test func signUpToFirstOrderConversionEqualsTheStarSchema() async throws {
    let fixture = try await WarehouseTests.built.value
    let customers = fixture.relation("dim_customers", schema: "star")
    let orders = fixture.relation("dim_orders", schema: "star")
    let converted = try query(
      fixture, ["--metrics", "signups_converted", "--group-by", "customer__country_code"])
    // A customer converts with any order on or after the sign-up day.
    let expected = try mart(
      fixture,
      "select c.country_code, count(distinct o.customer_id)::text from \(customers) c "
        + "join \(orders) o on o.customer_id = c.customer_id and o.order_date >= c.signup_date "
        + "group by 1 order by 1")
    #expect(!expected.isEmpty)
    #expect(Array(converted.dropFirst().filter { !$0[1].isEmpty }) == expected)
    let rate = try query(
      fixture,
      ["--metrics", "signup_to_first_order_rate", "--group-by", "metric_time__month"])
    let expectedRate = try mart(
      fixture,
      "select to_char(date_trunc('month', c.signup_date), 'YYYY-MM'), "
        + "round(count(distinct o.customer_id)::numeric / count(distinct c.customer_id), 4)::text "
        + "from \(customers) c left join \(orders) o on o.customer_id = c.customer_id "
        + "and o.order_date between c.signup_date and c.signup_date + 30 "
        + "group by 1 having count(o.customer_id) > 0 order by 1")
    let fromMetrics = rate.dropFirst().filter { !$0[1].isEmpty }.map {
      [String($0[0].prefix(7)), rounded($0[1], 4)]
    }
    #expect(!expectedRate.isEmpty)
    #expect(fromMetrics == expectedRate)
  }
}
