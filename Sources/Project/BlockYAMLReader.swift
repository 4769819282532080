/// Composes the YAML that properties and project files are written in (block mappings and
/// sequences, one-line flow collections, one-line plain and quoted scalars, literal and folded
/// block scalars, comments) straight from the bytes, about ten times faster than Yams, whose
/// nodes carry tags and resolvers that swdbt never reads.
///
/// It gives up (returns nil) on anything outside that subset and on anything malformed:
/// anchors, tags, multi-line flow or plain scalars, tabs, document markers, duplicate keys.
/// The caller then composes the file with Yams, which handles all of YAML and words the syntax
/// errors. A differential test holds both to the same trees and positions.
enum BlockYAMLReader {
  /// The document's root (nil when empty), or nil in the outer optional when the file must go
  /// to Yams.
  static func read(_ bytes: [UInt8]) -> YAMLNode?? {
    guard acceptsCharacters(bytes) else { return nil }
    let isASCII = !bytes.contains { $0 >= 0x80 }
    return bytes.withUnsafeBufferPointer { buffer -> YAMLNode?? in
      var cursor = Cursor(bytes: buffer, isASCII: isASCII)
      do throws(Unsupported) {
        return .some(try cursor.document())
      } catch {
        return nil
      }
    }
  }

  /// Characters libyaml rejects or treats specially (tabs, carriage returns, byte order marks,
  /// controls, the YAML 1.1 line breaks U+0085/U+2028/U+2029) send the file to Yams.
  private static func acceptsCharacters(_ bytes: [UInt8]) -> Bool {
    var hasNonASCII = false
    for byte in bytes {
      if byte >= 0x80 {
        hasNonASCII = true
      } else if byte < 0x20 && byte != 0x0A || byte == 0x7F {
        return false
      }
    }
    guard hasNonASCII else { return true }
    guard let text = String(validating: bytes, as: UTF8.self) else { return false }
    for scalar in text.unicodeScalars where scalar.value >= 0x80 {
      switch scalar.value {
      case 0xA0...0xD7FF, 0xE000...0xFEFE, 0xFF00...0xFFFD, 0x10000...0x10FFFF: continue
      default: return false
      }
    }
    return true
  }

  struct Unsupported: Error {}

  private enum Chomping { case clip, strip, keep }

