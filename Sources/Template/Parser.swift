public import Diagnostics

/// Builds a `Template` from tokens by recursive descent, with Jinja's operator precedence.
///
/// Nesting is bounded (`maximumDepth`) so hostile input gets a diagnostic instead of a stack
/// overflow. Tags swdbt deliberately does not support are rejected with a located explanation.
public struct Parser {
  /// The deepest nesting of blocks and sub-expressions accepted.
  public static let maximumDepth = 128

  private let file: SourceFile
  /// The file's bytes, held here so token checks compare in place.
  private let bytes: [UInt8]
  private let tokens: [Token]
  private var index = 0
  private var depth = 0
  private var macros: [MacroDefinition] = []
  private var tests: [MacroDefinition] = []
  private var docs: [DocsBlock] = []

  private init(file: SourceFile, tokens: [Token]) {
    self.file = file
    self.bytes = file.bytes
    self.tokens = tokens
  }

  /// Lexes and parses a file, or throws its first syntax error.
  public static func parse(_ file: SourceFile) throws(Diagnostic) -> Template {
    var parser = Parser(file: file, tokens: try Lexer.tokenize(file))
    let body = try parser.parseBody(until: [])
    return Template(
      file: file, body: body, macros: parser.macros, tests: parser.tests, docs: parser.docs)
  }

  // MARK: - Token helpers

  private var current: Token { tokens[index] }

  private func text(_ token: Token) -> String { file.text(token.span) }

  private func isSymbol(_ symbol: String, _ token: Token? = nil) -> Bool {
    let token = token ?? current
    return token.kind == .symbol && spells(token, symbol)
  }

  private func isName(_ name: String, at offset: Int = 0) -> Bool {
    let position = min(index + offset, tokens.count - 1)
    return tokens[position].kind == .name && spells(tokens[position], name)
  }

  /// Whether the token's source text is `expected`, compared in place: every precedence level
  /// checks the current token, and making a string of it each time was a fifth of parsing.
  private func spells(_ token: Token, _ expected: String) -> Bool {
    let start = token.span.start
    guard token.span.end - start == expected.utf8.count, start >= 0,
      token.span.end <= bytes.count
    else { return false }
    var offset = start
    for byte in expected.utf8 {
      guard bytes[offset] == byte else { return false }
      offset += 1
    }
    return true
  }

