import SwdbtTestSupport
import Testing

/// The warehouse's unit tests, and what an ordinary incremental run does with a late change.
@Suite struct WarehouseIncrementalTests {
  @Test func unitTestsPassOnAnEmptyDatabase() async throws {
    let fixture = try await WarehouseTests.unbuilt("warehouse_unit")
    let test = try fixture.swdbt(["test", "--select", "test_type:unit"])
    #expect(test.status == 0, "\(test.stdout)\(test.stderr)")
    #expect(test.stdout.contains("PASS=5"), "\(test.stdout)")
  }

  @Test func anOrderCancelledAfterLoadingLeavesTheFactAndMartsOnAnOrdinaryRun() async throws {
    let fixture = try await WarehouseTests.freshBuild("warehouse_cancel")
    let fact = fixture.relation("fact_sales", schema: "star")
    let byMonth = fixture.relation("sales_revenue_by_month", schema: "marts")
    // The oldest order with lines: far outside the incremental lookback window.
    let order = try #require(
      try fixture.scalar("select order_id from \(fact) order by date_day, order_id limit 1"))
    let lost = try #require(
      try fixture.scalar("select sum(revenue) from \(fact) where order_id = \(order)"))
    let before = try #require(try fixture.scalar("select sum(revenue) from \(fact)"))
    _ = try fixture.rows(
      "update \(fixture.relation("raw_orders", schema: "raw")) set status = 'cancelled' "
        + "where order_id::text = '\(order)'")
    let run = try fixture.swdbt(["run"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try fixture.scalar("select count(*) from \(fact) where order_id = \(order)") == "0")
    #expect(
      try fixture.scalar("select (\(before) - \(lost)) = sum(revenue) from \(fact)") == "t")
    #expect(
      try fixture.scalar(
        "select (select sum(revenue) from \(byMonth)) = (select sum(revenue) from \(fact))")
        == "t")
  }
}
