public import Diagnostics
public import Template

extension ConfigSchema {
  /// The error for a `delimiter` that is not one single-byte character.
  public static let delimiterMessage =
    "`delimiter` must be one single-byte character other than a quote or a line ending"

  /// Whether a byte can separate the fields of a CSV seed: `COPY` takes a one-byte delimiter,
  /// and a quote or line ending would make every record ambiguous.
  public static func isSeedDelimiter(_ byte: UInt8) -> Bool {
    byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\r")
      && byte != 0 && byte < 0x80
  }

  /// Checks the value of a seed's `delimiter` or `quote_columns`.
  static func checkSeedValue(_ key: String, _ value: Value, at range: SourceRange?)
    -> Diagnostic?
  {
    switch canonical(key) {
    case "delimiter":
      if let text = value.stringValue, text.utf8.count == 1, let byte = text.utf8.first,
        isSeedDelimiter(byte)
      {
        return nil
      }
      return .error(
        "config.invalid-value", delimiterMessage, at: range,
        hint: "e.g. `delimiter: '|'`, or `delimiter: \"\\t\"` for a tab")
    default:
      if case .bool = value { return nil }
      return .error(
        "config.invalid-value", "`quote_columns` must be `true` or `false`", at: range)
    }
  }
}
