#if Spark
  /// A malformed protobuf message.
  public struct ProtobufError: Error, Sendable, CustomStringConvertible {
    /// What was wrong, and where.
    public var description: String
  }

  /// Writes protobuf's wire format (varints, length-delimited fields, nested messages) by hand:
  /// the few Spark Connect messages swdbt sends do not justify generated code.
  public struct ProtobufWriter: Sendable {
    /// The encoded message so far.
    public private(set) var bytes: [UInt8] = []

    /// Creates an empty message.
    public init() {}

    /// Appends a base-128 varint.
    public mutating func writeVarint(_ value: UInt64) {
      var rest = value
      while rest >= 0x80 {
        bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
        rest >>= 7
      }
      bytes.append(UInt8(rest))
    }

    private mutating func writeTag(_ field: Int, _ wireType: UInt64) {
      writeVarint(UInt64(field) << 3 | wireType)
    }

    /// A varint field (int32/int64/uint64/enum); zero is written too, so callers omit defaults.
    public mutating func writeVarintField(_ field: Int, _ value: UInt64) {
      writeTag(field, 0)
      writeVarint(value)
    }

    /// A bool field.
    public mutating func writeBool(_ field: Int, _ value: Bool) {
      writeVarintField(field, value ? 1 : 0)
    }

    /// A bytes field.
    public mutating func writeBytes(_ field: Int, _ value: some Collection<UInt8>) {
      writeTag(field, 2)
      writeVarint(UInt64(value.count))
      bytes.append(contentsOf: value)
    }

    /// A string field, as UTF-8.
    public mutating func writeString(_ field: Int, _ value: String) {
      writeBytes(field, Array(value.utf8))
    }

    /// A nested message, built by `body`; an empty message is still written (a set oneof case).
    public mutating func writeMessage(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
      var nested = ProtobufWriter()
      body(&nested)
      writeBytes(field, nested.bytes)
    }
  }

  /// One field's value as it is on the wire.
  public enum ProtobufValue: Sendable, Equatable {
    case varint(UInt64)
    case fixed64(UInt64)
    case lengthDelimited(ArraySlice<UInt8>)
    case fixed32(UInt32)

    /// The value as an integer (varint or fixed), nil for bytes.
    public var integer: UInt64? {
      switch self {
      case .varint(let value), .fixed64(let value): value
      case .fixed32(let value): UInt64(value)
      case .lengthDelimited: nil
      }
    }

    /// The value as bytes, nil for numbers.
    public var bytes: ArraySlice<UInt8>? {
      if case .lengthDelimited(let slice) = self { return slice }
      return nil
    }

    /// The value as UTF-8 text, nil for numbers.
    public var string: String? {
      bytes.map { String(decoding: $0, as: UTF8.self) }
    }
  }

  /// Reads protobuf's wire format field by field; unknown fields are the caller's to skip.
  public struct ProtobufReader: Sendable {
    private let bytes: ArraySlice<UInt8>
    private var position: Int

    /// Reads `bytes` (a whole message).
    public init(_ bytes: ArraySlice<UInt8>) {
      self.bytes = bytes
      self.position = bytes.startIndex
    }

    /// Reads `bytes` (a whole message).
    public init(_ bytes: [UInt8]) {
      self.init(bytes[...])
    }

    private mutating func readVarint() throws(ProtobufError) -> UInt64 {
      var result: UInt64 = 0
      var shift: UInt64 = 0
      while true {
        guard position < bytes.endIndex else {
          throw ProtobufError(description: "truncated varint at byte \(position)")
        }
        let byte = bytes[position]
        position += 1
        guard shift < 64 else { throw ProtobufError(description: "varint longer than 10 bytes") }
        result |= UInt64(byte & 0x7F) << shift
        if byte < 0x80 { return result }
        shift += 7
      }
    }

    private mutating func readFixed(_ size: Int) throws(ProtobufError) -> UInt64 {
      guard bytes.endIndex - position >= size else {
        throw ProtobufError(description: "truncated fixed\(size * 8) at byte \(position)")
      }
      var value: UInt64 = 0
      for index in 0..<size {
        value |= UInt64(bytes[position + index]) << (8 * UInt64(index))
      }
      position += size
      return value
    }

    /// The next field, or nil at the end of the message.
    public mutating func next() throws(ProtobufError) -> (field: Int, value: ProtobufValue)? {
      guard position < bytes.endIndex else { return nil }
      let tag = try readVarint()
      let field = Int(truncatingIfNeeded: tag >> 3)
      guard field > 0 else {
        throw ProtobufError(description: "field number 0 at byte \(position)")
      }
      switch tag & 7 {
      case 0: return (field, .varint(try readVarint()))
      case 1: return (field, .fixed64(try readFixed(8)))
      case 2:
        let length = try readVarint()
        guard length <= UInt64(bytes.endIndex - position) else {
          throw ProtobufError(
            description: "field \(field) says \(length) bytes, \(bytes.endIndex - position) remain")
        }
        let start = position
        position += Int(length)
        return (field, .lengthDelimited(bytes[start..<position]))
      case 5: return (field, .fixed32(UInt32(truncatingIfNeeded: try readFixed(4))))
      case let wireType:
        // Groups (3, 4) are long deprecated and Spark Connect does not use them.
        throw ProtobufError(description: "unsupported wire type \(wireType) for field \(field)")
      }
    }

    /// Calls `body` for each field of the message.
    public mutating func readFields(
      _ body: (_ field: Int, _ value: ProtobufValue) throws(ProtobufError) -> Void
    ) throws(ProtobufError) {
      while let (field, value) = try next() {
        try body(field, value)
      }
    }
  }
#endif
