import SwdbtTestSupport
import Testing

/// A seed's `transaction: false` hooks run outside its transaction, as a model's do.
@Suite struct SeedHookTransactionTests {
  @Test func seedHooksWithoutTransactionRunOutsideIt() async throws {
    // `vacuum` refuses to run inside a transaction block: it only works outside.
    let fixture = try await DatabaseFixture(
      "seedhooks",
      projectYAML: """
        seeds:
          it:
            +pre_hook:
              - {sql: "vacuum analyze {{ target.schema }}.before", transaction: false}
              - "insert into {{ target.schema }}.before values (1)"
            +post_hook:
              - {sql: "vacuum analyze {{ this }}", transaction: false}
        """,
      files: ["seeds/numbers.csv": "n\n1\n2\n"])
    _ = try fixture.rows("create schema \"\(fixture.schema)\"")
    _ = try fixture.rows("create table \"\(fixture.schema)\".before (x int)")
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("numbers"))") == "2")
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("before"))") == "1")
    let analyzed = try fixture.scalar(
      "select last_vacuum is not null from pg_stat_user_tables "
        + "where schemaname = '\(fixture.schema)' and relname = 'numbers'")
    #expect(analyzed == "t")
  }
}
