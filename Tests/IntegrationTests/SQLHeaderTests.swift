import SwdbtTestSupport
import Testing

/// `sql_header` (the config, or dbt's `set_sql_header` call block) runs before the model's
/// SQL in the same session and transaction.
@Suite struct SQLHeaderTests {
  static let timezoneHeader =
    "{% call set_sql_header(config) %}\nset local timezone = 'Asia/Kolkata';\n{%- endcall %}\n"

  @Test func tableAndIncrementalQueriesSeeTheHeadersSetting() async throws {
    let fixture = try await DatabaseFixture(
      "header",
      files: [
        "models/t.sql": "{{ config(materialized='table') }}\n" + Self.timezoneHeader
          + "select current_setting('timezone') as tz\n",
        "models/i.sql": "{{ config(materialized='incremental') }}\n" + Self.timezoneHeader
          + "select current_setting('timezone') as tz\n",
      ])
    for _ in 0..<2 {
      let result = try fixture.swdbt(["run"])
      #expect(result.status == 0, "\(result.stderr)")
    }
    #expect(try fixture.rows("select tz from \(fixture.relation("t"))") == [["Asia/Kolkata"]])
    // The second run appends through the temporary table, built after the header too.
    #expect(
      try fixture.rows("select tz from \(fixture.relation("i"))")
        == [["Asia/Kolkata"], ["Asia/Kolkata"]])
  }

  @Test func contractCheckAndViewRunAfterTheHeaderFromTheProjectFile() async throws {
    // The header creates a temporary function the queries call: without it, both the
    // contract check and the view's creation fail.
    let fixture = try await DatabaseFixture(
      "headercfg",
      projectYAML: """
        models:
          it:
            +sql_header: "create or replace function pg_temp.twice(x int) returns int language sql as 'select x * 2';"
        """,
      files: [
        "models/c.sql": "{{ config(materialized='table') }}\nselect pg_temp.twice(21) as n\n",
        "models/v.sql": "select 1 as n\n",
        "models/schema.yml": """
        version: 2
        models:
          - name: c
            config:
              contract: {enforced: true}
            columns:
              - name: n
                data_type: int
        """,
      ])
    let result = try fixture.swdbt(["run", "--threads", "1"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try fixture.scalar("select n from \(fixture.relation("c"))") == "42")
    #expect(try fixture.scalar("select n from \(fixture.relation("v"))") == "1")
  }

  @Test func aHeaderThatIsNotTextIsALocatedError() async throws {
    let fixture = try await DatabaseFixture(
      "headerbad",
      files: ["models/m.sql": "{{ config(sql_header=3) }}\nselect 1 as n\n"])
    let result = try fixture.swdbt(["compile"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("models/m.sql:1:"))
    #expect(result.stderr.contains("`sql_header` must be SQL text"))
  }
}
