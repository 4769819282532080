import Testing

@testable import PostgresEngine

/// What PostgreSQL cannot hold (names over 63 bytes, more than 1,600 columns, NUL bytes,
/// invalid UTF-8) is a located error in the seed, never cut, replaced or left to a later stage.
@Suite struct SeedLimitsTests {
  /// The problem the CSV scan raises, or nil.
  func csvProblem(_ bytes: [UInt8]) -> CSVScan.Problem? {
    do {
      _ = try CSVScan.scan(bytes)
      return nil
    } catch {
      return error
    }
  }

  /// The problem the JSON reader raises, or nil.
  func jsonProblem(_ bytes: [UInt8]) -> JSONRows.Problem? {
    do {
      _ = try JSONRows.parse(bytes)
      return nil
    } catch {
      return error
    }
  }

  /// A name of 71 bytes.
  static let long = String(repeating: "x", count: 71)
  /// A header of 1,601 columns.
  static let manyColumns = (1...1601).map { "c\($0)" }.joined(separator: ",")

  @Test(
    arguments: [
      (
        Array("id,\(long)\n1,2\n".utf8), 1, 4,
        "column name `\(long)` is 71 bytes, over PostgreSQL's limit of 63"
      ),
      (
        Array("\(String(repeating: "é", count: 32))\n1\n".utf8), 1, 1,
        "column name `\(String(repeating: "é", count: 32))` is 64 bytes, over PostgreSQL's limit of 63"
      ),
      (
        Array("\(manyColumns)\n".utf8), 1, manyColumns.utf8.count - 4,
        "the header has more than 1600 columns, PostgreSQL's limit"
      ),
      (
        Array("a,b".utf8) + [0] + Array("c\n1,2\n".utf8), 1, 4,
        "a NUL byte, which PostgreSQL text cannot hold"
      ),
      (
        Array("a\nx".utf8) + [0] + Array("\n".utf8), 2, 2,
        "a NUL byte, which PostgreSQL text cannot hold"
      ),
      (
        Array("a\n\"x\ny".utf8) + [0] + Array("\"\n".utf8), 3, 2,
        "a NUL byte, which PostgreSQL text cannot hold"
      ),
      (Array("a,b".utf8) + [0xFF] + Array("\n1,2\n".utf8), 1, 4, "invalid UTF-8"),
      (Array("a\n1\nx".utf8) + [0xC0, 0xAF] + Array("\n".utf8), 3, 2, "invalid UTF-8"),
      (Array("a\n\"x\ny".utf8) + [0xED, 0xA0, 0x80] + Array("\"\n".utf8), 3, 2, "invalid UTF-8"),
      (Array("a\n\"x".utf8) + [0xE2, 0x82], 2, 3, "invalid UTF-8"),
    ] as [([UInt8], Int, Int, String)])
  func csvBeyondPostgreSQLsLimitsIsLocated(csv: [UInt8], line: Int, column: Int, message: String) {
    let found = csvProblem(csv)
    #expect(found?.message == message)
    #expect(found?.line == line)
    #expect(found?.column == column)
  }

  @Test func csvNamesUpToTheLimitAndValidUTF8AreAccepted() throws {
    let name = String(repeating: "é", count: 31) + "x"
    let scan = try CSVScan.scan(Array("\(name),b\n€,\"😀\nü\"\n".utf8))
    #expect(scan.header == [name, "b"])
    #expect(scan.recordCount == 1)
  }

  @Test func csvHeaderNamesAreUnquotedLikeValues() throws {
    #expect(try CSVScan.scan(Array("\"a\"\"b\",\"c,d\"\n1,2\n".utf8)).header == ["a\"b", "c,d"])
  }

  /// A row of 1,601 keys.
  static let jsonManyKeys =
    "{" + (1...1601).map { "\"c\($0)\": 1" }.joined(separator: ", ") + "}"

  @Test(arguments: [
    (
      "[{\"id\": 1},\n {\"\(long)\": 2}]", 2, 3,
      "column name `\(long)` is 71 bytes, over PostgreSQL's limit of 63"
    ),
    ("{\"id\": 1, \"\": 2}\n", 1, 11, "an empty key cannot name a column"),
    (jsonManyKeys, 1, jsonManyKeys.utf8.count - 10, "more than 1600 columns, PostgreSQL's limit"),
  ])
  func jsonKeysBeyondPostgreSQLsLimitsAreLocated(
    json: String, line: Int, column: Int, message: String
  ) {
    let found = jsonProblem(Array(json.utf8))
    #expect(found?.message == message)
    #expect(found?.line == line)
    #expect(found?.column == column)
  }

  @Test func nestedJSONKeysHaveNoNameLimit() throws {
    let rows = try JSONRows.parse(
      Array("[{\"id\": 1, \"meta\": {\"\(Self.long)\": 2, \"\": 3}}]".utf8))
    #expect(rows.columns == ["id", "meta"])
  }
}