  private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    let isASCII: Bool
    var index = 0
    var line = 1
    var lineStart = 0
    /// Collections open around `index`: the reader recurses once per level.
    var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>, isASCII: Bool) {
      self.bytes = bytes
      self.isASCII = isASCII
    }

    // MARK: Bytes and positions

    var atEnd: Bool { index >= bytes.count }

    func byte(at offset: Int) -> UInt8 {
      offset < bytes.count ? bytes[offset] : 0
    }

    var current: UInt8 { byte(at: index) }

    /// Space, line break or end: what must follow `-`, `:` and a comment's `#` to count.
    func isBlank(at offset: Int) -> Bool {
      let value = byte(at: offset)
      return value == UInt8(ascii: " ") || value == UInt8(ascii: "\n") || value == 0
    }

    /// The 0-based column of a byte of the current line, in Unicode scalars.
    func column(of offset: Int) -> Int {
      if isASCII { return offset - lineStart }
      var count = 0
      for position in lineStart..<offset where bytes[position] & 0xC0 != 0x80 { count += 1 }
      return count
    }

    func node(_ content: YAMLNode.Content, at offset: Int) -> YAMLNode {
      YAMLNode(content, line: line, column: column(of: offset) + 1)
    }

    func text(_ range: Range<Int>) -> String {
      String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    mutating func skipSpaces() {
      while current == UInt8(ascii: " ") { index += 1 }
    }

    /// Moves past the line break at `index` (which must be one) to the next line.
    mutating func nextLine() {
      index += 1
      line += 1
      lineStart = index
    }

    /// From the start of a line, skips blank and comment-only lines; stops at the next
    /// content character (after its line's indentation) or the end.
    mutating func skipToContent() {
      while !atEnd {
        skipSpaces()
        if current == UInt8(ascii: "#") {
          while !atEnd && current != UInt8(ascii: "\n") { index += 1 }
        }
        guard !atEnd, current == UInt8(ascii: "\n") else { return }
        nextLine()
      }
    }

    /// After a one-line value: only spaces and a comment may follow on its line.
    mutating func finishLine() throws(Unsupported) {
      let before = index
      skipSpaces()
      if current == UInt8(ascii: "#") {
        guard index > before else { throw Unsupported() }
        while !atEnd && current != UInt8(ascii: "\n") { index += 1 }
      }
      guard atEnd || current == UInt8(ascii: "\n") else { throw Unsupported() }
      if !atEnd { nextLine() }
      skipToContent()
    }

    var isSequenceEntry: Bool {
      current == UInt8(ascii: "-") && isBlank(at: index + 1)
    }

    /// Enters one more collection; past `YAMLNode.maximumDepth` the file goes to Yams, whose
    /// composition is bounded and reports the depth with its position.
    mutating func descend() throws(Unsupported) {
      depth += 1
      guard depth <= YAMLNode.maximumDepth else { throw Unsupported() }
    }

    // MARK: Document and block collections

    mutating func document() throws(Unsupported) -> YAMLNode? {
      skipToContent()
      if atEnd { return nil }
      let start = index
      // Directives and document markers.
      if current == UInt8(ascii: "%") { throw Unsupported() }
      if column(of: start) == 0, bytes.count - start >= 3,
        (bytes[start] == UInt8(ascii: "-") && bytes[start + 1] == UInt8(ascii: "-")
          && bytes[start + 2] == UInt8(ascii: "-"))
          || (bytes[start] == UInt8(ascii: ".") && bytes[start + 1] == UInt8(ascii: ".")
            && bytes[start + 2] == UInt8(ascii: "."))
      {
        throw Unsupported()
      }
      let root: YAMLNode
      let indent = column(of: start)
      if isSequenceEntry {
        root = try sequence(indent: indent)
      } else if keyEnd() != nil {
        root = try mapping(indent: indent)
      } else {
        throw Unsupported()
      }
      guard atEnd else { throw Unsupported() }
      return root
    }

    /// A block mapping whose keys start at column `indent`; `index` is at its first key.
    mutating func mapping(indent: Int) throws(Unsupported) -> YAMLNode {
      try descend()
      defer { depth -= 1 }
      let start = index
      let startLine = line
      let startColumn = column(of: start) + 1
      var entries: [(key: YAMLNode, value: YAMLNode)] = []
      while true {
        let key = try mappingKey()
        if case .scalar(let keyText, _) = key.content {
          // Merge keys and duplicates are Yams' business.
          if keyText == "<<" || keyText == "=" { throw Unsupported() }
          for entry in entries {
            if case .scalar(let other, _) = entry.key.content, other == keyText {
              throw Unsupported()
            }
          }
        }
        let value = try mappingValue(indent: indent)
        entries.append((key, value))
        if atEnd { break }
        let column = column(of: index)
        if column < indent { break }
        guard column == indent, !isSequenceEntry else { throw Unsupported() }
      }
      return YAMLNode(.mapping(entries), line: startLine, column: startColumn)
    }

    /// The key at `index`, leaving `index` just past its `:`.
    mutating func mappingKey() throws(Unsupported) -> YAMLNode {
      guard let colon = keyEnd() else { throw Unsupported() }
      let start = index
      let key: YAMLNode
      if current == UInt8(ascii: "'") || current == UInt8(ascii: "\"") {
        key = try quoted()
      } else {
        var end = colon
        while end > start && bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        key = node(.scalar(text(start..<end), isPlain: true), at: start)
      }
      // libyaml's simple keys are limited to 1024 characters.
      guard colon - start < 1000 else { throw Unsupported() }
      index = colon + 1
      return key
    }

    /// Where the `:` of a simple key starting at `index` is, or nil when the line holds no key.
    func keyEnd() -> Int? {
      var position = index
      let first = byte(at: position)
      if first == UInt8(ascii: "'") || first == UInt8(ascii: "\"") {
        position += 1
        while true {
          let value = byte(at: position)
          if value == 0 || value == UInt8(ascii: "\n") { return nil }
          if value == UInt8(ascii: "\\") && first == UInt8(ascii: "\"") {
            position += 2
            continue
          }
          if value == first {
            if first == UInt8(ascii: "'") && byte(at: position + 1) == first {
              position += 2
              continue
            }
            break
          }
          position += 1
        }
        position += 1
        while byte(at: position) == UInt8(ascii: " ") { position += 1 }
        return byte(at: position) == UInt8(ascii: ":") && isBlank(at: position + 1)
          ? position : nil
      }
      guard !Cursor.isIndicator(first) else { return nil }
      while true {
        let value = byte(at: position)
        if value == 0 || value == UInt8(ascii: "\n") { return nil }
        if value == UInt8(ascii: "#") && byte(at: position - 1) == UInt8(ascii: " ") {
          return nil
        }
        if value == UInt8(ascii: ":") && isBlank(at: position + 1) { return position }
        position += 1
      }
    }

    /// `-1`, `-x`: a dash followed by a plain character starts a plain scalar.
    var startsWithDashScalar: Bool {
      current == UInt8(ascii: "-") && !isBlank(at: index + 1)
        && !Cursor.isIndicator(byte(at: index + 1))
    }

    static func isFlowIndicator(_ value: UInt8) -> Bool {
      value == UInt8(ascii: ",") || value == UInt8(ascii: "[") || value == UInt8(ascii: "]")
        || value == UInt8(ascii: "{") || value == UInt8(ascii: "}")
    }

    /// Characters that cannot start a plain scalar here (or would need YAML's finer rules).
    static func isIndicator(_ value: UInt8) -> Bool {
      switch value {
      case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","),
        UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
        UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"),
        UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""),
        UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: " "),
        UInt8(ascii: "\n"), 0:
        return true
      default:
        return false
      }
    }

    /// The value after a key's `:` in a mapping at column `indent`.
    mutating func mappingValue(indent: Int) throws(Unsupported) -> YAMLNode {
      if let empty = try emptyRestOfLine(after: index) {
        if !atEnd {
          let column = column(of: index)
          if column > indent { return try blockNode(indent: column) }
          if column == indent && isSequenceEntry { return try sequence(indent: indent) }
        }
        return YAMLNode(.scalar("", isPlain: true), line: empty.line, column: empty.column)
      }
      return try inlineValue(parentIndent: indent)
    }

    /// When only a comment follows an indicator (`key:`, `-`) on its line, moves to the next
    /// content and returns where libyaml places the empty value (just after the indicator);
    /// nil when a value follows on the line.
    mutating func emptyRestOfLine(after offset: Int) throws(Unsupported) -> (
      line: Int, column: Int
    )? {
      skipSpaces()
      guard atEnd || current == UInt8(ascii: "\n") || current == UInt8(ascii: "#") else {
        return nil
      }
      let position = (line: line, column: column(of: offset) + 1)
      try finishLine()
      return position
    }

    /// A collection that starts on a line of its own, at column `indent`.
    mutating func blockNode(indent: Int) throws(Unsupported) -> YAMLNode {
      if isSequenceEntry { return try sequence(indent: indent) }
      if keyEnd() != nil { return try mapping(indent: indent) }
      // A scalar on the line below its key may continue over more lines: Yams' business.
      throw Unsupported()
    }

    /// A block sequence whose `-` entries are at column `indent`.
    mutating func sequence(indent: Int) throws(Unsupported) -> YAMLNode {
      try descend()
      defer { depth -= 1 }
      let startLine = line
      let startColumn = column(of: index) + 1
      var items: [YAMLNode] = []
      while true {
        index += 1
        if let empty = try emptyRestOfLine(after: index) {
          if !atEnd, column(of: index) > indent {
            items.append(try blockNode(indent: column(of: index)))
          } else {
            items.append(
              YAMLNode(.scalar("", isPlain: true), line: empty.line, column: empty.column))
          }
        } else {
          let column = column(of: index)
          if isSequenceEntry {
            items.append(try sequence(indent: column))
          } else if keyEnd() != nil {
            items.append(try mapping(indent: column))
          } else {
            items.append(try inlineValue(parentIndent: indent))
          }
        }
        if atEnd { break }
        let column = column(of: index)
        if column < indent { break }
        guard column == indent else { throw Unsupported() }
        // At the same column, a key belongs to the mapping holding an indentless sequence.
        guard isSequenceEntry else { break }
      }
      return YAMLNode(.sequence(items), line: startLine, column: startColumn)
    }

    // MARK: Values on one line

    /// A value that starts on the current line, in a collection at column `parentIndent`.
    mutating func inlineValue(parentIndent: Int) throws(Unsupported) -> YAMLNode {
      let value: YAMLNode
      switch current {
      case UInt8(ascii: "["), UInt8(ascii: "{"):
        value = try flow()
      case UInt8(ascii: "|"), UInt8(ascii: ">"):
        return try blockScalar(parentIndent: parentIndent)
      case UInt8(ascii: "'"), UInt8(ascii: "\""):
        value = try quoted()
      default:
        value = try plain()
      }
      try finishLine()
      // A deeper line after a one-line value would continue it (or be an error).
      if !atEnd && column(of: index) > parentIndent { throw Unsupported() }
      return value
    }

    /// A plain scalar in block context, ending at the line's end or a comment.
    mutating func plain() throws(Unsupported) -> YAMLNode {
      let start = index
      guard !Cursor.isIndicator(current) || startsWithDashScalar else { throw Unsupported() }
      var end = start
      while true {
        let value = byte(at: index)
        if value == 0 || value == UInt8(ascii: "\n") { break }
        if value == UInt8(ascii: "#") && bytes[index - 1] == UInt8(ascii: " ") { break }
        // `a: b: c` is an error in YAML.
        if value == UInt8(ascii: ":") && isBlank(at: index + 1) { throw Unsupported() }
        index += 1
        if value != UInt8(ascii: " ") { end = index }
      }
      index = end
      return node(.scalar(text(start..<end), isPlain: true), at: start)
    }

    /// A quoted scalar that closes on its own line.
    mutating func quoted() throws(Unsupported) -> YAMLNode {
      let start = index
      let quote = current
      index += 1
      var runStart = index
      var result: [UInt8] = []
      var escaped = false
      while true {
        let value = byte(at: index)
        if value == 0 || value == UInt8(ascii: "\n") { throw Unsupported() }
        if quote == UInt8(ascii: "'") {
          if value == quote {
            if byte(at: index + 1) == quote {
              result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...index]))
              index += 2
              runStart = index
              escaped = true
              continue
            }
            break
          }
        } else {
          if value == quote { break }
          if value == UInt8(ascii: "\\") {
            result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            try escape(into: &result)
            runStart = index
            escaped = true
            continue
          }
        }
        index += 1
      }
      let string: String
      if escaped {
        result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        string = String(decoding: result, as: UTF8.self)
      } else {
        string = text(runStart..<index)
      }
      index += 1
      return node(.scalar(string, isPlain: false), at: start)
    }

    /// A double-quoted escape at `index` (the backslash); the common ones only.
    mutating func escape(into result: inout [UInt8]) throws(Unsupported) {
      let code = byte(at: index + 1)
      index += 2
      switch code {
      case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "/"):
        result.append(code)
      case UInt8(ascii: "n"): result.append(0x0A)
      case UInt8(ascii: "t"): result.append(0x09)
      case UInt8(ascii: "r"): result.append(0x0D)
      case UInt8(ascii: "u"):
        var value: UInt32 = 0
        for _ in 0..<4 {
          guard let digit = Cursor.hexDigit(byte(at: index)) else { throw Unsupported() }
          value = value * 16 + digit
          index += 1
        }
        guard let scalar = Unicode.Scalar(value), value != 0 else { throw Unsupported() }
        result.append(contentsOf: Array(String(Character(scalar)).utf8))
      default:
        throw Unsupported()
      }
    }

    static func hexDigit(_ value: UInt8) -> UInt32? {
      switch value {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(value - UInt8(ascii: "0"))
      case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(value - UInt8(ascii: "a") + 10)
      case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(value - UInt8(ascii: "A") + 10)
      default: nil
      }
    }

    /// A flow sequence or mapping that closes on its own line.
    mutating func flow() throws(Unsupported) -> YAMLNode {
      try descend()
      defer { depth -= 1 }
      let start = index
      let isMapping = current == UInt8(ascii: "{")
      let close = isMapping ? UInt8(ascii: "}") : UInt8(ascii: "]")
      index += 1
      skipSpaces()
      var items: [YAMLNode] = []
      var entries: [(key: YAMLNode, value: YAMLNode)] = []
      if current == close {
        index += 1
        return node(isMapping ? .mapping([]) : .sequence([]), at: start)
      }
      while true {
        if isMapping {
          let key = try flowItem(isKey: true)
          guard current == UInt8(ascii: ":"), byte(at: index + 1) == UInt8(ascii: " "),
            case .scalar(let keyText, _) = key.content, keyText != "<<", keyText != "="
          else { throw Unsupported() }
          for entry in entries {
            if case .scalar(let other, _) = entry.key.content, other == keyText {
              throw Unsupported()
            }
          }
          index += 1
          skipSpaces()
          entries.append((key, try flowItem(isKey: false)))
        } else {
          items.append(try flowItem(isKey: false))
        }
        skipSpaces()
        if current == UInt8(ascii: ",") {
          index += 1
          skipSpaces()
          // A trailing comma, or an entry on the next line: Yams' business.
          guard current != close else { throw Unsupported() }
          continue
        }
        guard current == close else { throw Unsupported() }
        index += 1
        break
      }
      return node(isMapping ? .mapping(entries) : .sequence(items), at: start)
    }

    /// One item of a flow collection; `index` ends just past it (spaces skipped for keys).
    mutating func flowItem(isKey: Bool) throws(Unsupported) -> YAMLNode {
      switch current {
      case UInt8(ascii: "["), UInt8(ascii: "{"):
        guard !isKey else { throw Unsupported() }
        return try flow()
      case UInt8(ascii: "'"), UInt8(ascii: "\""):
        let value = try quoted()
        if isKey { skipSpaces() }
        return value
      default:
        let start = index
        guard !Cursor.isIndicator(current) || startsWithDashScalar else { throw Unsupported() }
        var end = start
        while true {
          let value = byte(at: index)
          switch value {
          case 0, UInt8(ascii: "\n"): throw Unsupported()
          case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
            UInt8(ascii: "}"):
            break
          case UInt8(ascii: ":"):
            // `: ` ends a key; `:` before a flow indicator is an error in libyaml; any other
            // colon is text (`http://x`).
            let next = byte(at: index + 1)
            if next == UInt8(ascii: " ") {
              guard isKey else { throw Unsupported() }
            } else if Cursor.isFlowIndicator(next) || next == UInt8(ascii: "?") || next == 0
              || next == UInt8(ascii: "\n")
            {
              throw Unsupported()
            } else {
              index += 1
              end = index
              continue
            }
          case UInt8(ascii: "#"):
            if bytes[index - 1] == UInt8(ascii: " ") { throw Unsupported() }
            index += 1
            end = index
            continue
          default:
            index += 1
            if value != UInt8(ascii: " ") { end = index }
            continue
          }
          break
        }
        let value = node(.scalar(text(start..<end), isPlain: true), at: start)
        if !isKey { index = end }
        return value
      }
    }

    /// A literal (`|`) or folded (`>`) block scalar, in a collection at column `parentIndent`.
    mutating func blockScalar(parentIndent: Int) throws(Unsupported) -> YAMLNode {
      let start = index
      let scalarLine = line
      let scalarColumn = column(of: start) + 1
      let isFolded = current == UInt8(ascii: ">")
      index += 1
      var chomping = Chomping.clip
      if current == UInt8(ascii: "-") {
        chomping = .strip
        index += 1
      } else if current == UInt8(ascii: "+") {
        chomping = .keep
        index += 1
      }
      // Explicit indentation indicators, and a header not followed by a blank, go to Yams.
      guard isBlank(at: index) else { throw Unsupported() }
      let before = index
      skipSpaces()
      if current == UInt8(ascii: "#") {
        guard index > before else { throw Unsupported() }
        while !atEnd && current != UInt8(ascii: "\n") { index += 1 }
      }
      guard current == UInt8(ascii: "\n") else { throw Unsupported() }
      nextLine()

      // Each text line, with the empty lines before it and whether it is more indented.
      var lines: [(text: Range<Int>, emptyBefore: Int, isSpaced: Bool)] = []
      var contentIndent = -1
      var empty = 0
      var emptySpaces = 0
      var endsWithBreak = true
      while !atEnd {
        var position = index
        while byte(at: position) == UInt8(ascii: " ") { position += 1 }
        let spaces = position - index
        let lineEnd = byte(at: position)
        if lineEnd == UInt8(ascii: "\n") || lineEnd == 0 {
          // Spaces kept on an empty line (more than the indentation) go to Yams.
          guard lineEnd == UInt8(ascii: "\n"), contentIndent < 0 || spaces <= contentIndent
          else { throw Unsupported() }
          empty += 1
          emptySpaces = max(emptySpaces, spaces)
          index = position
          nextLine()
          continue
        }
        if contentIndent < 0 {
          guard spaces > parentIndent, emptySpaces <= spaces else { throw Unsupported() }
          contentIndent = spaces
        }
        if spaces < contentIndent { break }
        var end = position
        while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
        lines.append(((index + contentIndent)..<end, empty, spaces > contentIndent))
        empty = 0
        index = end
        // A last line without a line break has none to keep.
        endsWithBreak = end < bytes.count
        if endsWithBreak { nextLine() }
      }
      guard !lines.isEmpty else { throw Unsupported() }
      // Folding as libyaml does it: a break between two lines that are not more indented
      // becomes a space, or vanishes when empty lines follow it; other breaks are kept.
      var result: [UInt8] = []
      for (number, line) in lines.enumerated() {
        var breaks = line.emptyBefore
        if number > 0 {
          if !isFolded || line.isSpaced || lines[number - 1].isSpaced {
            breaks += 1
          } else if breaks == 0 {
            result.append(UInt8(ascii: " "))
          }
        }
        result.append(contentsOf: repeatElement(0x0A, count: breaks))
        result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[line.text]))
      }
      if endsWithBreak {
        switch chomping {
        case .strip: break
        case .clip: result.append(0x0A)
        case .keep: result.append(contentsOf: repeatElement(0x0A, count: 1 + empty))
        }
      }
      skipToContent()
      return YAMLNode(
        .scalar(String(decoding: result, as: UTF8.self), isPlain: false), line: scalarLine,
        column: scalarColumn)
    }
  }
}
