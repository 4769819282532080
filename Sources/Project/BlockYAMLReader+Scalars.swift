// Values that start on their line: plain, quoted and flow scalars, and block scalars.

private typealias Cursor = BlockYAMLReader.Cursor

extension BlockYAMLReader.Cursor {
  /// A value that starts on the current line, in a collection at column `parentIndent`.
  mutating func inlineValue(parentIndent: Int) throws(BlockYAMLReader.Unsupported) -> YAMLNode {
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
    if !atEnd && column(of: index) > parentIndent { throw BlockYAMLReader.Unsupported() }
    return value
  }

  /// A plain scalar in block context, ending at the line's end or a comment.
  mutating func plain() throws(BlockYAMLReader.Unsupported) -> YAMLNode {
    let start = index
    guard !Cursor.isIndicator(current) || startsWithDashScalar else {
      throw BlockYAMLReader.Unsupported()
    }
    var end = start
    while true {
      let value = byte(at: index)
      if value == 0 || value == UInt8(ascii: "\n") { break }
      if value == UInt8(ascii: "#") && bytes[index - 1] == UInt8(ascii: " ") { break }
      // `a: b: c` is an error in YAML.
      if value == UInt8(ascii: ":") && isBlank(at: index + 1) {
        throw BlockYAMLReader.Unsupported()
      }
      index += 1
      if value != UInt8(ascii: " ") { end = index }
    }
    index = end
    return node(.scalar(text(start..<end), isPlain: true), at: start)
  }

  /// A quoted scalar that closes on its own line.
  mutating func quoted() throws(BlockYAMLReader.Unsupported) -> YAMLNode {
    let start = index
    let quote = current
    index += 1
    var runStart = index
    var result: [UInt8] = []
    var escaped = false
    while true {
      let value = byte(at: index)
      if value == 0 || value == UInt8(ascii: "\n") { throw BlockYAMLReader.Unsupported() }
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
  mutating func escape(into result: inout [UInt8]) throws(BlockYAMLReader.Unsupported) {
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
        guard let digit = Cursor.hexDigit(byte(at: index)) else {
          throw BlockYAMLReader.Unsupported()
        }
        value = value * 16 + digit
        index += 1
      }
      guard let scalar = Unicode.Scalar(value), value != 0 else {
        throw BlockYAMLReader.Unsupported()
      }
      result.append(contentsOf: Array(String(Character(scalar)).utf8))
    default:
      throw BlockYAMLReader.Unsupported()
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
  mutating func flow() throws(BlockYAMLReader.Unsupported) -> YAMLNode {
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
        else { throw BlockYAMLReader.Unsupported() }
        for entry in entries {
          if case .scalar(let other, _) = entry.key.content, other == keyText {
            throw BlockYAMLReader.Unsupported()
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
        guard current != close else { throw BlockYAMLReader.Unsupported() }
        continue
      }
      guard current == close else { throw BlockYAMLReader.Unsupported() }
      index += 1
      break
    }
    return node(isMapping ? .mapping(entries) : .sequence(items), at: start)
  }

  /// One item of a flow collection; `index` ends just past it (spaces skipped for keys).
  mutating func flowItem(isKey: Bool) throws(BlockYAMLReader.Unsupported) -> YAMLNode {
    switch current {
    case UInt8(ascii: "["), UInt8(ascii: "{"):
      guard !isKey else { throw BlockYAMLReader.Unsupported() }
      return try flow()
    case UInt8(ascii: "'"), UInt8(ascii: "\""):
      let value = try quoted()
      if isKey { skipSpaces() }
      return value
    default:
      let start = index
      guard !Cursor.isIndicator(current) || startsWithDashScalar else {
        throw BlockYAMLReader.Unsupported()
      }
      var end = start
      while true {
        let value = byte(at: index)
        switch value {
        case 0, UInt8(ascii: "\n"): throw BlockYAMLReader.Unsupported()
        case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
          UInt8(ascii: "}"):
          break
        case UInt8(ascii: ":"):
          // `: ` ends a key; `:` before a flow indicator is an error in libyaml; any other
          // colon is text (`http://x`).
          let next = byte(at: index + 1)
          if next == UInt8(ascii: " ") {
            guard isKey else { throw BlockYAMLReader.Unsupported() }
          } else if Cursor.isFlowIndicator(next) || next == UInt8(ascii: "?") || next == 0
            || next == UInt8(ascii: "\n")
          {
            throw BlockYAMLReader.Unsupported()
          } else {
            index += 1
            end = index
            continue
          }
        case UInt8(ascii: "#"):
          if bytes[index - 1] == UInt8(ascii: " ") { throw BlockYAMLReader.Unsupported() }
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
  mutating func blockScalar(parentIndent: Int) throws(BlockYAMLReader.Unsupported) -> YAMLNode {
    let start = index
    let scalarLine = line
    let scalarColumn = column(of: start) + 1
    let isFolded = current == UInt8(ascii: ">")
    index += 1
    var chomping = BlockYAMLReader.Chomping.clip
    if current == UInt8(ascii: "-") {
      chomping = .strip
      index += 1
    } else if current == UInt8(ascii: "+") {
      chomping = .keep
      index += 1
    }
    // Explicit indentation indicators, and a header not followed by a blank, go to Yams.
    guard isBlank(at: index) else { throw BlockYAMLReader.Unsupported() }
    let before = index
    skipSpaces()
    if current == UInt8(ascii: "#") {
      guard index > before else { throw BlockYAMLReader.Unsupported() }
      while !atEnd && current != UInt8(ascii: "\n") { index += 1 }
    }
    guard current == UInt8(ascii: "\n") else { throw BlockYAMLReader.Unsupported() }
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
        else { throw BlockYAMLReader.Unsupported() }
        empty += 1
        emptySpaces = max(emptySpaces, spaces)
        index = position
        nextLine()
        continue
      }
      if contentIndent < 0 {
        guard spaces > parentIndent, emptySpaces <= spaces else {
          throw BlockYAMLReader.Unsupported()
        }
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
    guard !lines.isEmpty else { throw BlockYAMLReader.Unsupported() }
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
