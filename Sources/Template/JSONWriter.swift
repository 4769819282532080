import OrderedCollections

/// Appends JSON to one byte buffer: the manifest of a 10,000-model project is tens of
/// megabytes, and building it through `[String: Any]` and JSONSerialization costs seconds.
public struct JSONWriter {
  /// The JSON written so far.
  public private(set) var bytes: [UInt8] = []
  private var needsComma: [Bool] = [false]
  /// A key was just written: the next value follows it without a comma.
  private var pendingValue = false

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
    var text = text
    text.withUTF8 { utf8 in
      // Copy runs without escapes whole; compiled SQL has a newline every few dozen bytes.
      var runStart = 0
      for index in 0..<utf8.count {
        let byte = utf8[index]
        guard byte < 32 || byte == 34 || byte == 92 else { continue }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
        runStart = index + 1
        bytes.append(92)
        switch byte {
        case 34, 92: bytes.append(byte)
        case 10: bytes.append(UInt8(ascii: "n"))
        case 13: bytes.append(UInt8(ascii: "r"))
        case 9: bytes.append(UInt8(ascii: "t"))
        default:
          let hex: StaticString = "0123456789abcdef"
          bytes.append(UInt8(ascii: "u"))
          bytes.append(48)
          bytes.append(48)
          bytes.append(hex.utf8Start[Int(byte >> 4)])
          bytes.append(hex.utf8Start[Int(byte & 15)])
        }
      }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
    }
    bytes.append(UInt8(ascii: "\""))
  }
}
