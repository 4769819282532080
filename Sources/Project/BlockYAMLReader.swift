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

  enum Chomping { case clip, strip, keep }

  struct Cursor {
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
  }
}
