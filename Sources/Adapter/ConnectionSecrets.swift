/// Where passwords sit in libpq connection text, and the one function that masks them.
///
/// libpq takes a password in three places: the `password` keyword (also inside a keyword
/// string such as `dbname: "dbname=x password=..."`), a URL's user-info
/// (`postgresql://user:secret@host`) and a URL's `password` query parameter. Text that may
/// hold any of them (descriptions, libpq's messages, which echo the tokens they cannot parse)
/// goes through `redact` before anyone sees it.
public enum ConnectionSecrets {
  /// What a masked password reads as.
  public static let mask = "***"

  /// UTF-8 offsets of the passwords in one connection value, read as libpq reads it: a URL
  /// (`postgresql://` or `postgres://`) or a keyword string (`key=value ...`). Other text
  /// holds none.
  public static func passwordRanges(inValue text: String) -> [Range<Int>] {
    let bytes = Array(text.utf8)
    if hasURLScheme(bytes), let scheme = find(Array("://".utf8), in: bytes, from: 0) {
      return urlPasswordRanges(bytes, authority: scheme + 3, end: bytes.count, stopAtSpace: false)
    }
    guard bytes.contains(UInt8(ascii: "=")) else { return [] }
    return keywordPasswordRanges(bytes, skipping: [])
  }

  /// `text` with every known secret (as given and percent-decoded) and every password form
  /// masked: URLs' user-info and `password` parameters, `password=` keywords, quoted or not.
  public static func redact(_ text: String, secrets: [String] = []) -> String {
    var text = text
    let known = Set(secrets.flatMap { [$0, percentDecoded($0)] }).filter { !$0.isEmpty }
    // Longest first, so that a secret containing another is masked whole.
    for secret in known.sorted(by: { $0.count > $1.count }) where text.contains(secret) {
      text = text.replacing(secret, with: mask)
    }
    let bytes = Array(text.utf8)
    var urls: [Range<Int>] = []
    var ranges: [Range<Int>] = []
    var index = 0
    while let scheme = find(Array("://".utf8), in: bytes, from: index) {
      var end = scheme + 3
      while end < bytes.count, !isSpace(bytes[end]), bytes[end] != UInt8(ascii: "\"") {
        end += 1
      }
      urls.append(scheme..<end)
      ranges += urlPasswordRanges(bytes, authority: scheme + 3, end: end, stopAtSpace: true)
      index = end
    }
    ranges += keywordPasswordRanges(bytes, skipping: urls)
    return masking(bytes, ranges)
  }

  /// The passwords libpq parameters carry: `password`, and those inside an expanded `dbname`,
  /// as written and without a keyword string's quoting.
  public static func secrets(in parameters: [(String, String)]) -> [String] {
    var secrets: [String] = []
    for (keyword, value) in parameters {
      if keyword == "password" {
        secrets.append(value)
      } else if keyword == "dbname" {
        let bytes = Array(value.utf8)
        for range in passwordRanges(inValue: value) {
          let raw = String(decoding: bytes[range], as: UTF8.self)
          secrets += [raw, unescaped(raw)]
        }
        // An unquoted password with a space (`password=ab cd`) leaves `cd` as a token libpq
        // echoes ("missing "=" after "cd""): it is part of the secret.
        var afterPassword = false
        for token in value.split(whereSeparator: \.isWhitespace) {
          if token.contains("=") {
            afterPassword = token.lowercased().hasPrefix("password")
          } else if afterPassword {
            secrets.append(String(token))
          }
        }
      }
    }
    return secrets.filter { !$0.isEmpty && $0 != mask }
  }

  private static func hasURLScheme(_ bytes: [UInt8]) -> Bool {
    bytes.starts(with: "postgresql://".utf8) || bytes.starts(with: "postgres://".utf8)
  }

  /// A URL's user-info password (up to the first `@` before any `/`, as libpq reads it) and
  /// its `password` query parameters (keys percent-decoded, as libpq decodes them).
  private static func urlPasswordRanges(
    _ bytes: [UInt8], authority: Int, end: Int, stopAtSpace: Bool
  ) -> [Range<Int>] {
    var ranges: [Range<Int>] = []
    var index = authority
    while index < end, bytes[index] != UInt8(ascii: "@"), bytes[index] != UInt8(ascii: "/") {
      index += 1
    }
    if index < end, bytes[index] == UInt8(ascii: "@"),
      let colon = bytes[authority..<index].firstIndex(of: UInt8(ascii: ":"))
    {
      ranges.append((colon + 1)..<index)
    }
    return ranges + urlQueryRanges(bytes, from: authority, to: end, stopAtSpace: stopAtSpace)
  }

