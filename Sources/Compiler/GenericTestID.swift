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
    arguments: OrderedDictionary<String, Value>, model: String
  ) -> String {
    var kwargs = arguments
    kwargs["model"] = .string("{{ get_where_subquery(" + model + ") }}")
    var text = name
    text += "{'kwargs': "
    appendRepresentation(of: .dict(kwargs), to: &text)
    text += ", 'name': "
    appendString(testName, to: &text)
    text += ", 'namespace': "
    appendString(namespace ?? "None", to: &text)
    text += "}"
    let digest = MD5.hex(Array(text.utf8))
    return "test.\(package).\(name).\(digest.suffix(10))"
  }

  /// The expression dbt passes as a test's `model`: `ref('x')`, or `source('s', 't')`.
  static func modelExpression(name: String, sourceName: String?) -> String {
    guard let sourceName else { return "ref('\(name)')" }
    return "source('\(sourceName)', '\(name)')"
  }

  /// Python's `repr` of the value after dbt's `get_hashable_md`: dicts with sorted keys,
  /// lists kept, everything else `str()`'d (so `True`, `None` and `1.5` are quoted strings).
  static func appendRepresentation(of value: Value, to text: inout String) {
    switch value {
    case .dict(let entries):
      text += "{"
      // Python sorts by code point, which is the order of the UTF-8 bytes.
      let keys = entries.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      for (position, key) in keys.enumerated() {
        if position > 0 { text += ", " }
        appendString(key, to: &text)
        text += ": "
        appendRepresentation(of: entries[key] ?? .none, to: &text)
      }
      text += "}"
    case .list(let items):
      text += "["
      for (position, item) in items.enumerated() {
        if position > 0 { text += ", " }
        appendRepresentation(of: item, to: &text)
      }
      text += "]"
    default:
      appendString(value.rendered, to: &text)
    }
  }

  /// Python's `repr` of a string: single quotes, or double quotes when the text has a single
  /// quote and no double quote; backslashes, the quote and unprintable characters escaped.
  static func appendString(_ string: String, to text: inout String) {
    let hasSingle = string.utf8.contains(UInt8(ascii: "'"))
    let quote: Unicode.Scalar = hasSingle && !string.utf8.contains(UInt8(ascii: "\"")) ? "\"" : "'"
    text.unicodeScalars.append(quote)
    for scalar in string.unicodeScalars {
      switch scalar {
      case "\\": text += "\\\\"
      case quote: text += "\\" + String(quote)
      case "\t": text += "\\t"
      case "\n": text += "\\n"
      case "\r": text += "\\r"
      default:
        if isPrintable(scalar) {
          text.unicodeScalars.append(scalar)
        } else {
          text += escaped(scalar)
        }
      }
    }
    text.unicodeScalars.append(quote)
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
