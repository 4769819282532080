/// Prints diagnostics like a compiler: `path:line:col: error: message`, the source line and a caret.
public struct DiagnosticRenderer: Sendable {
  /// Whether to colour the severity word (only on a terminal).
  public var colors: Bool

  /// Creates a renderer.
  public init(colors: Bool = false) {
    self.colors = colors
  }

  /// The full text of one diagnostic, ending with a newline.
  public func render(_ diagnostic: Diagnostic) -> String {
    var out = ""
    out += header(
      location: diagnostic.range, path: diagnostic.path, severity: diagnostic.severity.rawValue,
      message: diagnostic.message)
    if let range = diagnostic.range, diagnostic.showsExcerpt { out += excerpt(range) }
    for note in diagnostic.notes {
      out += header(location: note.range, path: nil, severity: "note", message: note.message)
      if let range = note.range { out += excerpt(range) }
    }
    if let hint = diagnostic.hint { out += paint("hint", code: "36") + ": " + hint + "\n" }
    return out
  }

  /// The text of several diagnostics, separated by nothing (each ends with a newline).
  public func render(_ diagnostics: [Diagnostic]) -> String {
    diagnostics.map(render).joined()
  }

  private func header(location: SourceRange?, path: String?, severity: String, message: String)
    -> String
  {
    var prefix = ""
    if let location {
      let start = location.start
      prefix = "\(location.file.path):\(start.line):\(start.column): "
    } else if let path {
      prefix = "\(path): "
    }
    let colour =
      switch severity {
      case "error": "31"
      case "warning": "33"
      default: "36"
      }
    return prefix + paint(severity, code: colour) + ": " + message + "\n"
  }

  private func excerpt(_ range: SourceRange) -> String {
    let start = range.start
    var lineText = range.file.text(start.lineSpan)
      .replacing("\t", with: " ")
    // A NUL would reach the terminal raw; its symbol is one character too, so carets align.
    if lineText.utf8.contains(0) { lineText = lineText.replacing("\u{0}", with: "\u{2400}") }
    // The caret sits under the first byte; carets under a single line cover the span.
    let caretColumn = prefixWidth(range.file, from: start.lineSpan.start, to: range.span.start)
    let spanEnd = min(range.span.end, start.lineSpan.end)
    let underline = max(1, prefixWidth(range.file, from: range.span.start, to: spanEnd))
    let gutter = String(start.line)
    let pad = String(repeating: " ", count: gutter.count)
    var out = "\(gutter) | \(lineText)\n"
    out += "\(pad) | " + String(repeating: " ", count: caretColumn)
    out += paint("^" + String(repeating: "~", count: underline - 1), code: "32") + "\n"
    return out
  }

  /// The number of characters (not bytes) between two offsets on one line, for caret placement.
  private func prefixWidth(_ file: SourceFile, from: Int, to: Int) -> Int {
    guard to > from else { return 0 }
    return file.text(Span(start: from, end: to)).count
  }

  private func paint(_ text: String, code: String) -> String {
    colors ? "\u{1B}[1;\(code)m\(text)\u{1B}[0m" : text
  }
}

extension DiagnosticRenderer {
  /// One diagnostic as a single-line JSON object, for `--log-format json`.
  public static func jsonLine(_ diagnostic: Diagnostic) -> String {
    var fields: [String] = [
      "\"level\":" + jsonString(diagnostic.severity.rawValue),
      "\"code\":" + jsonString(diagnostic.code),
      "\"message\":" + jsonString(diagnostic.message),
    ]
    if let path = diagnostic.filePath { fields.append("\"file\":" + jsonString(path)) }
    if let range = diagnostic.range {
      let start = range.start
      fields.append("\"line\":\(start.line)")
      fields.append("\"column\":\(start.column)")
    }
    if let hint = diagnostic.hint { fields.append("\"hint\":" + jsonString(hint)) }
    if !diagnostic.notes.isEmpty {
      fields.append(
        "\"notes\":[" + diagnostic.notes.map { jsonString($0.message) }.joined(separator: ",") + "]"
      )
    }
    return "{" + fields.joined(separator: ",") + "}"
  }

  /// A JSON string literal.
  public static func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