  private static func urlQueryRanges(
    _ bytes: [UInt8], from start: Int, to end: Int, stopAtSpace: Bool
  ) -> [Range<Int>] {
    guard let question = bytes[start..<end].firstIndex(of: UInt8(ascii: "?")) else { return [] }
    var ranges: [Range<Int>] = []
    var index = question + 1
    while index < end {
      let keyStart = index
      while index < end, bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: "&") {
        index += 1
      }
      let key = percentDecoded(String(decoding: bytes[keyStart..<index], as: UTF8.self))
      guard index < end, bytes[index] == UInt8(ascii: "=") else {
        index += 1
        continue
      }
      let valueStart = index + 1
      index = valueStart
      while index < end, bytes[index] != UInt8(ascii: "&"), !(stopAtSpace && isSpace(bytes[index]))
      {
        index += 1
      }
      if key.lowercased() == "password" { ranges.append(valueStart..<index) }
      index += 1
    }
    return ranges
  }

  /// Values of `password` keywords (`password = 'a b'`, `password=x`), outside `skipping`.
  /// Any word ending in `password` counts, in any case: masking a little too much is harmless.
  private static func keywordPasswordRanges(_ bytes: [UInt8], skipping: [Range<Int>])
    -> [Range<Int>]
  {
    var ranges: [Range<Int>] = []
    var from = 0
    let word = Array("password".utf8)
    while let found = findCaseInsensitive(word, in: bytes, from: from) {
      from = found + word.count
      guard !skipping.contains(where: { $0.contains(found) }) else { continue }
      var index = from
      while index < bytes.count, isSpace(bytes[index]) { index += 1 }
      guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { continue }
      index += 1
      while index < bytes.count, isSpace(bytes[index]) { index += 1 }
      let quoted = index < bytes.count && bytes[index] == UInt8(ascii: "'")
      if quoted { index += 1 }
      let start = index
      while index < bytes.count {
        let byte = bytes[index]
        if byte == UInt8(ascii: "\\") {
          index += 2
          continue
        }
        if quoted ? byte == UInt8(ascii: "'") : isSpace(byte) { break }
        index += 1
      }
      index = min(index, bytes.count)
      ranges.append(start..<index)
      from = index
    }
    return ranges
  }

  /// The bytes with each range replaced by the mask (ranges may overlap or be masked already).
  private static func masking(_ bytes: [UInt8], _ ranges: [Range<Int>]) -> String {
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count)
    var index = 0
    for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where !range.isEmpty {
      guard range.upperBound > index else { continue }
      output += bytes[index..<max(index, range.lowerBound)]
      output += mask.utf8
      index = range.upperBound
    }
    output += bytes[index...]
    return String(decoding: output, as: UTF8.self)
  }

  private static func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (0x09...0x0D).contains(byte)
  }

  private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
    guard !needle.isEmpty, bytes.count >= needle.count, start <= bytes.count - needle.count
    else { return nil }
    for index in start...(bytes.count - needle.count)
    where bytes[index..<(index + needle.count)].elementsEqual(needle) {
      return index
    }
    return nil
  }

  private static func findCaseInsensitive(_ needle: [UInt8], in bytes: [UInt8], from start: Int)
    -> Int?
  {
    guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
    for index in start...(bytes.count - needle.count)
    where zip(bytes[index..<(index + needle.count)], needle).allSatisfy({ $0 | 0x20 == $1 }) {
      return index
    }
    return nil
  }

  /// `%40` → `@`; a malformed escape is kept as written.
  static func percentDecoded(_ text: String) -> String {
    guard text.contains("%") else { return text }
    let bytes = Array(text.utf8)
    var output: [UInt8] = []
    var index = 0
    while index < bytes.count {
      if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
        let value = UInt8(
          String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
      {
        output.append(value)
        index += 3
      } else {
        output.append(bytes[index])
        index += 1
      }
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// A keyword string's value without its backslash escapes.
  private static func unescaped(_ text: String) -> String {
    guard text.contains("\\") else { return text }
    var output = ""
    var escaping = false
    for character in text {
      if !escaping, character == "\\" {
        escaping = true
        continue
      }
      escaping = false
      output.append(character)
    }
    return output
  }
}
