public import Diagnostics

/// Splits a template into tokens: text outside tags, and expression tokens inside `{{ }}` / `{% %}`.
///
/// Comments are dropped, `{% raw %}` blocks become text, and whitespace control (`{%-`, `-%}`,
/// `{{-`, `-}}`, `{#-`, `-#}`) is applied here by trimming the neighbouring text tokens.
public struct Lexer {
  private let file: SourceFile
  private let bytes: [UInt8]
  private var tokens: [Token] = []
  private var position = 0
  /// Set by a closing `-%}` / `-}}` / `-#}`: the next text token loses its leading whitespace.
  private var trimNextText = false

  /// Creates a lexer over one file.
  public init(file: SourceFile) {
    self.file = file
    self.bytes = file.bytes
  }

  /// Tokenizes the whole file, ending with an `.end` token, or throws the first lexical error.
  public static func tokenize(_ file: SourceFile) throws(Diagnostic) -> [Token] {
    var lexer = Lexer(file: file)
    return try lexer.run()
  }

  private mutating func run() throws(Diagnostic) -> [Token] {
    tokens.reserveCapacity(bytes.count / 6 + 4)
    while position < bytes.count {
      let textStart = position
      let tagStart = findTagStart(from: position)
      let textEnd = tagStart ?? bytes.count
      let trimEnd =
        tagStart.map { $0 + 2 < bytes.count && bytes[$0 + 2] == UInt8(ascii: "-") } ?? false
      emitText(from: textStart, to: textEnd, trimTrailing: trimEnd)
      guard let tagStart else { break }
      position = tagStart
      switch bytes[tagStart + 1] {
      case UInt8(ascii: "#"): try skipComment()
      case UInt8(ascii: "{"): try lexTag(open: .expressionOpen, close: UInt8(ascii: "}"))
      default: try lexTag(open: .statementOpen, close: UInt8(ascii: "%"))
      }
    }
    tokens.append(Token(.end, Span(start: bytes.count, end: bytes.count)))
    return tokens
  }

  private func findTagStart(from start: Int) -> Int? {
    var index = start
    let count = bytes.count
    while index + 1 < count {
      if bytes[index] == UInt8(ascii: "{") {
        let next = bytes[index + 1]
        if next == UInt8(ascii: "{") || next == UInt8(ascii: "%") || next == UInt8(ascii: "#") {
          return index
        }
      }
      index += 1
    }
    return nil
  }

  private mutating func emitText(from start: Int, to end: Int, trimTrailing: Bool) {
    var lower = start
    var upper = end
    if trimNextText {
      while lower < upper, isWhitespace(bytes[lower]) { lower += 1 }
      trimNextText = false
    }
    if trimTrailing {
      while upper > lower, isWhitespace(bytes[upper - 1]) { upper -= 1 }
    }
    if upper > lower { tokens.append(Token(.text, Span(start: lower, end: upper))) }
  }

  private mutating func skipComment() throws(Diagnostic) {
    let open = position
    var index = position + 2
    while index + 1 < bytes.count {
      if bytes[index] == UInt8(ascii: "#"), bytes[index + 1] == UInt8(ascii: "}") {
        trimNextText = bytes[index - 1] == UInt8(ascii: "-") && index - 1 > open + 1
        position = index + 2
        return
      }
      index += 1
    }
    throw .templateSyntax(
      "unclosed comment: `{#` has no matching `#}`", file: file, Span(start: open, end: open + 2))
  }

