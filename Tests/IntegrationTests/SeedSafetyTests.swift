import Foundation
import SwdbtTestSupport
import Testing

/// Seeds whose bytes could make PostgreSQL load something other than the file: COPY's
/// end-of-data marker, invalid text, names PostgreSQL would cut.
@Suite struct SeedSafetyTests {
  @Test(arguments: ["\n", "\r\n"])
  func csvLineHoldingTheEndOfDataMarkerIsLoadedAsAValue(lineEnd: String) async throws {
    // A marker line inside a quoted field is data to PostgreSQL already; it stays as it is.
    let csv = ["v", "first", "\\.", "\"x", "\\.", "y\"", "last"].map { $0 + lineEnd }.joined()
    let fixture = try await DatabaseFixture("seedmarker", files: ["seeds/marks.csv": csv])
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("[COPY 4"), "\(result.stdout)")
    #expect(
      try fixture.rows("select v from \(fixture.relation("marks")) order by v collate \"C\"")
        == [["\\."], ["first"], ["last"], ["x\(lineEnd)\\.\(lineEnd)y"]])
  }

  @Test func csvHeaderHoldingTheEndOfDataMarkerIsAColumnName() async throws {
    let fixture = try await DatabaseFixture(
      "seedmarkerhead", files: ["seeds/marks.csv": "\\.\nfirst\nlast\n"])
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.rows(
        "select \"\\.\" from \(fixture.relation("marks")) order by \"\\.\" collate \"C\"")
        == [["first"], ["last"]])
  }

  @Test func jsonStringHoldingTheEndOfDataMarkerIsLoadedAsAValue() async throws {
    let fixture = try await DatabaseFixture(
      "seedmarkerjson",
      files: [
        "seeds/marks.json": "[{\"v\": \"first\"}, {\"v\": \"\\\\.\"}, {\"v\": \"last\"}]",
        "seeds/lines.ndjson": "{\"v\": \"first\"}\n{\"v\": \"\\\\.\"}\n{\"v\": \"last\"}\n",
      ])
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 0, "\(result.stderr)")
    for name in ["marks", "lines"] {
      #expect(
        try fixture.rows("select v from \(fixture.relation(name)) order by v collate \"C\"")
          == [["\\."], ["first"], ["last"]])
    }
  }

  @Test func invalidJSONFailsLocatedAndKeepsThePreviousTable() async throws {
    let fixture = try await DatabaseFixture(
      "seedbadjson", files: ["seeds/albums.json": "[\n  {\"id\": 1, \"genre\": \"Classic\"}\n]\n"])
    #expect(try fixture.swdbt(["seed"]).status == 0)
    try fixture.project.write(
      "seeds/albums.json", "[\n  {\"id\": 1, \"genre\": \"Cla\\ssic\"},\n  {\"id\": -}\n]\n")
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        """
        seeds/albums.json:2:26: error: invalid escape `\\s` in a string
        2 |   {"id": 1, "genre": "Cla\\ssic"},
          |                          ^
        """), "\(result.stderr)")
    #expect(
      try fixture.rows("select id, genre from \(fixture.relation("albums"))") == [["1", "Classic"]])
  }

  @Test func csvColumnNameOverPostgreSQLsLimitIsLocatedAtItsHeaderField() async throws {
    let name = String(repeating: "x", count: 71)
    let fixture = try await DatabaseFixture(
      "seedlongname", files: ["seeds/wide.csv": "id,\(name)\n1,2\n"])
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        """
        seeds/wide.csv:1:4: error: column name `\(name)` is 71 bytes, over PostgreSQL's limit of 63
        1 | id,\(name)
          |    ^
        hint: PostgreSQL would cut it to 63 bytes; use a shorter name
        """), "\(result.stderr)")
    #expect(try fixture.scalar("select to_regclass('\(fixture.relation("wide"))')::text") == nil)
  }

  @Test func nulAndInvalidUTF8InSeedsAreLocated() async throws {
    let fixture = try await DatabaseFixture(
      "seedbytes", files: ["seeds/nul.csv": "a,b\n1,2\n", "seeds/latin1.csv": "a\n1\n"])
    let root = URL(fileURLWithPath: fixture.project.root)
    try Data(Array("a,b\n1,x".utf8) + [0] + Array("y\n".utf8))
      .write(to: root.appendingPathComponent("seeds/nul.csv"))
    try Data(Array("a\n1\ncaf".utf8) + [0xE9] + Array("\n".utf8))
      .write(to: root.appendingPathComponent("seeds/latin1.csv"))
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        """
        seeds/nul.csv:2:4: error: a NUL byte, which PostgreSQL text cannot hold
        2 | 1,x y
          |    ^
        """), "\(result.stderr)")
    #expect(
      result.stderr.contains("seeds/latin1.csv:3:4: error: invalid UTF-8\n"), "\(result.stderr)")
  }
}
