import Foundation

/// MD5 (RFC 1321) for `local_md5`: a digest of text, not a security measure.
package enum MD5 {
  /// floor(abs(sin(i + 1)) * 2^32).
  private static let constants: [UInt32] = (0..<64).map { index in
    UInt32(truncatingIfNeeded: Int64((abs(sin(Double(index + 1))) * 4_294_967_296).rounded(.down)))
  }

  /// The lower-case hex digest of bytes.
  package static func hex(_ message: [UInt8]) -> String {
    let digest = message.withUnsafeBytes { bytes in Self.digest(of: bytes) }
    var out: [UInt8] = []
    out.reserveCapacity(32)
    for word in [digest.0, digest.1, digest.2, digest.3] {
      appendHex(of: word, to: &out)
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The four state words of the digest of bytes; the digest is their little-endian bytes.
  /// A generic test's unique_id hashes its metadata, so a 10,000-model project runs this
  /// ~20,000 times while compiling: whole blocks are read in place, only the padded tail is
  /// copied (to the stack), and nothing is allocated.
  package static func digest(of message: UnsafeRawBufferPointer) -> (UInt32, UInt32, UInt32, UInt32)
  {
    var state: (UInt32, UInt32, UInt32, UInt32) = (
      0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476
    )
    let wholeBlocks = message.count / 64 * 64
    constants.withUnsafeBufferPointer { k in
      withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 16) { x in
        if wholeBlocks > 0 {
          compress(UnsafeRawBufferPointer(rebasing: message[..<wholeBlocks]), &state, k, x)
        }
        // The rest, then 0x80, zeros and the bit length: one or two more blocks.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128) { tail in
          let rest = message.count - wholeBlocks
          tail.initialize(repeating: 0)
          for index in 0..<rest { tail[index] = message[wholeBlocks + index] }
          tail[rest] = 0x80
          let tailLength = rest < 56 ? 64 : 128
          let bitLength = UInt64(message.count) &* 8
          for index in 0..<8 {
            tail[tailLength - 8 + index] = UInt8(truncatingIfNeeded: bitLength >> UInt64(index * 8))
          }
          compress(
            UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(tail)[..<tailLength]), &state,
            k, x)
        }
      }
    }
    return state
  }

  /// Appends the two lower-case hex digits of each of the word's bytes, low byte first (the
  /// order of a digest's bytes).
  private static func appendHex(of word: UInt32, to out: inout [UInt8]) {
    for shift in stride(from: 0, to: 32, by: 8) {
      appendHex(ofByte: UInt8(truncatingIfNeeded: word >> UInt32(shift)), to: &out)
    }
  }

  /// Appends the two lower-case hex digits of a byte.
  private static func appendHex(ofByte byte: UInt8, to out: inout [UInt8]) {
    out.append(hexDigit(byte >> 4))
    out.append(hexDigit(byte & 0xf))
  }

  @inline(__always)
  private static func hexDigit(_ value: UInt8) -> UInt8 {
    value < 10 ? 0x30 &+ value : 0x57 &+ value
  }

  /// Runs the 64 steps over each 64-byte block of `blocks`.
  private static func compress(
    _ blocks: UnsafeRawBufferPointer, _ state: inout (UInt32, UInt32, UInt32, UInt32),
    _ k: UnsafeBufferPointer<UInt32>, _ x: UnsafeMutableBufferPointer<UInt32>
  ) {
    var chunk = 0
    while chunk < blocks.count {
      for index in 0..<16 {
        let offset = chunk &+ index &* 4
        x[index] = blocks.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
      }
      var (a, b, c, d) = state
      // Four rounds of sixteen steps, four steps at a time so the shifts are constants.
      for i in stride(from: 0, to: 16, by: 4) {
        a = step(a, b, (b & c) | (~b & d), x[i], k[i], 7)
        d = step(d, a, (a & b) | (~a & c), x[i &+ 1], k[i &+ 1], 12)
        c = step(c, d, (d & a) | (~d & b), x[i &+ 2], k[i &+ 2], 17)
        b = step(b, c, (c & d) | (~c & a), x[i &+ 3], k[i &+ 3], 22)
      }
      for i in stride(from: 16, to: 32, by: 4) {
        a = step(a, b, (d & b) | (~d & c), x[(5 &* i &+ 1) & 15], k[i], 5)
        d = step(d, a, (c & a) | (~c & b), x[(5 &* i &+ 6) & 15], k[i &+ 1], 9)
        c = step(c, d, (b & d) | (~b & a), x[(5 &* i &+ 11) & 15], k[i &+ 2], 14)
        b = step(b, c, (a & c) | (~a & d), x[(5 &* i &+ 16) & 15], k[i &+ 3], 20)
      }
      for i in stride(from: 32, to: 48, by: 4) {
        a = step(a, b, b ^ c ^ d, x[(3 &* i &+ 5) & 15], k[i], 4)
        d = step(d, a, a ^ b ^ c, x[(3 &* i &+ 8) & 15], k[i &+ 1], 11)
        c = step(c, d, d ^ a ^ b, x[(3 &* i &+ 11) & 15], k[i &+ 2], 16)
        b = step(b, c, c ^ d ^ a, x[(3 &* i &+ 14) & 15], k[i &+ 3], 23)
      }
      for i in stride(from: 48, to: 64, by: 4) {
        a = step(a, b, c ^ (b | ~d), x[(7 &* i) & 15], k[i], 6)
        d = step(d, a, b ^ (a | ~c), x[(7 &* i &+ 7) & 15], k[i &+ 1], 10)
        c = step(c, d, a ^ (d | ~b), x[(7 &* i &+ 14) & 15], k[i &+ 2], 15)
        b = step(b, c, d ^ (c | ~a), x[(7 &* i &+ 21) & 15], k[i &+ 3], 21)
      }
      state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
      chunk &+= 64
    }
  }

  /// One MD5 step: `b + ((a + f + x + k) <<< shift)`.
  @inline(__always)
  private static func step(
    _ a: UInt32, _ b: UInt32, _ f: UInt32, _ x: UInt32, _ k: UInt32, _ shift: UInt32
  ) -> UInt32 {
    let sum = a &+ f &+ x &+ k
    return b &+ (sum << shift | sum >> (32 &- shift))
  }
}
