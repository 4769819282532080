import Foundation
import SwdbtTestSupport
import Testing

@Suite struct SeedTests {
  @Test func csvSeedInfersEveryTypeAndHandlesQuotingBOMCRLFAndEmptyFields() async throws {
    let csv =
      "\u{FEFF}id,big,price,flag,day,at,at_tz,note\r\n"
      + "1,3000000000,19.99,true,2024-01-05,2024-01-05 10:00:00,2024-01-05T10:00:00Z,\"plain\"\r\n"
      + "2,,-0.5,FALSE,2024-02-29,2024-02-29T23:59:59.5,2024-02-29 23:59:59+02:00,\"two\r\nlines\"\r\n"
      + "3,42,7,,,,,\"say \"\"hi\"\", then go\"\r\n"
      + "\r\n"
      + "4,5,8,true,2024-03-01,2024-03-01 00:00,2024-03-01 00:00:00-05,\"\"\r\n"
    let fixture = try await DatabaseFixture(
      "seedtypes", files: ["seeds/typed.csv": csv])
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("OK loaded seed file \(fixture.relation("typed")) [COPY 4"))
    let types = try fixture.rows(
      """
      select attname, format_type(atttypid, atttypmod) from pg_attribute
      where attrelid = '\(fixture.relation("typed"))'::regclass and attnum > 0 order by attnum
      """)
    #expect(
      types.map { "\($0[0] ?? ""):\($0[1] ?? "")" } == [
        "id:integer", "big:bigint", "price:numeric", "flag:boolean", "day:date",
        "at:timestamp without time zone", "at_tz:timestamp with time zone", "note:text",
      ])
    let rows = try fixture.rows(
      "select id, big, price, flag, day, note from \(fixture.relation("typed")) order by id")
    #expect(rows[0] == ["1", "3000000000", "19.99", "t", "2024-01-05", "plain"])
    #expect(rows[1] == ["2", nil, "-0.5", "f", "2024-02-29", "two\r\nlines"])
    #expect(rows[2] == ["3", "42", "7", nil, nil, "say \"hi\", then go"])
    // A quoted empty field is NULL too, as in dbt.
    #expect(rows[3] == ["4", "5", "8", "t", "2024-03-01", nil])
  }

  @Test func columnTypesOverrideInference() async throws {
    let fixture = try await DatabaseFixture(
      "seedoverride",
      projectYAML:
        "seeds:\n  it:\n    codes:\n      +column_types: {code: text, amount: 'numeric(10,2)'}\n",
      files: ["seeds/codes.csv": "code,amount\n007,1\n010,2.5\n"])
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.rows("select code, amount from \(fixture.relation("codes")) order by code")
        == [["007", "1.00"], ["010", "2.50"]])
  }

  @Test func jsonArrayAndNDJSONSeedsLoadWithNestedValuesAsJSONB() async throws {
    let fixture = try await DatabaseFixture(
      "seedjson",
      files: [
        "seeds/products.json":
          """
        [
          {"id": 1, "name": "Cable", "price": 19.99, "tags": ["usb", "c"], "active": true},
          {"id": 2, "name": "Chair \\"Pro\\"", "price": 249, "active": false, "extra": null},
          {"id": 3, "name": "Caf\\u00e9", "price": null}
        ]
        """,
        "seeds/events.ndjson":
          "{\"at\": \"2024-01-01T10:00:00\", \"kind\": \"view\"}\n{\"at\": \"2024-01-02T11:00:00\", \"kind\": \"buy\", \"meta\": {\"n\": 2}}\n",
      ])
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.rows(
        "select id, name, price, tags::text, active from \(fixture.relation("products")) order by id"
      )
        == [
          ["1", "Cable", "19.99", "[\"usb\", \"c\"]", "t"],
          ["2", "Chair \"Pro\"", "249", nil, "f"],
          ["3", "Café", nil, nil, nil],
        ])
    #expect(
      try fixture.scalar(
        "select format_type(atttypid, atttypmod) from pg_attribute where attrelid = "
          + "'\(fixture.relation("events"))'::regclass and attname = 'at'")
        == "timestamp without time zone")
    #expect(
      try fixture.scalar("select meta->>'n' from \(fixture.relation("events")) where kind = 'buy'")
        == "2")
  }

  @Test func malformedRowFailsWithItsLineAndKeepsThePreviousTable() async throws {
    let fixture = try await DatabaseFixture(
      "seedbad", files: ["seeds/orders.csv": "id,amount\n1,10\n2,20\n"])
    #expect(try fixture.swdbt(["seed"]).status == 0)
    try fixture.project.write("seeds/orders.csv", "id,amount\n1,10\n2,20,extra\n3,30\n")
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        """
        seeds/orders.csv:3:6: error: this row has more fields than the header's 2 columns
        3 | 2,20,extra
          |      ^
        """), "\(result.stderr)")
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("orders"))") == "2")
  }

  @Test func valueTheTypeRejectsFailsAtItsLineAndKeepsThePreviousTable() async throws {
    let fixture = try await DatabaseFixture(
      "seedtype",
      projectYAML: "seeds:\n  it:\n    +column_types: {amount: integer}\n",
      files: ["seeds/orders.csv": "id,amount\n1,10\n"])
    #expect(try fixture.swdbt(["seed"]).status == 0)
    try fixture.project.write("seeds/orders.csv", "id,amount\n1,10\n2,\"1,5\"\n")
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "seeds/orders.csv:3:1: error: invalid input syntax for type integer: \"1,5\""),
      "\(result.stderr)")
    #expect(
      try fixture.rows("select id, amount from \(fixture.relation("orders"))") == [["1", "10"]])
  }

  @Test func seedsGoToTheirCustomSchema() async throws {
    let fixture = try await DatabaseFixture(
      "seedschema", projectYAML: "seeds:\n  it:\n    +schema: raw\n",
      files: ["seeds/a.csv": "x\n1\n"])
    #expect(try fixture.swdbt(["seed"]).status == 0)
    #expect(try fixture.scalar("select x from \(fixture.relation("a", schema: "raw"))") == "1")
  }
}
