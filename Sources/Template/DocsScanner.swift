public import Diagnostics

extension Parser {
  /// Reads only the `{% docs name %}...{% enddocs %}` blocks of a `.md` file, as dbt does: the
  /// prose around them is not a template, so `{{` in it is text, not a syntax error.
  public static func parseDocs(_ file: SourceFile) throws(Diagnostic) -> Template {
    let bytes = file.bytes
    var docs: [DocsBlock] = []
    var position = 0
    while let open = DocsScanner.nextTag(bytes, from: position) {
      position = open.end
      guard open.words.first == "docs", open.words.count == 2 else { continue }
      let name = open.words[1]
      var search = open.end
      var closing: DocsScanner.Tag?
      while let tag = DocsScanner.nextTag(bytes, from: search) {
        if tag.words == ["enddocs"] {
          closing = tag
          break
        }
        search = tag.end
      }
      guard let closing else {
        throw .templateSyntax(
          "unclosed `{% docs %}`: expected `{% enddocs %}` before the end of the file", file: file,
          open.nameSpan)
      }
      docs.append(
        DocsBlock(
          name: name,
          text: file.text(Span(start: open.end, end: closing.start)).trimmingWhitespace(),
          span: open.nameSpan))
      position = closing.end
    }
    return Template(file: file, body: [], macros: [], tests: [], docs: docs)
  }
}

/// Finds `{% ... %}` tags in bytes without lexing the text around them.
enum DocsScanner {
  /// One tag: its words and where it starts and ends.
  struct Tag {
    var start: Int
    var end: Int
    var words: [String]
    var nameSpan: Span
  }

  /// The next `{% ... %}` tag at or after `start`, whitespace control marks dropped.
  static func nextTag(_ bytes: [UInt8], from start: Int) -> Tag? {
    var index = start
    while index + 1 < bytes.count {
      guard bytes[index] == UInt8(ascii: "{"), bytes[index + 1] == UInt8(ascii: "%") else {
        index += 1
        continue
      }
      var close = index + 2
      while close + 1 < bytes.count,
        !(bytes[close] == UInt8(ascii: "%") && bytes[close + 1] == UInt8(ascii: "}"))
      {
        close += 1
      }
      guard close + 1 < bytes.count else { return nil }
      var words: [String] = []
      var nameSpan = Span(start: index, end: index + 2)
      var cursor = index + 2
      while cursor < close {
        let byte = bytes[cursor]
        if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
          || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "-")
        {
          cursor += 1
          continue
        }
        let wordStart = cursor
        while cursor < close, !isSeparator(bytes[cursor]) { cursor += 1 }
        // `name-%}`: the dash is whitespace control, not part of the name.
        let wordEnd =
          cursor == close && bytes[cursor - 1] == UInt8(ascii: "-") ? cursor - 1 : cursor
        if words.count == 1 { nameSpan = Span(start: wordStart, end: wordEnd) }
        words.append(String(decoding: bytes[wordStart..<wordEnd], as: UTF8.self))
      }
      return Tag(start: index, end: close + 2, words: words, nameSpan: nameSpan)
    }
    return nil
  }

  private static func isSeparator(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
      || byte == UInt8(ascii: "\r")
  }
}