  private mutating func lexTag(open kind: Token.Kind, close: UInt8) throws(Diagnostic) {
    let openSpan = Span(start: position, end: position + 2)
    position += 2
    if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
    tokens.append(Token(kind, openSpan))
    let firstTokenIndex = tokens.count
    // Like Jinja, a closing `}}` only counts outside brackets: `{{ {'a': {'b': 1}} }}`.
    var bracketDepth = 0
    while true {
      skipWhitespace()
      guard position < bytes.count else {
        let what =
          kind == .expressionOpen ? "`{{` has no matching `}}`" : "`{%` has no matching `%}`"
        throw .templateSyntax("unclosed tag: \(what)", file: file, openSpan)
      }
      let byte = bytes[position]
      // A closing delimiter, possibly with a whitespace-control dash in front.
      if byte == UInt8(ascii: "-"), bracketDepth == 0 || close == UInt8(ascii: "%"),
        position + 2 < bytes.count,
        bytes[position + 1] == close, bytes[position + 2] == UInt8(ascii: "}")
      {
        tokens.append(closeToken(kind, Span(start: position, end: position + 3)))
        position += 3
        trimNextText = true
        break
      }
      if byte == close, bracketDepth == 0 || close == UInt8(ascii: "%"), position + 1 < bytes.count,
        bytes[position + 1] == UInt8(ascii: "}")
      {
        tokens.append(closeToken(kind, Span(start: position, end: position + 2)))
        position += 2
        break
      }
      if byte == UInt8(ascii: "}") && close == UInt8(ascii: "%") && position + 1 < bytes.count
        && bytes[position + 1] == UInt8(ascii: "}")
      {
        throw .templateSyntax(
          "`{%` closed with `}}`", file: file, Span(start: position, end: position + 2),
          hint: "close a statement with `%}`")
      }
      switch byte {
      case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): bracketDepth += 1
      case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
        bracketDepth = max(0, bracketDepth - 1)
      default: break
      }
      try lexExpressionToken()
    }
    if kind == .statementOpen {
      try lexRawBlockIfNeeded(firstTokenIndex: firstTokenIndex, openSpan: openSpan)
    }
  }

  private func closeToken(_ open: Token.Kind, _ span: Span) -> Token {
    Token(open == .expressionOpen ? .expressionClose : .statementClose, span)
  }

  /// After `{% raw %}`, everything up to `{% endraw %}` is text.
  private mutating func lexRawBlockIfNeeded(firstTokenIndex: Int, openSpan: Span) throws(Diagnostic)
  {
    guard tokens.count == firstTokenIndex + 2, tokens[firstTokenIndex].kind == .name,
      file.text(tokens[firstTokenIndex].span) == "raw"
    else { return }
    tokens.removeLast(3)
    let bodyStart = position
    var search = position
    while let tag = findTagStart(from: search) {
      if bytes[tag + 1] == UInt8(ascii: "%") {
        var index = tag + 2
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
        let word = Array("endraw".utf8)
        if index + word.count <= bytes.count, Array(bytes[index..<index + word.count]) == word {
          let trimTrailing = bytes[tag + 2] == UInt8(ascii: "-")
          emitText(from: bodyStart, to: tag, trimTrailing: trimTrailing)
          index += word.count
          while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
          var dash = false
          if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            dash = true
            index += 1
          }
          guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "%"),
            bytes[index + 1] == UInt8(ascii: "}")
          else { break }
          position = index + 2
          trimNextText = dash
          return
        }
      }
      search = tag + 1
    }
    throw .templateSyntax(
      "unclosed `{% raw %}` block: no matching `{% endraw %}`", file: file, openSpan)
  }

  private mutating func skipWhitespace() {
    while position < bytes.count, isWhitespace(bytes[position]) { position += 1 }
  }

  private mutating func lexExpressionToken() throws(Diagnostic) {
    let start = position
    let byte = bytes[position]
    if isNameStart(byte) {
      position += 1
      while position < bytes.count, isNameContinue(bytes[position]) { position += 1 }
      tokens.append(Token(.name, Span(start: start, end: position)))
      return
    }
    if isDigit(byte) {
      while position < bytes.count, isDigit(bytes[position]) || bytes[position] == UInt8(ascii: "_")
      {
        position += 1
      }
      var kind = Token.Kind.integer
      if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "."),
        isDigit(bytes[position + 1])
      {
        kind = .float
        position += 1
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
      }
      if position < bytes.count,
        bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E")
      {
        var index = position + 1
        if index < bytes.count,
          bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")
        {
          index += 1
        }
        if index < bytes.count, isDigit(bytes[index]) {
          kind = .float
          position = index
          while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
      }
      tokens.append(Token(kind, Span(start: start, end: position)))
      return
    }
    if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
      position += 1
      while position < bytes.count, bytes[position] != byte {
        if bytes[position] == UInt8(ascii: "\\") { position += 1 }
        position += 1
      }
      guard position < bytes.count else {
        throw .templateSyntax(
          "unterminated string literal", file: file, Span(start: start, end: start + 1),
          hint: "close the string with \(byte == UInt8(ascii: "'") ? "'" : "\"")")
      }
      position += 1
      tokens.append(Token(.string, Span(start: start, end: position)))
      return
    }
    if position + 1 < bytes.count, isTwoCharacterOperator(byte, bytes[position + 1]) {
      position += 2
      tokens.append(Token(.symbol, Span(start: start, end: position)))
      return
    }
    if Lexer.singleCharacterSymbols.contains(byte) {
      position += 1
      tokens.append(Token(.symbol, Span(start: start, end: position)))
      return
    }
    // Skip a whole UTF-8 sequence so the caret covers one character.
    var end = position + 1
    while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
    throw .templateSyntax(
      "unexpected character `\(file.text(Span(start: start, end: end)))` in tag", file: file,
      Span(start: start, end: end))
  }

  private static let singleCharacterSymbols = Set("+-*/%~<>=()[]{}.,:|".utf8)

  /// `==`, `!=`, `<=`, `>=`, `//` and `**`.
  private func isTwoCharacterOperator(_ first: UInt8, _ second: UInt8) -> Bool {
    switch (first, second) {
    case (UInt8(ascii: "="), UInt8(ascii: "=")), (UInt8(ascii: "!"), UInt8(ascii: "=")),
      (UInt8(ascii: "<"), UInt8(ascii: "=")), (UInt8(ascii: ">"), UInt8(ascii: "=")),
      (UInt8(ascii: "/"), UInt8(ascii: "/")), (UInt8(ascii: "*"), UInt8(ascii: "*")):
      true
    default: false
    }
  }

  private func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == 0x0C || byte == 0x0B
  }
  private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
  private func isNameStart(_ byte: UInt8) -> Bool {
    (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F
  }
  private func isNameContinue(_ byte: UInt8) -> Bool { isNameStart(byte) || isDigit(byte) }
}

extension Diagnostic {
  /// A template that cannot be tokenized or parsed.
  static func templateSyntax(
    _ message: String, file: SourceFile, _ span: Span, hint: String? = nil
  ) -> Diagnostic {
    .error("template.syntax", message, at: SourceRange(file: file, span: span), hint: hint)
  }
}
