import Diagnostics
import Execution

/// A JSON or NDJSON seed turned into columns and rows of text, ready for COPY.
///
/// Accepts an array of objects or one object per line. Columns are the union of keys in the
/// order first seen; a missing key is NULL. Nested arrays and objects become `jsonb`.
struct JSONRows {
  /// Column names in first-seen order.
  var columns: [String]
  /// The inferred type of each column.
  var inference: [ColumnInference]
  /// Rows parallel to `columns`; nil is NULL.
  var rows: [[String?]]
  /// The 1-based line where each row's object starts.
  var lines: [Int]
  /// Which columns hold nested JSON (typed `jsonb`).
  var nestedColumns: [Bool] = []

  /// A malformed spot.
  struct Problem: Error {
    var line: Int
    var column: Int
    var message: String
    /// What to do about it, when there is a clear answer.
    var hint: String? = nil
  }

  /// Parses the file.
  static func parse(_ bytes: [UInt8]) throws(Problem) -> JSONRows {
    var parser = JSONParser(bytes: bytes)
    var result = JSONRows(columns: [], inference: [], rows: [], lines: [])
    var columnIndex: [String: Int] = [:]
    var isNested: [Bool] = []
    // The last row that set each column: a key twice in one row would drop a value.
    var lastRowSetting: [Int] = []
    func add(_ value: JSONValue, line: Int) throws(Problem) {
      guard case .object(let members) = value else {
        throw Problem(line: line, column: 1, message: "each row must be a JSON object")
      }
      var row = [String?](repeating: nil, count: result.columns.count)
      for (memberIndex, (key, member)) in members.enumerated() {
        let position: Int
        let rowNumber = result.rows.count
        if let existing = columnIndex[key] {
          position = existing
          guard lastRowSetting[position] != rowNumber else {
            let (keyLine, keyColumn) = parser.rowKeyPositions[memberIndex]
            throw Problem(
              line: keyLine, column: keyColumn, message: "duplicate key `\(key)` in this row")
          }
          lastRowSetting[position] = rowNumber
        } else {
          // A new column: checked once, where its key first appears.
          let (keyLine, keyColumn) = parser.rowKeyPositions[memberIndex]
          func problem(_ message: String, hint: String? = nil) -> Problem {
            Problem(line: keyLine, column: keyColumn, message: message, hint: hint)
          }
          if key.isEmpty { throw problem("an empty key cannot name a column") }
          if let (message, hint) = CSVScan.nameProblem(key) { throw problem(message, hint: hint) }
          if result.columns.count == CSVScan.maxColumns {
            throw problem(
              "more than \(CSVScan.maxColumns) columns, PostgreSQL's limit",
              hint: "split the file into seeds of fewer columns")
          }
          position = result.columns.count
          lastRowSetting.append(rowNumber)
          columnIndex[key] = position
          result.columns.append(key)
          result.inference.append(ColumnInference())
          isNested.append(false)
          row.append(nil)
          for index in result.rows.indices { result.rows[index].append(nil) }
        }
        switch member {
        case .null: row[position] = nil
        case .string(let text):
          row[position] = text
          if text.isEmpty { break }
          result.inference[position].observe(text)
        case .number(let text), .bool(let text):
          row[position] = text
          result.inference[position].observe(text)
        case .object, .array:
          row[position] = member.serialized
          isNested[position] = true
          result.inference[position].observeText()
        }
      }
      result.rows.append(row)
      result.lines.append(line)
    }
    parser.skipWhitespace()
    if parser.peek == UInt8(ascii: "[") {
      parser.index += 1
      parser.skipWhitespace()
      if parser.peek == UInt8(ascii: "]") {
        parser.index += 1
      } else {
        while true {
          parser.skipWhitespace()
          let line = parser.line
          try add(try parser.value(), line: line)
          parser.skipWhitespace()
          if parser.peek == UInt8(ascii: ",") {
            parser.index += 1
            continue
          }
          try parser.expect(UInt8(ascii: "]"))
          break
        }
      }
      parser.skipWhitespace()
      if parser.peek != nil { throw parser.problem("unexpected text after the array") }
    } else {
      while parser.peek != nil {
        let line = parser.line
        try add(try parser.value(), line: line)
        parser.skipWhitespace()
      }
    }
    result.nestedColumns = isNested
    return result
  }

  /// The SQL type of a column.
  func sqlType(_ column: Int) -> String {
    column < nestedColumns.count && nestedColumns[column]
      ? "jsonb" : inference[column].sqlType
  }

