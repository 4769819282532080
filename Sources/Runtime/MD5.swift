import Foundation

/// MD5 (RFC 1321) for `local_md5`: a digest of text, not a security measure.
package enum MD5 {
  private static let shifts: [UInt32] = [
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
  ]
  /// floor(abs(sin(i + 1)) * 2^32).
  private static let constants: [UInt32] = (0..<64).map { index in
    UInt32(truncatingIfNeeded: Int64((abs(sin(Double(index + 1))) * 4_294_967_296).rounded(.down)))
  }

  /// The lower-case hex digest of bytes.
  package static func hex(_ message: [UInt8]) -> String {
    var bytes = message
    let bitLength = UInt64(message.count) &* 8
    bytes.append(0x80)
    while bytes.count % 64 != 56 { bytes.append(0) }
    for shift in stride(from: 0, to: 64, by: 8) {
      bytes.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
    }
    var state: [UInt32] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476]
    for chunk in stride(from: 0, to: bytes.count, by: 64) {
      var words = [UInt32](repeating: 0, count: 16)
      for index in 0..<16 {
        let base = chunk + index * 4
        words[index] =
          UInt32(bytes[base]) | UInt32(bytes[base + 1]) << 8 | UInt32(bytes[base + 2]) << 16
          | UInt32(bytes[base + 3]) << 24
      }
      var (a, b, c, d) = (state[0], state[1], state[2], state[3])
      for index in 0..<64 {
        var f: UInt32
        let g: Int
        switch index {
        case 0..<16:
          f = (b & c) | (~b & d)
          g = index
        case 16..<32:
          f = (d & b) | (~d & c)
          g = (5 * index + 1) % 16
        case 32..<48:
          f = b ^ c ^ d
          g = (3 * index + 5) % 16
        default:
          f = c ^ (b | ~d)
          g = (7 * index) % 16
        }
        f = f &+ a &+ constants[index] &+ words[g]
        a = d
        d = c
        c = b
        b = b &+ (f << shifts[index] | f >> (32 - shifts[index]))
      }
      state[0] &+= a
      state[1] &+= b
      state[2] &+= c
      state[3] &+= d
    }
    let hexDigits = Array("0123456789abcdef")
    var out = ""
    for word in state {
      for shift in stride(from: 0, to: 32, by: 8) {
        let byte = Int((word >> UInt32(shift)) & 0xff)
        out.append(hexDigits[byte >> 4])
        out.append(hexDigits[byte & 0xf])
      }
    }
    return out
  }
}
