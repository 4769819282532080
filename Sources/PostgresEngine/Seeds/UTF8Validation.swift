import Execution

/// Checks UTF-8 one sequence at a time, for readers that walk bytes themselves and meet a
/// non-ASCII byte rarely.
enum UTF8Validation {
  /// The length of the well-formed UTF-8 sequence starting at `index` (whose byte is at least
  /// 0x80), or nil when it is malformed: a stray continuation byte, an overlong form, an
  /// encoded surrogate, a value above U+10FFFF, or a sequence cut off by `end`.
  static func sequenceLength<Bytes: RandomAccessCollection<UInt8>>(
    at index: Int, in bytes: Bytes, end: Int
  ) -> Int? where Bytes.Index == Int {
    let lead = bytes[index]
    let length: Int
    // The second byte's range is narrower for some leads (Unicode Table 3-7).
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0:
      length = 3
      low = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED:
      length = 3
      high = 0x9F
    case 0xF0:
      length = 4
      low = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4:
      length = 4
      high = 0x8F
    default: return nil
    }
    guard index + length <= end else { return nil }
    guard (low...high).contains(bytes[index + 1]) else { return nil }
    for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 { return nil }
    return length
  }
}