  /// The rows as CSV for `COPY (FORMAT csv)`: NULL unquoted empty, every value quoted.
  func csvBytes() -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(rows.count * columns.count * 8)
    for row in rows {
      for (index, value) in row.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        guard let value else { continue }
        out.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
          if byte == UInt8(ascii: "\"") { out.append(byte) }
          out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
      }
      out.append(UInt8(ascii: "\n"))
    }
    return out
  }
}

/// A parsed JSON value; numbers keep their text so that nothing is rounded.
indirect enum JSONValue {
  case null
  case bool(String)
  case number(String)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  /// Compact JSON text.
  var serialized: String {
    switch self {
    case .null: "null"
    case .bool(let text), .number(let text): text
    case .string(let text): JSONValue.quote(text)
    case .array(let items): "[" + items.map(\.serialized).joined(separator: ",") + "]"
    case .object(let members):
      "{" + members.map { JSONValue.quote($0.0) + ":" + $0.1.serialized }.joined(separator: ",")
        + "}"
    }
  }

  static func quote(_ text: String) -> String { DiagnosticRenderer.jsonString(text) }

}

/// A recursive-descent JSON parser over bytes that tracks lines for error messages.
struct JSONParser {
  let bytes: [UInt8]
  var index = 0
  var line = 1
  var lineStart = 0
  var depth = 0
  /// Where each key of the last top-level object starts (line, column): a row's column names.
  var rowKeyPositions: [(line: Int, column: Int)] = []

  init(bytes: [UInt8]) {
    self.bytes = bytes
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
  }

  var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

  func problem(_ message: String) -> JSONRows.Problem {
    problem(message, at: index)
  }

  /// A problem at `offset`, on the current line.
  func problem(_ message: String, at offset: Int) -> JSONRows.Problem {
    JSONRows.Problem(line: line, column: offset - lineStart + 1, message: message)
  }

  mutating func skipWhitespace() {
    while index < bytes.count {
      switch bytes[index] {
      case UInt8(ascii: "\n"):
        line += 1
        lineStart = index + 1
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
      default: return
      }
      index += 1
    }
  }

  mutating func expect(_ byte: UInt8) throws(JSONRows.Problem) {
    skipWhitespace()
    guard peek == byte else {
      throw problem("expected `\(Character(Unicode.Scalar(byte)))`")
    }
    index += 1
  }

