import Template

/// Inlines ephemeral models as common table expressions, as dbt does.
enum EphemeralInliner {
  /// The CTE name an ephemeral model is referred to by.
  static func cteName(_ model: String) -> String { "__dbt__cte__" + model }

  /// Prepends `ctes` to `sql`: merged into its leading `WITH` if it has one.
  static func inject(_ ctes: [(name: String, sql: String)], into sql: String) -> String {
    guard !ctes.isEmpty else { return sql }
    let definitions = ctes.map { "\($0.name) as (\n\($0.sql.trimmingWhitespace())\n)" }.joined(
      separator: ", ")
    let bytes = Array(sql.utf8)
    let start = firstTokenOffset(bytes)
    if let withEnd = keyword("with", in: bytes, at: start) {
      var insertAt = withEnd
      let afterWith = firstTokenOffset(bytes, from: withEnd)
      if let recursiveEnd = keyword("recursive", in: bytes, at: afterWith) {
        insertAt = recursiveEnd
      }
      let head = String(decoding: bytes[..<insertAt], as: UTF8.self)
      let tail = String(decoding: bytes[insertAt...], as: UTF8.self)
      return head + " " + definitions + "," + tail
    }
    let head = String(decoding: bytes[..<start], as: UTF8.self)
    let tail = String(decoding: bytes[start...], as: UTF8.self)
    return head + "with " + definitions + "\n" + tail
  }

  /// The offset of the first byte that is neither whitespace nor inside a comment.
  static func firstTokenOffset(_ bytes: [UInt8], from start: Int = 0) -> Int {
    var index = start
    while index < bytes.count {
      let byte = bytes[index]
      if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D {
        index += 1
      } else if byte == UInt8(ascii: "-"), index + 1 < bytes.count,
        bytes[index + 1] == UInt8(ascii: "-")
      {
        while index < bytes.count, bytes[index] != 0x0A { index += 1 }
      } else if byte == UInt8(ascii: "/"), index + 1 < bytes.count,
        bytes[index + 1] == UInt8(ascii: "*")
      {
        index += 2
        while index + 1 < bytes.count,
          !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/"))
        {
          index += 1
        }
        index = min(bytes.count, index + 2)
      } else {
        return index
      }
    }
    return index
  }

  /// The end offset of `word` (case-insensitive, whole word) at `offset`, if it is there.
  static func keyword(_ word: String, in bytes: [UInt8], at offset: Int) -> Int? {
    let letters = Array(word.utf8)
    guard offset + letters.count <= bytes.count else { return nil }
    for (position, letter) in letters.enumerated() where bytes[offset + position] | 0x20 != letter {
      return nil
    }
    let end = offset + letters.count
    if end < bytes.count {
      let next = bytes[end] | 0x20
      if (next >= 0x61 && next <= 0x7A) || (bytes[end] >= 0x30 && bytes[end] <= 0x39)
        || bytes[end] == 0x5F
      {
        return nil
      }
    }
    return end
  }
}