  /// The binary operator the current symbol token spells, if any, without making a string
  /// of the many symbols (`(`, `)`, `,`) that are none.
  private var currentOperator: BinaryOperator? {
    let token = current
    guard token.kind == .symbol, token.span.start >= 0, token.span.start < bytes.count else {
      return nil
    }
    switch bytes[token.span.start] {
    case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "<"), UInt8(ascii: ">"),
      UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "%"):
      return BinaryOperator(rawValue: text(token))
    default:
      return nil
    }
  }

  private mutating func advance() -> Token {
    let token = tokens[index]
    if index < tokens.count - 1 { index += 1 }
    return token
  }

  private mutating func expectSymbol(_ symbol: String, context: String) throws(Diagnostic) -> Token
  {
    guard isSymbol(symbol) else { throw unexpected(expected: "`\(symbol)` \(context)") }
    return advance()
  }

  private mutating func expectName(context: String) throws(Diagnostic) -> Token {
    guard current.kind == .name else { throw unexpected(expected: "a name \(context)") }
    return advance()
  }

  private mutating func expectStatementEnd(_ tag: String) throws(Diagnostic) {
    guard current.kind == .statementClose else {
      throw unexpected(expected: "`%}` to close `{% \(tag) %}`")
    }
    _ = advance()
  }

  private func unexpected(expected: String) -> Diagnostic {
    let found: String
    switch current.kind {
    case .end: found = "end of file"
    case .text: found = "text"
    case .expressionClose: found = "`}}`"
    case .statementClose: found = "`%}`"
    case .string: found = "string \(text(current))"
    default: found = "`\(text(current))`"
    }
    return .templateSyntax("expected \(expected), found \(found)", file: file, current.span)
  }

  private mutating func enter(_ span: Span) throws(Diagnostic) {
    depth += 1
    if depth > Parser.maximumDepth {
      throw .templateSyntax(
        "template nests deeper than \(Parser.maximumDepth) levels", file: file, span,
        hint: "split the logic into macros")
    }
  }

  // MARK: - Statements

  /// Parses nodes until a `{% name %}` whose name is in `terminators` (left unconsumed) or the end.
  private mutating func parseBody(until terminators: Set<String>) throws(Diagnostic)
    -> [TemplateNode]
  {
    var nodes: [TemplateNode] = []
    while true {
      switch current.kind {
      case .end:
        return nodes
      case .text:
        nodes.append(.text(advance().span))
      case .expressionOpen:
        _ = advance()
        let expression = try parseExpression()
        guard current.kind == .expressionClose else {
          throw unexpected(expected: "`}}` to close the expression")
        }
        _ = advance()
        nodes.append(.output(expression))
      case .statementOpen:
        let next = tokens[index + 1]
        if next.kind == .name, !terminators.isEmpty, terminators.contains(text(next)) {
          return nodes
        }
        if let node = try parseStatement() { nodes.append(node) }
      default:
        throw unexpected(expected: "text or a tag")
      }
    }
  }

  private mutating func parseStatement() throws(Diagnostic) -> TemplateNode? {
    let open = advance()
    let keyword = try expectName(context: "after `{%`")
    let name = text(keyword)
    try enter(keyword.span)
    defer { depth -= 1 }
    switch name {
    case "if": return try parseIf(opened: open.span.union(keyword.span))
    case "for": return try parseFor(keyword)
    case "set": return try parseSet(keyword)
    case "do":
      let expression = try parseExpression()
      try expectStatementEnd("do")
      return .evaluation(expression)
    case "macro", "test":
      let definition = try parseMacro(kind: name)
      if name == "test" {
        tests.append(definition)
        return nil
      }
      macros.append(definition)
      return .macroDefinition(definition)
    case "docs":
      try parseDocs()
      return nil
    case "endif", "endfor", "endmacro", "endset", "endtest", "enddocs", "else", "elif", "endraw":
      throw .templateSyntax(
        "`{% \(name) %}` without a matching opening tag", file: file, open.span.union(keyword.span))
    default:
      throw unsupportedTag(name, at: keyword.span)
    }
  }

  private func unsupportedTag(_ name: String, at span: Span) -> Diagnostic {
    let why: String? =
      switch name {
      case "materialization":
        "swdbt's materializations are built in (view, table, incremental, ephemeral); set `materialized` in config"
      case "call": "swdbt runs no SQL while compiling; `{% call statement %}` is not available"
      case "snapshot": "snapshots are not supported yet"
      case "include", "import", "from", "extends", "block":
        "macros from `macros/` are global in swdbt; no import is needed"
      case "filter", "with", "autoescape", "break", "continue":
        "this Jinja tag is not part of swdbt's template language"
      default: nil
      }
    if let why {
      return .error(
        "template.unsupported", "`{% \(name) %}` is not supported by swdbt",
        at: SourceRange(file: file, span: span), hint: why)
    }
    let known = ["if", "for", "set", "do", "macro", "test", "docs", "raw"]
    return .error(
      "template.syntax", "unknown tag `{% \(name) %}`", at: SourceRange(file: file, span: span),
      hint: Suggestions.didYouMean(name, in: known))
  }

  private mutating func parseIf(opened: Span) throws(Diagnostic) -> TemplateNode {
    var branches: [(condition: Expression, body: [TemplateNode])] = []
    var otherwise: [TemplateNode]?
    var condition = try parseExpression()
    try expectStatementEnd("if")
    while true {
      let body = try parseBody(until: ["elif", "else", "endif"])
      branches.append((condition, body))
      let tag = try closingTag(for: "if", expected: ["elif", "else", "endif"], opened: opened)
      if tag == "elif" {
        condition = try parseExpression()
        try expectStatementEnd("elif")
        continue
      }
      if tag == "else" {
        try expectStatementEnd("else")
        otherwise = try parseBody(until: ["endif"])
        _ = try closingTag(for: "if", expected: ["endif"], opened: opened)
      }
      try expectStatementEnd("endif")
      return .conditional(branches: branches, otherwise: otherwise)
    }
  }

  /// Consumes `{% name` for one of the expected closing names, or reports the unclosed block.
  private mutating func closingTag(for block: String, expected: [String], opened: Span)
    throws(Diagnostic) -> String
  {
    guard current.kind == .statementOpen else {
      throw .templateSyntax(
        "unclosed `{% \(block) %}`: expected \(expected.map { "`{% \($0) %}`" }.joined(separator: " or ")) before the end of the file",
        file: file, opened)
    }
    _ = advance()
    return text(advance())
  }

  private mutating func parseFor(_ keyword: Token) throws(Diagnostic) -> TemplateNode {
    var targets = [text(try expectName(context: "after `for`"))]
    while isSymbol(",") {
      _ = advance()
      targets.append(text(try expectName(context: "after `,` in `for`")))
    }
    guard isName("in") else { throw unexpected(expected: "`in` in `{% for %}`") }
    _ = advance()
    let sequence = try parseConditionalFree()
    if isName("if") {
      throw .templateSyntax(
        "loop filters (`for x in y if ...`) are not supported", file: file, current.span,
        hint: "put an `{% if %}` inside the loop")
    }
    try expectStatementEnd("for")
    let body = try parseBody(until: ["else", "endfor"])
    var otherwise: [TemplateNode]?
    if try closingTag(for: "for", expected: ["endfor"], opened: keyword.span) == "else" {
      try expectStatementEnd("else")
      otherwise = try parseBody(until: ["endfor"])
      _ = try closingTag(for: "for", expected: ["endfor"], opened: keyword.span)
    }
    try expectStatementEnd("endfor")
    return .loop(
      targets: targets, sequence: sequence, body: body, otherwise: otherwise, keyword.span)
  }

  private mutating func parseSet(_ keyword: Token) throws(Diagnostic) -> TemplateNode {
    let first = try expectName(context: "after `set`")
    var targets = [text(first)]
    if current.kind == .statementClose {
      _ = advance()
      let body = try parseBody(until: ["endset"])
      _ = try closingTag(for: "set", expected: ["endset"], opened: first.span)
      try expectStatementEnd("endset")
      return .blockAssignment(name: targets[0], body: body, first.span)
    }
    while isSymbol(",") {
      _ = advance()
      targets.append(text(try expectName(context: "after `,` in `set`")))
    }
    _ = try expectSymbol("=", context: "in `{% set %}`")
    let value = try parseExpression()
    try expectStatementEnd("set")
    return .assignment(targets: targets, value, keyword.span.union(first.span))
  }

  private mutating func parseMacro(kind: String) throws(Diagnostic) -> MacroDefinition {
    let nameToken = try expectName(context: "after `\(kind)`")
    _ = try expectSymbol("(", context: "after the \(kind) name")
    var parameters: [MacroDefinition.Parameter] = []
    while !isSymbol(")") {
      let parameter = try expectName(context: "for a parameter")
      let name = text(parameter)
      if parameters.contains(where: { $0.name == name }) {
        throw .templateSyntax("duplicate parameter `\(name)`", file: file, parameter.span)
      }
      var defaultValue: Expression?
      if isSymbol("=") {
        _ = advance()
        defaultValue = try parseExpression()
      }
      parameters.append(.init(name: name, defaultValue: defaultValue))
      if !isSymbol(",") { break }
      _ = advance()
    }
    _ = try expectSymbol(")", context: "to close the parameter list")
    try expectStatementEnd(kind)
    let body = try parseBody(until: ["end" + kind])
    _ = try closingTag(for: kind, expected: ["end" + kind], opened: nameToken.span)
    try expectStatementEnd("end" + kind)
    return MacroDefinition(
      name: text(nameToken), parameters: parameters, body: body, file: file, span: nameToken.span)
  }

  private mutating func parseDocs() throws(Diagnostic) {
    let nameToken = try expectName(context: "after `docs`")
    try expectStatementEnd("docs")
    let start = current.span.start
    // Parsed only to find `{% enddocs %}`; the block's text is kept raw.
    _ = try parseBody(until: ["enddocs"])
    let end = current.span.start
    _ = try closingTag(for: "docs", expected: ["enddocs"], opened: nameToken.span)
    try expectStatementEnd("enddocs")
    docs.append(
      DocsBlock(
        name: text(nameToken),
        text: file.text(Span(start: start, end: end)).trimmingWhitespace(), span: nameToken.span))
  }

  // MARK: - Expressions

  /// Parses a full expression, including `a if b else c`.
  mutating func parseExpression() throws(Diagnostic) -> Expression {
    try enter(current.span)
    defer { depth -= 1 }
    let value = try parseOr()
    guard isName("if") else { return value }
    _ = advance()
    let condition = try parseOr()
    var otherwise: Expression?
    if isName("else") {
      _ = advance()
      otherwise = try parseExpression()
    }
    let end = otherwise?.span ?? condition.span
    return .conditional(
      then: value, condition: condition, otherwise: otherwise, value.span.union(end))
  }

  private mutating func parseConditionalFree() throws(Diagnostic) -> Expression {
    try enter(current.span)
    defer { depth -= 1 }
    return try parseOr()
  }

  private mutating func parseOr() throws(Diagnostic) -> Expression {
    var left = try parseAnd()
    while isName("or") {
      _ = advance()
      let right = try parseAnd()
      left = .binary(.or, left, right, left.span.union(right.span))
    }
    return left
  }

  private mutating func parseAnd() throws(Diagnostic) -> Expression {
    var left = try parseNot()
    while isName("and") {
      _ = advance()
      let right = try parseNot()
      left = .binary(.and, left, right, left.span.union(right.span))
    }
    return left
  }

  private mutating func parseNot() throws(Diagnostic) -> Expression {
    if isName("not") {
      let keyword = advance()
      try enter(keyword.span)
      defer { depth -= 1 }
      let operand = try parseNot()
      return .unary(.not, operand, keyword.span.union(operand.span))
    }
    return try parseComparison()
  }

  private mutating func parseComparison() throws(Diagnostic) -> Expression {
    var left = try parseAdditive()
    while true {
      let op: BinaryOperator
      if let symbol = currentOperator,
        [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual].contains(symbol)
      {
        op = symbol
        _ = advance()
      } else if isName("in") {
        op = .in
        _ = advance()
      } else if isName("not"), isName("in", at: 1) {
        op = .notIn
        _ = advance()
        _ = advance()
      } else if isName("is") {
        left = try parseTest(left)
        continue
      } else {
        return left
      }
      let right = try parseAdditive()
      left = .binary(op, left, right, left.span.union(right.span))
    }
  }

  private mutating func parseTest(_ subject: Expression) throws(Diagnostic) -> Expression {
    _ = advance()
    var negated = false
    if isName("not") {
      negated = true
      _ = advance()
    }
    let nameToken: Token
    if current.kind == .name {
      nameToken = advance()
    } else {
      throw unexpected(expected: "a test name after `is`")
    }
    var arguments: [Argument] = []
    if isSymbol("(") {
      arguments = try parseArguments()
    } else if [.string, .integer, .float].contains(current.kind)
      || (current.kind == .name
        && !["and", "or", "if", "else", "in", "not", "is"].contains(text(current)))
    {
      let value = try parsePrimaryWithPostfix()
      arguments = [Argument(label: nil, value: value, span: value.span)]
    }
    let end = arguments.last?.value.span ?? nameToken.span
    return .test(subject, text(nameToken), arguments, negated: negated, subject.span.union(end))
  }

  private mutating func parseAdditive() throws(Diagnostic) -> Expression {
    var left = try parseConcat()
    while current.kind == .symbol, isSymbol("+") || isSymbol("-") {
      let op: BinaryOperator = spells(advance(), "+") ? .add : .subtract
      let right = try parseConcat()
      left = .binary(op, left, right, left.span.union(right.span))
    }
    return left
  }

  private mutating func parseConcat() throws(Diagnostic) -> Expression {
    var left = try parseMultiplicative()
    while isSymbol("~") {
      _ = advance()
      let right = try parseMultiplicative()
      left = .binary(.concat, left, right, left.span.union(right.span))
    }
    return left
  }

  private mutating func parseMultiplicative() throws(Diagnostic) -> Expression {
    var left = try parsePower()
    while let op = currentOperator, [.multiply, .divide, .floorDivide, .modulo].contains(op) {
      _ = advance()
      let right = try parsePower()
      left = .binary(op, left, right, left.span.union(right.span))
    }
    return left
  }

  private mutating func parsePower() throws(Diagnostic) -> Expression {
    var left = try parseUnary()
    while isSymbol("**") {
      _ = advance()
      let right = try parseUnary()
      left = .binary(.power, left, right, left.span.union(right.span))
    }
    return left
  }

  private mutating func parseUnary() throws(Diagnostic) -> Expression {
    // As in Jinja, `-x | f` negates first and filters the result: `-3 | abs` is 3.
    try parseFilters(try parseUnaryOperand())
  }

  private mutating func parseUnaryOperand() throws(Diagnostic) -> Expression {
    guard isSymbol("-") || isSymbol("+") else { return try parsePrimaryWithPostfix() }
    let sign = advance()
    try enter(sign.span)
    defer { depth -= 1 }
    let operand = try parseUnaryOperand()
    return .unary(spells(sign, "-") ? .negate : .plus, operand, sign.span.union(operand.span))
  }

  private mutating func parseFilters(_ subject: Expression) throws(Diagnostic) -> Expression {
    var expression = subject
    while isSymbol("|") {
      _ = advance()
      let nameToken = try expectName(context: "after `|`")
      var arguments: [Argument] = []
      if isSymbol("(") { arguments = try parseArguments() }
      let end = arguments.last?.value.span ?? nameToken.span
      expression = .filter(expression, text(nameToken), arguments, expression.span.union(end))
    }
    return expression
  }

  private mutating func parsePrimaryWithPostfix() throws(Diagnostic) -> Expression {
    var expression = try parsePrimary()
    while true {
      if isSymbol(".") {
        _ = advance()
        let nameToken: Token
        if current.kind == .name || current.kind == .integer {
          nameToken = advance()
        } else {
          throw unexpected(expected: "an attribute name after `.`")
        }
        expression = .attribute(expression, text(nameToken), expression.span.union(nameToken.span))
      } else if isSymbol("[") {
        _ = advance()
        let key = try parseExpression()
        let close = try expectSymbol("]", context: "to close the subscript")
        expression = .index(expression, key, expression.span.union(close.span))
      } else if isSymbol("(") {
        let start = current.span
        let arguments = try parseArguments()
        let end = tokens[index - 1].span
        expression = .call(expression, arguments, expression.span.union(start).union(end))
      } else {
        return expression
      }
    }
  }

  private mutating func parseArguments() throws(Diagnostic) -> [Argument] {
    let open = try expectSymbol("(", context: "to start the arguments")
    try enter(open.span)
    defer { depth -= 1 }
    var arguments: [Argument] = []
    var sawKeyword = false
    while !isSymbol(")") {
      if current.kind == .name, isSymbol("=", tokens[index + 1]) {
        let labelToken = advance()
        _ = advance()
        let value = try parseExpression()
        arguments.append(
          Argument(label: text(labelToken), value: value, span: labelToken.span.union(value.span)))
        sawKeyword = true
      } else {
        let value = try parseExpression()
        if sawKeyword {
          throw .templateSyntax(
            "positional argument follows keyword argument", file: file, value.span)
        }
        arguments.append(Argument(label: nil, value: value, span: value.span))
      }
      if !isSymbol(",") { break }
      _ = advance()
    }
    _ = try expectSymbol(")", context: "to close the argument list")
    return arguments
  }

  private mutating func parsePrimary() throws(Diagnostic) -> Expression {
    let token = current
    switch token.kind {
    case .name:
      _ = advance()
      let name = text(token)
      // Literal names are 4 or 5 bytes long; other names skip the comparisons.
      guard name.utf8.count == 4 || name.utf8.count == 5 else { return .name(name, token.span) }
      switch name {
      case "true", "True": return .literal(.bool(true), token.span)
      case "false", "False": return .literal(.bool(false), token.span)
      case "none", "None": return .literal(.none, token.span)
      default: return .name(name, token.span)
      }
    case .integer:
      _ = advance()
      guard let value = Int(text(token).replacing("_", with: "")) else {
        throw .templateSyntax(
          "integer literal `\(text(token))` is too large", file: file, token.span)
      }
      return .literal(.integer(value), token.span)
    case .float:
      _ = advance()
      return .literal(.double(Double(text(token)) ?? 0), token.span)
    case .string:
      _ = advance()
      var value = unescape(token)
      var span = token.span
      // Adjacent string literals concatenate, as in Python.
      while current.kind == .string {
        let next = advance()
        value += unescape(next)
        span = span.union(next.span)
      }
      return .literal(.string(value), span)
    case .symbol where isSymbol("("):
      _ = advance()
      try enter(token.span)
      defer { depth -= 1 }
      if isSymbol(")") {
        let close = advance()
        return .list([], token.span.union(close.span))
      }
      let first = try parseExpression()
      if isSymbol(",") {
        var items = [first]
        while isSymbol(",") {
          _ = advance()
          if isSymbol(")") { break }
          items.append(try parseExpression())
        }
        let close = try expectSymbol(")", context: "to close the tuple")
        return .list(items, token.span.union(close.span))
      }
      _ = try expectSymbol(")", context: "to close the parenthesis")
      return first
    case .symbol where isSymbol("["):
      _ = advance()
      try enter(token.span)
      defer { depth -= 1 }
      var items: [Expression] = []
      while !isSymbol("]") {
        items.append(try parseExpression())
        if !isSymbol(",") { break }
        _ = advance()
      }
      let close = try expectSymbol("]", context: "to close the list")
      return .list(items, token.span.union(close.span))
    case .symbol where isSymbol("{"):
      _ = advance()
      try enter(token.span)
      defer { depth -= 1 }
      var entries: [(key: Expression, value: Expression)] = []
      while !isSymbol("}") {
        let key = try parseExpression()
        _ = try expectSymbol(":", context: "after a dict key")
        entries.append((key, try parseExpression()))
        if !isSymbol(",") { break }
        _ = advance()
      }
      let close = try expectSymbol("}", context: "to close the dict")
      return .dict(entries, token.span.union(close.span))
    default:
      throw unexpected(expected: "an expression")
    }
  }

  private func unescape(_ token: Token) -> String {
    let raw = file.bytes[(token.span.start + 1)..<(token.span.end - 1)]
    guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
    var out: [UInt8] = []
    out.reserveCapacity(raw.count)
    var iterator = raw.makeIterator()
    while let byte = iterator.next() {
      guard byte == UInt8(ascii: "\\"), let next = iterator.next() else {
        out.append(byte)
        continue
      }
      switch next {
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(next)
      default: out.append(contentsOf: [byte, next])
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}

extension String {
  /// The string without leading and trailing whitespace and newlines.
  package func trimmingWhitespace() -> String {
    var view = Substring(self)
    while let first = view.first, first.isWhitespace { view.removeFirst() }
    while let last = view.last, last.isWhitespace { view.removeLast() }
    return String(view)
  }
}