  mutating func value() throws(JSONRows.Problem) -> JSONValue {
    skipWhitespace()
    guard let byte = peek else { throw problem("unexpected end of file") }
    switch byte {
    case UInt8(ascii: "{"):
      depth += 1
      defer { depth -= 1 }
      guard depth < 256 else { throw problem("nesting too deep") }
      index += 1
      var members: [(String, JSONValue)] = []
      if depth == 1 { rowKeyPositions.removeAll(keepingCapacity: true) }
      skipWhitespace()
      if peek == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      }
      while true {
        skipWhitespace()
        guard peek == UInt8(ascii: "\"") else { throw problem("expected a key in quotes") }
        if depth == 1 { rowKeyPositions.append((line, index - lineStart + 1)) }
        let key = try string()
        try expect(UInt8(ascii: ":"))
        members.append((key, try value()))
        skipWhitespace()
        if peek == UInt8(ascii: ",") {
          index += 1
          continue
        }
        try expect(UInt8(ascii: "}"))
        return .object(members)
      }
    case UInt8(ascii: "["):
      depth += 1
      defer { depth -= 1 }
      guard depth < 256 else { throw problem("nesting too deep") }
      index += 1
      var items: [JSONValue] = []
      skipWhitespace()
      if peek == UInt8(ascii: "]") {
        index += 1
        return .array(items)
      }
      while true {
        items.append(try value())
        skipWhitespace()
        if peek == UInt8(ascii: ",") {
          index += 1
          continue
        }
        try expect(UInt8(ascii: "]"))
        return .array(items)
      }
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): return try literal("true", .bool("true"))
    case UInt8(ascii: "f"): return try literal("false", .bool("false"))
    case UInt8(ascii: "n"): return try literal("null", .null)
    default: return try number()
    }
  }

  /// A number by RFC 8259's grammar: `-`? (`0` | [1-9][0-9]*) (`.` [0-9]+)? ([eE] [+-]? [0-9]+)?
  private mutating func number() throws(JSONRows.Problem) -> JSONValue {
    let start = index
    if peek == UInt8(ascii: "-") { index += 1 }
    guard let first = peek, first &- 48 < 10 else {
      throw problem(index > start ? "expected a digit" : "unexpected character")
    }
    index += 1
    if first == UInt8(ascii: "0") {
      if let next = peek, next &- 48 < 10 {
        throw problem("a number must not have a leading zero")
      }
    } else {
      skipDigits()
    }
    if peek == UInt8(ascii: ".") {
      index += 1
      try digits()
    }
    if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
      index += 1
      if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
      try digits()
    }
    switch peek {
    case nil, UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"),
      UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"):
      return .number(String(decoding: bytes[start..<index], as: UTF8.self))
    default: throw problem("unexpected character after a number")
    }
  }

  /// One or more digits.
  private mutating func digits() throws(JSONRows.Problem) {
    guard let byte = peek, byte &- 48 < 10 else { throw problem("expected a digit") }
    skipDigits()
  }

  private mutating func skipDigits() {
    while index < bytes.count, bytes[index] &- 48 < 10 { index += 1 }
  }

  private mutating func literal(_ word: String, _ value: JSONValue) throws(JSONRows.Problem)
    -> JSONValue
  {
    let end = index + word.utf8.count
    guard end <= bytes.count, bytes[index..<end].elementsEqual(word.utf8) else {
      throw problem("unexpected character")
    }
    index = end
    return value
  }

  private mutating func string() throws(JSONRows.Problem) -> String {
    index += 1
    var out: [UInt8] = []
    while true {
      guard index < bytes.count else { throw problem("unterminated string") }
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""):
        index += 1
        // Only well-formed UTF-8 was appended, so nothing is replaced here.
        return String(decoding: out, as: UTF8.self)
      case UInt8(ascii: "\\"): try escape(into: &out)
      case UInt8(ascii: "\n"): throw problem("a line break inside a string")
      case 0..<0x20:
        throw problem("a control character inside a string; write it as an escape")
      case 0x80...:
        guard let length = UTF8Validation.sequenceLength(at: index, in: bytes, end: bytes.count)
        else { throw problem("invalid UTF-8 in a string") }
        out.append(contentsOf: bytes[index..<(index + length)])
        index += length
      default:
        out.append(byte)
        index += 1
      }
    }
  }

  /// Reads the escape at `index` (a backslash) into `out`; errors point at the backslash.
  private mutating func escape(into out: inout [UInt8]) throws(JSONRows.Problem) {
    let start = index
    index += 1
    guard let byte = peek else { throw problem("unterminated string") }
    switch byte {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
    case UInt8(ascii: "b"): out.append(8)
    case UInt8(ascii: "f"): out.append(12)
    case UInt8(ascii: "n"): out.append(10)
    case UInt8(ascii: "r"): out.append(13)
    case UInt8(ascii: "t"): out.append(9)
    case UInt8(ascii: "u"):
      guard var code = hexQuad(at: index + 1) else {
        throw problem("`\\u` must be followed by four hexadecimal digits", at: start)
      }
      let written = String(decoding: bytes[(index + 1)...(index + 4)], as: UTF8.self)
      index += 4
      if (0xD800..<0xDC00).contains(code) {
        // A high surrogate must be followed by an escaped low one: together one scalar.
        guard index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\\"),
          bytes[index + 2] == UInt8(ascii: "u"), let low = hexQuad(at: index + 3),
          (0xDC00..<0xE000).contains(low)
        else { throw problem(Self.loneSurrogate(written), at: start) }
        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        index += 6
      } else if (0xDC00..<0xE000).contains(code) {
        throw problem(Self.loneSurrogate(written), at: start)
      }
      guard code != 0 else {
        throw problem("`\\u0000` (NUL) cannot be stored in PostgreSQL text", at: start)
      }
      guard let scalar = Unicode.Scalar(code) else {
        throw problem(Self.loneSurrogate(written), at: start)
      }
      out.append(contentsOf: String(Character(scalar)).utf8)
    default:
      let shown = (0x21..<0x7F).contains(byte) ? " `\\\(Character(Unicode.Scalar(byte)))`" : ""
      throw problem("invalid escape\(shown) in a string", at: start)
    }
    index += 1
  }

  private static func loneSurrogate(_ written: String) -> String {
    "lone UTF-16 surrogate `\\u\(written)`; surrogates come in pairs"
  }

  /// The value of four hexadecimal digits at `start`, or nil.
  private func hexQuad(at start: Int) -> UInt32? {
    guard start + 4 <= bytes.count else { return nil }
    var value: UInt32 = 0
    for byte in bytes[start..<(start + 4)] {
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: return nil
      }
      value = value << 4 | UInt32(digit)
    }
    return value
  }
}
