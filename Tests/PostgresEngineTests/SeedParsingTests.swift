import Testing

@testable import PostgresEngine

@Suite struct SeedParsingTests {
  func types(_ csv: String) throws -> [String] {
    try CSVScan.scan(Array(csv.utf8)).inference.map(\.sqlType)
  }

  @Test(arguments: [
    ("1\n-2\n+3", "integer"), ("2147483648", "bigint"), ("-2147483648", "integer"),
    ("9223372036854775808", "numeric"), ("1.5\n2", "numeric"), ("\"1,5\"", "text"),
    ("true\nFALSE", "boolean"), ("yes", "text"), ("2024-01-05", "date"),
    ("2024-01-05\n2024-01-05 10:00", "timestamp"), ("2024-01-05T10:00:00Z", "timestamptz"),
    ("2024-13-01", "text"), ("05/02/2024", "text"), ("", "text"), (" 1", "text"),
  ])
  func columnTypeIsTheNarrowestThatHoldsEveryValue(values: String, type: String) throws {
    let csv = "column\n" + values + "\n"
    #expect(try types(csv) == [type])
  }

  @Test func emptyFieldsDoNotWidenTheType() throws {
    #expect(try types("a,b\n1,\n,2024-01-01\n") == ["integer", "date"])
  }

  @Test func blankLinesAreLeftOutAndLinesMapBack() throws {
    let scan = try CSVScan.scan(Array("a\n1\n\n2\r\n\r\n3".utf8))
    #expect(scan.recordCount == 3)
    #expect(scan.skippedLines == [3, 5])
    #expect(scan.fileLine(ofSentLine: 3) == 4)
    #expect(scan.fileLine(ofSentLine: 4) == 6)
  }

  @Test(arguments: [
    ("a,b\n1,2,3\n", 2, 5, "this row has more fields than the header's 2 columns"),
    ("a,b\n1\n", 2, 1, "this row has 1 field, the header has 2"),
    ("a\n\"open\n", 2, 1, "unterminated quoted field"),
    ("a\n\"x\"y\n", 2, 4, "unexpected text after a closing quote"),
    (
      "a\nx\"y\n", 2, 2,
      "a quote inside an unquoted field; quote the whole field and double inner quotes"
    ),
    ("a,a\n", 1, 3, "duplicate column `a` in the header"),
  ])
  func malformedInputIsLocated(csv: String, line: Int, column: Int, message: String) {
    #expect(throws: CSVScan.Problem.self) { try CSVScan.scan(Array(csv.utf8)) }
    do {
      _ = try CSVScan.scan(Array(csv.utf8))
    } catch {
      #expect(error.line == line)
      #expect(error.column == column)
      #expect(error.message == message)
    }
  }

  @Test func quotedFieldsMayHoldSeparatorsQuotesAndNewlines() throws {
    let scan = try CSVScan.scan(Array("a,b\n\"x,\ny\",\"say \"\"hi\"\"\"\n".utf8))
    #expect(scan.recordCount == 1)
    #expect(scan.inference.map(\.sqlType) == ["text", "text"])
  }

  @Test func jsonRowsTakeTheUnionOfKeysInFirstSeenOrder() throws {
    let rows = try JSONRows.parse(
      Array("[{\"b\": 1, \"a\": \"x\"}, {\"c\": [1, 2], \"a\": null}]".utf8))
    #expect(rows.columns == ["b", "a", "c"])
    #expect(rows.rows == [["1", "x", nil], [nil, nil, "[1,2]"]])
    #expect((0..<3).map(rows.sqlType) == ["integer", "text", "jsonb"])
    #expect(String(decoding: rows.csvBytes(), as: UTF8.self) == "\"1\",\"x\",\n,,\"[1,2]\"\n")
  }

  @Test func ndjsonAndErrorsCarryLines() throws {
    let rows = try JSONRows.parse(Array("{\"a\": 1}\n{\"a\": 2}\n".utf8))
    #expect(rows.lines == [1, 2])
    #expect(throws: JSONRows.Problem.self) {
      try JSONRows.parse(Array("{\"a\": 1}\n{\"a\": }\n".utf8))
    }
    do {
      _ = try JSONRows.parse(Array("{\"a\": 1}\n{\"a\": }\n".utf8))
    } catch {
      #expect(error.line == 2)
      #expect(error.message == "unexpected character")
    }
  }
}

@Suite struct ParallelScanTests {
  /// A file past the parallel threshold whose rows hold quoted newlines and blank lines, so
  /// that the split point has to be found by quote parity.
  static func bigCSV() -> (text: String, rows: Int, lines: Int) {
    var text = "id,note,day\n"
    var rows = 0
    var line = 1
    while text.utf8.count < 9 << 20 {
      rows += 1
      line += 1
      if rows % 3 == 0 {
        text += "\(rows),\"multi\nline, \"\"quoted\"\"\",2024-01-0\(rows % 9 + 1)\n"
        line += 1
      } else {
        text += "\(rows),plain,2024-02-0\(rows % 9 + 1)\n"
      }
      if rows % 1000 == 0 {
        text += "\n"
        line += 1
      }
    }
    return (text, rows, line)
  }

  @Test func partsAgreeWithTheWholeFile() throws {
    let (text, rows, _) = Self.bigCSV()
    let scan = try CSVScan.scan(Array(text.utf8))
    #expect(scan.recordCount == rows)
    #expect(scan.inference.map(\.sqlType) == ["integer", "text", "date"])
    #expect(scan.skippedLines.count == rows / 1000)
    // Sent ranges cover everything but the blank lines.
    #expect(scan.chunks.reduce(0) { $0 + $1.count } == text.utf8.count - rows / 1000)
  }

  @Test func anErrorInTheSecondPartHasItsAbsoluteLine() throws {
    let (text, _, lines) = Self.bigCSV()
    let broken = text + "0,broken\n"
    let bad = lines + 1
    do {
      _ = try CSVScan.scan(Array(broken.utf8))
      Issue.record("expected a problem")
    } catch {
      #expect(error.message == "this row has 2 fields, the header has 3")
      #expect(error.line == bad)
    }
  }
}
