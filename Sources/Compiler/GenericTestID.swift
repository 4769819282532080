import OrderedCollections
import Runtime
import Template

/// dbt's unique id of a generic test: `test.<package>.<name>.<hash>`, the hash being the last
/// 10 hex digits of the MD5 of the name followed by Python's `repr` of the test's metadata
/// (`namespace`, `name`, `kwargs`), its dicts sorted by key and every scalar made a string by
/// `str()`. Tools that read the manifest, and `--state` comparisons with dbt's artifacts,
/// match tests by this id.
enum GenericTestID {
  /// The id of one test.
  /// - Parameters:
  ///   - package: the project or package that declares it.
  ///   - name: its full name (or the name given with `name:`).
  ///   - testName: the generic test it runs (`not_null`), without namespace.
  ///   - namespace: the namespace it was called with (`dbt_utils` of `dbt_utils.at_least_one`).
  ///   - arguments: its arguments as written in YAML, with `column_name`.
  ///   - model: the expression of the node under test (`ref('orders')`).
  static func make(
    package: String, name: String, testName: String, namespace: String?,
    arguments: OrderedDictionary<String, Value>, column: String?, model: String
  ) -> String {
    // Bytes, not a String, and the kwargs written in place rather than copied into a
    // dictionary: this runs once per test on the compile path (20,000 times at 10,000 models).
    var text = ByteWriter(capacity: name.utf8.count + model.utf8.count + 160)
    text.append(name)
    text.append("{'kwargs': {")
    var keys: [String] = []
    keys.reserveCapacity(arguments.count + 2)
    keys += arguments.keys
    if column != nil, arguments["column_name"] == nil { keys.append("column_name") }
    if arguments["model"] == nil { keys.append("model") }
    // Python sorts by code point, which is the order of the UTF-8 bytes.
    if keys.count > 1 { keys.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
    for (position, key) in keys.enumerated() {
      if position > 0 { text.append(", ") }
      writeString(key, to: &text)
      text.append(": ")
      if key == "model" {
        writeString(model, between: "{{ get_where_subquery(", and: ") }}", to: &text)
      } else if key == "column_name", let column {
        writeString(column, to: &text)
      } else {
        writeRepresentation(of: arguments[key] ?? .none, to: &text)
      }
    }
    text.append("}, 'name': ")
    writeString(testName, to: &text)
    text.append(", 'namespace': ")
    writeString(namespace ?? "None", to: &text)
    text.append(UInt8(ascii: "}"))
    let digest = text.withBytes { MD5.digest(of: UnsafeRawBufferPointer($0)) }
    // `test.<package>.<name>.` and the last 10 hex digits of the digest: those of its last
    // five bytes, the top byte of the third word and the four bytes of the fourth, low first.
    var id = ByteWriter(capacity: package.utf8.count + name.utf8.count + 17)
    id.append("test.")
    id.append(package)
    id.append(UInt8(ascii: "."))
    id.append(name)
    id.append(UInt8(ascii: "."))
    id.appendHex(UInt8(truncatingIfNeeded: digest.2 >> 24))
    for shift: UInt32 in [0, 8, 16, 24] {
      id.appendHex(UInt8(truncatingIfNeeded: digest.3 >> shift))
    }
    return id.withBytes { String(decoding: $0, as: UTF8.self) }
  }

  /// The expression dbt passes as a test's `model`: `ref('x')`, or `source('s', 't')`.
  static func modelExpression(name: String, sourceName: String?) -> String {
    guard let sourceName else { return "ref('\(name)')" }
    return "source('\(sourceName)', '\(name)')"
  }

  /// Python's `repr` of the value after dbt's `get_hashable_md`: dicts with sorted keys,
  /// lists kept, everything else `str()`'d (so `True`, `None` and `1.5` are quoted strings).
  static func appendRepresentation(of value: Value, to text: inout [UInt8]) {
    var writer = ByteWriter(capacity: 64)
    writeRepresentation(of: value, to: &writer)
    writer.withBytes { text.append(contentsOf: $0) }
  }

  private static func writeRepresentation(of value: Value, to text: inout ByteWriter) {
    switch value {
    case .dict(let entries):
      text.append(UInt8(ascii: "{"))
      // Python sorts by code point, which is the order of the UTF-8 bytes.
      let keys = entries.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      for (position, key) in keys.enumerated() {
        if position > 0 { text.append(", ") }
        writeString(key, to: &text)
        text.append(": ")
        writeRepresentation(of: entries[key] ?? .none, to: &text)
      }
      text.append(UInt8(ascii: "}"))
    case .list(let items):
      text.append(UInt8(ascii: "["))
      for (position, item) in items.enumerated() {
        if position > 0 { text.append(", ") }
        writeRepresentation(of: item, to: &text)
      }
      text.append(UInt8(ascii: "]"))
    default:
      writeString(value.rendered, to: &text)
    }
  }

  /// Python's `repr` of a string: single quotes, or double quotes when the text has a single
  /// quote and no double quote; backslashes, the quote and unprintable characters escaped.
  static func appendString(_ string: String, to text: inout [UInt8]) {
    var writer = ByteWriter(capacity: string.utf8.count + 2)
    writeString(string, to: &writer)
    writer.withBytes { text.append(contentsOf: $0) }
  }

  /// Python's `repr` of `prefix + string + suffix`, the prefix and suffix being printable
  /// ASCII without quotes or backslashes (so the string alone decides the quote), written
  /// without making the joined string.
  private static func writeString(
    _ string: String, between prefix: StaticString = "", and suffix: StaticString = "",
    to text: inout ByteWriter
  ) {
    var string = string
    // One pass over the bytes: most names and arguments are printable ASCII without a
    // backslash or both quotes, and are copied as they are.
    let plainQuote: UInt8? = string.withUTF8 { bytes in
      var hasSingle = false
      var hasDouble = false
      for byte in bytes {
        if byte < 0x20 || byte >= 0x7f || byte == UInt8(ascii: "\\") { return nil }
        if byte == UInt8(ascii: "'") { hasSingle = true }
        if byte == UInt8(ascii: "\"") { hasDouble = true }
      }
      if hasSingle && hasDouble { return nil }
      return hasSingle ? UInt8(ascii: "\"") : UInt8(ascii: "'")
    }
    if let plainQuote {
      text.append(plainQuote)
      text.append(prefix)
      text.append(string)
      text.append(suffix)
      text.append(plainQuote)
      return
    }
    if prefix.utf8CodeUnitCount > 0 || suffix.utf8CodeUnitCount > 0 {
      string = "\(prefix)" + string + "\(suffix)"
    }
    let single = UInt8(ascii: "'")
    let hasSingle = string.utf8.contains(single)
    let quote = hasSingle && !string.utf8.contains(UInt8(ascii: "\"")) ? UInt8(ascii: "\"") : single
    var escapedText = String(Unicode.Scalar(quote))
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\\": escapedText += "\\\\"
      case Unicode.Scalar(quote): escapedText += "\\" + String(Unicode.Scalar(quote))
      case "\t": escapedText += "\\t"
      case "\n": escapedText += "\\n"
      case "\r": escapedText += "\\r"
      default:
        if isPrintable(scalar) {
          escapedText.unicodeScalars.append(scalar)
        } else {
          escapedText += escaped(scalar)
        }
      }
    }
    escapedText.unicodeScalars.append(Unicode.Scalar(quote))
    text.append(escapedText)
  }

  /// Python's `str.isprintable` for one character: not a control, format, surrogate,
  /// private-use or unassigned character, nor a separator other than the ASCII space.
  private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII { return scalar.value >= 0x20 && scalar.value < 0x7f }
    switch scalar.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator,
      .paragraphSeparator, .spaceSeparator:
      return false
    default: return true
    }
  }

  /// `\xNN`, `\uNNNN` or `\UNNNNNNNN`, as Python escapes an unprintable character.
  private static func escaped(_ scalar: Unicode.Scalar) -> String {
    let (prefix, digits) =
      scalar.value < 0x100 ? ("\\x", 2) : scalar.value < 0x10000 ? ("\\u", 4) : ("\\U", 8)
    let hex = String(scalar.value, radix: 16)
    return prefix + String(repeating: "0", count: max(0, digits - hex.count)) + hex
  }
}
