import Testing

@testable import PostgresEngine

/// JSON seeds are read by RFC 8259 exactly: what it does not allow is a located error, never a
/// guess.
@Suite struct JSONRowsTests {
  /// The problem `text` (as bytes, so it may hold invalid UTF-8) raises, or nil.
  func problem(_ bytes: [UInt8]) -> JSONRows.Problem? {
    do {
      _ = try JSONRows.parse(bytes)
      return nil
    } catch {
      return error
    }
  }

  /// The problem `text` raises, or nil.
  func problem(_ text: String) -> JSONRows.Problem? { problem(Array(text.utf8)) }

  @Test(arguments: [
    ("[{\"a\": \"Cla\\ssic\"}]", 1, 12, "invalid escape `\\s` in a string"),
    ("[{\"a\": \"x\\'\"}]", 1, 10, "invalid escape `\\'` in a string"),
    ("[{\"a\": \"\\u12\"}]", 1, 9, "`\\u` must be followed by four hexadecimal digits"),
    ("[{\"a\": \"\\uD800\"}]", 1, 9, "lone UTF-16 surrogate `\\uD800`; surrogates come in pairs"),
    (
      "[{\"a\": \"\\uDC00\\uD800\"}]", 1, 9,
      "lone UTF-16 surrogate `\\uDC00`; surrogates come in pairs"
    ),
    (
      "[{\"a\": \"\\uD800\\u0041\"}]", 1, 9,
      "lone UTF-16 surrogate `\\uD800`; surrogates come in pairs"
    ),
    ("[{\"a\": \"x\\u0000\"}]", 1, 10, "`\\u0000` (NUL) cannot be stored in PostgreSQL text"),
    (
      "[{\"a\": \"tab\there\"}]", 1, 12,
      "a control character inside a string; write it as an escape"
    ),
    ("[{\"id\": -}]", 1, 10, "expected a digit"),
    ("[{\"id\": 01}]", 1, 10, "a number must not have a leading zero"),
    ("[{\"id\": 1.}]", 1, 11, "expected a digit"),
    ("[{\"id\": .5}]", 1, 9, "unexpected character"),
    ("[{\"id\": +1}]", 1, 9, "unexpected character"),
    ("[{\"id\": 1e}]", 1, 11, "expected a digit"),
    ("[{\"id\": 1e+}]", 1, 12, "expected a digit"),
    ("[{\"id\": 1.5.3}]", 1, 12, "unexpected character after a number"),
    ("[{\"id\": 0x10}]", 1, 10, "unexpected character after a number"),
    ("[{\"id\": tru}]", 1, 9, "unexpected character"),
    ("[{\"id\": 1}\n,\n{\"id\": NaN}]", 3, 8, "unexpected character"),
    (
      "[{\"a\": 1, \"b\": 2},\n {\"b\": 3, \"a\": 4, \"b\": 5}]", 2, 19,
      "duplicate key `b` in this row"
    ),
  ])
  func invalidJSONIsLocated(json: String, line: Int, column: Int, message: String) {
    let found = problem(json)
    #expect(found?.message == message, "\(json)")
    #expect(found?.line == line, "\(json)")
    #expect(found?.column == column, "\(json)")
  }

  @Test(
    arguments: [
      ([0xFF], "invalid UTF-8"), ([0xC0, 0xAF], "overlong"), ([0xED, 0xA0, 0x80], "surrogate"),
      ([0xF4, 0x90, 0x80, 0x80], "above U+10FFFF"), ([0xE2, 0x82], "truncated"),
      ([0x80], "stray continuation"),
    ] as [([UInt8], String)])
  func invalidUTF8InAStringIsLocated(sequence: [UInt8], why: String) {
    let bytes = Array("[{\"a\": \"ok\"},\n {\"a\": \"x".utf8) + sequence + Array("y\"}]".utf8)
    let found = problem(bytes)
    #expect(found?.message == "invalid UTF-8 in a string", "\(why)")
    #expect(found?.line == 2, "\(why)")
    #expect(found?.column == 10, "\(why)")
  }

  @Test func validEscapesNumbersAndTextAreRead() throws {
    let rows = try JSONRows.parse(
      Array(
        #"[{"s": "\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00 Café", "n": -0.5e+3, "z": 0, "e": 1E2}]"#
          .utf8))
    #expect(rows.rows == [["\"\\/\u{8}\u{C}\n\r\té😀 Café", "-0.5e+3", "0", "1E2"]])
  }
}
