import OrderedCollections
public import Template

/// Appends JSON to one byte buffer: the manifest of a 10,000-model project is tens of
/// megabytes, and building it through `[String: Any]` and JSONSerialization costs seconds.
public struct JSONWriter {
  /// The JSON written so far.
  public private(set) var bytes: [UInt8] = []
  private var needsComma: [Bool] = [false]
  /// A key was just written: the next value follows it without a comma.
  /// An empty writer.
  public init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

  /// Starts an object (as a value, or as the value of the key just written).
  public mutating func beginObject() {
    separate()
    bytes.append(UInt8(ascii: "{"))
    needsComma.append(false)
  }
  /// Ends the current object.
  public mutating func endObject() {
    needsComma.removeLast()
    bytes.append(UInt8(ascii: "}"))
  }
  /// Starts an array.
  public mutating func beginArray() {
    separate()
    bytes.append(UInt8(ascii: "["))
    needsComma.append(false)
  }
  /// Ends the current array.
  public mutating func endArray() {
    needsComma.removeLast()
    bytes.append(UInt8(ascii: "]"))
  }

  /// Writes an object key; the next call writes its value.
  public mutating func key(_ name: String) {
    separate()
    appendString(name)
    bytes.append(UInt8(ascii: ":"))
    needsComma[needsComma.count - 1] = false
    pendingValue = true
  }

  private var pendingValue = false

  /// A string value.
  public mutating func string(_ text: String) {
    separate()
    appendString(text)
  }
  /// A string value, or null.
  public mutating func string(_ text: String?) {
    if let text { string(text) } else { null() }
  }
  /// A boolean value.
  public mutating func bool(_ flag: Bool) { raw(flag ? "true" : "false") }
  /// An integer value.
  public mutating func integer(_ number: Int) { raw(String(number)) }
  /// A number value (null when not finite).
  public mutating func double(_ number: Double) { raw(number.isFinite ? String(number) : "null") }
  /// null.
  public mutating func null() { raw("null") }
  /// An array of strings.
  public mutating func strings(_ items: [String]) {
    beginArray()
    for item in items { string(item) }
    endArray()
  }
  /// An array of integers.
  public mutating func integers(_ items: [Int]) {
    beginArray()
    for item in items { integer(item) }
    endArray()
  }
  /// A template value (config, meta): lists and dicts become arrays and objects.
  public mutating func value(_ value: Value) {
    switch value {
    case .none, .undefined: null()
    case .bool(let flag): bool(flag)
    case .integer(let number): integer(number)
    case .double(let number): double(number)
    case .string(let text): string(text)
    case .list(let items):
      beginArray()
      for item in items { self.value(item) }
      endArray()
    case .dict(let entries):
      beginObject()
      for (name, item) in entries {
        key(name)
        self.value(item)
      }
      endObject()
    default: string(value.rendered)
    }
  }
  /// Already-encoded JSON, written as one value.
  public mutating func raw(_ json: String) {
    separate()
    bytes.append(contentsOf: json.utf8)
  }
  /// Already-encoded JSON bytes, written as one value.
  public mutating func raw(_ json: [UInt8]) {
    separate()
    bytes.append(contentsOf: json)
  }

  private mutating func separate() {
    if pendingValue {
      pendingValue = false
      needsComma[needsComma.count - 1] = true
      return
    }
    if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
    needsComma[needsComma.count - 1] = true
  }

  private mutating func appendString(_ text: String) {
    bytes.append(UInt8(ascii: "\""))
    // Most strings need no escape: copy them whole.
    let plain = text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
      guard !utf8.contains(where: { $0 < 32 || $0 == 34 || $0 == 92 }) else { return false }
      bytes.append(contentsOf: utf8)
      return true
    }
    if plain == true {
      bytes.append(UInt8(ascii: "\""))
      return
    }
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
      case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
      case 10: bytes.append(contentsOf: [92, UInt8(ascii: "n")])
      case 13: bytes.append(contentsOf: [92, UInt8(ascii: "r")])
      case 9: bytes.append(contentsOf: [92, UInt8(ascii: "t")])
      case 0..<32:
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: [
          92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)],
        ])
      default: bytes.append(byte)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }
}
