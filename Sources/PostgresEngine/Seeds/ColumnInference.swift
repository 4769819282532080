import Execution

/// The narrowest PostgreSQL type that holds every value seen in a seed column.
///
/// Only spellings PostgreSQL's own input functions accept are inferred (ISO dates, `true`/
/// `false`, plain decimals), so values are loaded as they are. Anything else is text.
struct ColumnInference: Sendable {
  private var couldBeInteger = true
  private var couldBeBigint = true
  private var couldBeNumeric = true
  private var couldBeBoolean = true
  private var couldBeDate = true
  private var couldBeTimestamp = true
  private var sawTimeZone = false
  private var sawValue = false
  private var sawTime = false

  /// The inferred type's SQL name.
  var sqlType: String {
    guard sawValue else { return "text" }
    if couldBeInteger { return "integer" }
    if couldBeBigint { return "bigint" }
    if couldBeNumeric { return "numeric" }
    if couldBeBoolean { return "boolean" }
    if couldBeDate, !sawTime { return "date" }
    if couldBeTimestamp { return sawTimeZone ? "timestamptz" : "timestamp" }
    return "text"
  }

  /// Combines what two scans of different rows saw.
  mutating func merge(_ other: ColumnInference) {
    couldBeInteger = couldBeInteger && other.couldBeInteger
    couldBeBigint = couldBeBigint && other.couldBeBigint
    couldBeNumeric = couldBeNumeric && other.couldBeNumeric
    couldBeBoolean = couldBeBoolean && other.couldBeBoolean
    couldBeDate = couldBeDate && other.couldBeDate
    couldBeTimestamp = couldBeTimestamp && other.couldBeTimestamp
    sawTimeZone = sawTimeZone || other.sawTimeZone
    sawValue = sawValue || other.sawValue
    sawTime = sawTime || other.sawTime
  }

  /// A NULL fits every type.
  mutating func observeNull() {}

  /// A value known to be text.
  mutating func observeText() {
    sawValue = true
    couldBeInteger = false
    couldBeBigint = false
    couldBeNumeric = false
    couldBeBoolean = false
    couldBeDate = false
    couldBeTimestamp = false
  }

  /// Narrows the candidates by one non-empty value.
  mutating func observe(_ bytes: UnsafeBufferPointer<UInt8>) {
    sawValue = true
    if couldBeBigint || couldBeNumeric { classifyNumber(bytes) }
    if couldBeBoolean { couldBeBoolean = ColumnInference.isBoolean(bytes) }
    if couldBeDate || couldBeTimestamp { classifyTime(bytes) }
  }

  /// Narrows by a value given as text (JSON seeds).
  mutating func observe(_ text: String) {
    var copy = text
    copy.withUTF8 { observe($0) }
  }

  private mutating func classifyNumber(_ bytes: UnsafeBufferPointer<UInt8>) {
    var index = 0
    if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") { index = 1 }
    var digits = 0
    var value: UInt64 = 0
    var overflow = false
    while index < bytes.count, bytes[index] &- 48 < 10 {
      let (product, over1) = value.multipliedReportingOverflow(by: 10)
      let (sum, over2) = product.addingReportingOverflow(UInt64(bytes[index] &- 48))
      overflow = overflow || over1 || over2
      value = sum
      digits += 1
      index += 1
    }
    if index == bytes.count, digits > 0 {
      let negative = bytes[0] == UInt8(ascii: "-")
      let limit32: UInt64 = negative ? 2_147_483_648 : 2_147_483_647
      let limit64: UInt64 = negative ? 9_223_372_036_854_775_808 : 9_223_372_036_854_775_807
      if overflow || value > limit64 {
        couldBeInteger = false
        couldBeBigint = false
      } else if value > limit32 {
        couldBeInteger = false
      }
      return
    }
    couldBeInteger = false
    couldBeBigint = false
    guard couldBeNumeric else { return }
    var fraction = 0
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
      index += 1
      while index < bytes.count, bytes[index] &- 48 < 10 {
        fraction += 1
        index += 1
      }
    }
    couldBeNumeric = index == bytes.count && digits + fraction > 0
  }

  private static func isBoolean(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    func equals(_ word: StaticString) -> Bool {
      guard bytes.count == word.utf8CodeUnitCount else { return false }
      let pointer = word.utf8Start
      for offset in 0..<bytes.count where bytes[offset] | 0x20 != pointer[offset] {
        return false
      }
      return true
    }
    return equals("true") || equals("false")
  }

  // ISO 8601: YYYY-MM-DD, optionally [T ]HH:MM[:SS[.fff]] and Z or ±HH[:MM].
  private mutating func classifyTime(_ bytes: UnsafeBufferPointer<UInt8>) {
    func digits(_ start: Int, _ length: Int) -> Int? {
      guard start + length <= bytes.count else { return nil }
      var value = 0
      for offset in start..<(start + length) {
        let digit = bytes[offset] &- 48
        guard digit < 10 else { return nil }
        value = value * 10 + Int(digit)
      }
      return value
    }
    let dash = UInt8(ascii: "-")
    let colon = UInt8(ascii: ":")
    guard bytes.count >= 10, digits(0, 4) != nil, bytes[4] == dash,
      let month = digits(5, 2), bytes[7] == dash, let day = digits(8, 2),
      (1...12).contains(month), (1...31).contains(day)
    else {
      couldBeDate = false
      couldBeTimestamp = false
      return
    }
    if bytes.count == 10 { return }
    couldBeDate = false
    sawTime = true
    guard bytes.count >= 16, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
      let hour = digits(11, 2), bytes[13] == colon, let minute = digits(14, 2), hour < 24,
      minute < 60
    else {
      couldBeTimestamp = false
      return
    }
    var index = 16
    if index < bytes.count, bytes[index] == colon {
      guard digits(index + 1, 2) != nil else {
        couldBeTimestamp = false
        return
      }
      index += 3
      if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
        index += 1
        while index < bytes.count, bytes[index] &- 48 < 10 { index += 1 }
      }
    }
    if index == bytes.count { return }
    if bytes[index] == UInt8(ascii: "Z"), index + 1 == bytes.count {
      sawTimeZone = true
      return
    }
    if bytes[index] == UInt8(ascii: "+") || bytes[index] == dash, digits(index + 1, 2) != nil {
      var end = index + 3
      if end < bytes.count, bytes[end] == colon { end += 1 }
      if end < bytes.count, digits(end, 2) != nil { end += 2 }
      if end == bytes.count {
        sawTimeZone = true
        return
      }
    }
    couldBeTimestamp = false
  }
}
