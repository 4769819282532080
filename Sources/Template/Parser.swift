public import Diagnostics

/// Builds a `Template` from tokens by recursive descent, with Jinja's operator precedence.
///
/// Nesting is bounded (`maximumDepth`) and so is the depth of the expression tree that chained
/// operators build (`maximumExpressionDepth`), so hostile input gets a diagnostic instead of a
/// stack overflow when the tree is evaluated or freed. Tags swdbt deliberately does not support
/// are rejected with a located explanation.
public struct Parser {
  /// The deepest nesting of blocks and sub-expressions accepted.
  public static let maximumDepth = 128
  /// The deepest expression tree accepted, counting each chained operator (`a + b + c`,
  /// `x | f | g`, `a.b.c`) as a level: the evaluator recurses once per level.
  public static let maximumExpressionDepth = 512

  /// The file being parsed.
  let file: SourceFile
  /// The file's bytes, held here so token checks compare in place.
  let bytes: [UInt8]
  /// The file's tokens, ending with `.end`.
  let tokens: [Token]
  /// The position of the current token.
  var index = 0
  /// How many blocks and sub-expressions enclose the current token.
  var depth = 0
  /// Operators chained so far by the chains being parsed: a chain of n operators is a tree n
  /// levels deep, which the nesting counter alone does not see.
  var links = 0
  /// How many `{% for %}` bodies enclose the current token within the current macro.
  var loopDepth = 0
  /// Which of `varargs` (bit 1) and `kwargs` (bit 2) the macro body being parsed names.
  var specialNames: UInt8 = 0
  private var macros: [MacroDefinition] = []
  private var tests: [MacroDefinition] = []
  private var docs: [DocsBlock] = []
  private var materializations: [MaterializationBlock] = []
  private var snapshots: [SnapshotBlock] = []

  private init(file: SourceFile, tokens: [Token]) {
    self.file = file
    self.bytes = file.bytes
    self.tokens = tokens
  }

  /// Lexes and parses a file, or throws its first syntax error.
  public static func parse(_ file: SourceFile) throws(Diagnostic) -> Template {
    var parser = Parser(file: file, tokens: try Lexer.tokenize(file))
    let body = try parser.parseBody(until: [])
    var template = Template(
      file: file, body: body, macros: parser.macros, tests: parser.tests, docs: parser.docs)
    template.materializations = parser.materializations
    template.snapshots = parser.snapshots
    return template
  }

  // MARK: - Token helpers

  /// The token being looked at.
  var current: Token { tokens[index] }

  /// The token's source text.
  func text(_ token: Token) -> String { file.text(token.span) }

  /// Whether the token (the current one by default) is the symbol `symbol`.
  @inline(__always)
  func isSymbol(_ symbol: String, _ token: Token? = nil) -> Bool {
    let token = token ?? current
    return token.kind == .symbol && spells(token, symbol)
  }

  /// Whether the token `offset` ahead is the name `name`.
  @inline(__always)
  func isName(_ name: String, at offset: Int = 0) -> Bool {
    let position = min(index + offset, tokens.count - 1)
    return tokens[position].kind == .name && spells(tokens[position], name)
  }

  /// Whether the token's source text is `expected`, compared in place: every precedence level
  /// checks the current token, and making a string of it each time was a fifth of parsing.
  @inline(__always)
  func spells(_ token: Token, _ expected: String) -> Bool {
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
  var currentOperator: BinaryOperator? {
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

  /// Returns the current token and moves past it (never past `.end`).
  mutating func advance() -> Token {
    let token = tokens[index]
    if index < tokens.count - 1 { index += 1 }
    return token
  }

  /// Consumes the symbol `symbol` or reports what was found instead.
  mutating func expectSymbol(_ symbol: String, context: String) throws(Diagnostic) -> Token {
    guard isSymbol(symbol) else { throw unexpected(expected: "`\(symbol)` \(context)") }
    return advance()
  }

  /// Consumes a name or reports what was found instead.
  mutating func expectName(context: String) throws(Diagnostic) -> Token {
    guard current.kind == .name else { throw unexpected(expected: "a name \(context)") }
    return advance()
  }

  mutating func expectStatementEnd(_ tag: String) throws(Diagnostic) {
    guard current.kind == .statementClose else {
      throw unexpected(expected: "`%}` to close `{% \(tag) %}`")
    }
    _ = advance()
  }

  /// The error for a token that is not the `expected` one.
  func unexpected(expected: String) -> Diagnostic {
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

  /// Counts one more level of nesting at `span`; the caller decrements `depth` when it leaves.
  mutating func enter(_ span: Span) throws(Diagnostic) {
    depth += 1
    if depth > Parser.maximumDepth {
      throw .templateSyntax(
        "template nests deeper than \(Parser.maximumDepth) levels", file: file, span,
        hint: "split the logic into macros")
    }
    try checkExpressionDepth(span)
  }

  /// Counts one more chained operator at `span`; the caller restores `links` when its chain ends.
  mutating func link(_ span: Span) throws(Diagnostic) {
    links += 1
    try checkExpressionDepth(span)
  }

  private func checkExpressionDepth(_ span: Span) throws(Diagnostic) {
    guard depth + links > Parser.maximumExpressionDepth else { return }
    throw .templateSyntax(
      "expression nested too deeply (over \(Parser.maximumExpressionDepth) levels)", file: file,
      span, hint: "split it into several `{% set %}` statements")
  }

  // MARK: - Statements

  /// Parses nodes until a `{% name %}` whose name is in `terminators` (left unconsumed) or the end.
  mutating func parseBody(until terminators: Set<String>) throws(Diagnostic)
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
    case "break", "continue": return try parseLoopControl(keyword)
    case "filter": return try parseFilterBlock(keyword)
    case "call": return try parseCallBlock(keyword)
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
    case "materialization":
      try parseMaterialization()
      return nil
    case "snapshot":
      try parseSnapshot()
      return nil
    case "endif", "endfor", "endmacro", "endset", "endtest", "enddocs", "endsnapshot", "else",
      "elif", "endraw", "endfilter", "endcall", "endmaterialization":
      throw .templateSyntax(
        "`{% \(name) %}` without a matching opening tag", file: file, open.span.union(keyword.span))
    default:
      throw unsupportedTag(name, at: keyword.span)
    }
  }

  private func unsupportedTag(_ name: String, at span: Span) -> Diagnostic {
    let why: String? =
      switch name {
      case "include", "import", "from", "extends", "block":
        "macros from `macros/` are global in swdbt; no import is needed"
      case "with", "autoescape":
        "this Jinja tag is not part of swdbt's template language"
      default: nil
      }
    if let why {
      return .error(
        "template.unsupported", "`{% \(name) %}` is not supported by swdbt",
        at: SourceRange(file: file, span: span), hint: why)
    }
    let known = [
      "if", "for", "set", "do", "macro", "test", "docs", "snapshot", "raw", "call", "filter",
      "break", "continue",
    ]
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
  mutating func closingTag(for block: String, expected: [String], opened: Span)
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
    var condition: Expression?
    if isName("if") {
      _ = advance()
      condition = try parseConditionalFree()
    }
    try expectStatementEnd("for")
    loopDepth += 1
    let body = try parseBody(until: ["else", "endfor"])
    loopDepth -= 1
    var otherwise: [TemplateNode]?
    if try closingTag(for: "for", expected: ["endfor"], opened: keyword.span) == "else" {
      try expectStatementEnd("else")
      otherwise = try parseBody(until: ["endfor"])
      _ = try closingTag(for: "for", expected: ["endfor"], opened: keyword.span)
    }
    try expectStatementEnd("endfor")
    return .loop(
      targets: targets, sequence: sequence, condition: condition, body: body,
      otherwise: otherwise, keyword.span)
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
    if isSymbol("|") {
      // `{% set x | filter %}...{% endset %}`: the captured text goes through the filters.
      let filters = try parseFilterChain()
      try expectStatementEnd("set")
      let body = try parseBody(until: ["endset"])
      _ = try closingTag(for: "set", expected: ["endset"], opened: first.span)
      try expectStatementEnd("endset")
      return .blockAssignment(
        name: targets[0], body: [.filterBlock(filters: filters, body: body)], first.span)
    }
    if isSymbol(".") {
      _ = advance()
      let attribute = text(try expectName(context: "after `.` in `set`"))
      _ = try expectSymbol("=", context: "in `{% set %}`")
      let value = try parseExpression()
      try expectStatementEnd("set")
      return .attributeAssignment(
        variable: targets[0], attribute: attribute, value, keyword.span.union(first.span))
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
    let parameters = try parseParameters()
    try expectStatementEnd(kind)
    let (outerLoops, outerNames) = (loopDepth, specialNames)
    (loopDepth, specialNames) = (0, 0)
    let body = try parseBody(until: ["end" + kind])
    let names = specialNames
    (loopDepth, specialNames) = (outerLoops, outerNames)
    _ = try closingTag(for: kind, expected: ["end" + kind], opened: nameToken.span)
    try expectStatementEnd("end" + kind)
    return MacroDefinition(
      name: text(nameToken), parameters: parameters, body: body, file: file, span: nameToken.span,
      catchesVarargs: names & 1 != 0, catchesKwargs: names & 2 != 0)
  }

  /// Parses formal parameters after `(` up to and including `)`.
  mutating func parseParameters() throws(Diagnostic) -> [MacroDefinition.Parameter] {
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
    return parameters
  }

  /// Records `{% materialization name, adapter='x' %}` and skips its body unparsed: swdbt
  /// never runs it, and a dbt materialization's body may use what swdbt's templates lack.
  private mutating func parseMaterialization() throws(Diagnostic) {
    let nameToken = try expectName(context: "after `materialization`")
    var adapter = "default"
    // The rest of the tag: `, default`, `, adapter='postgres'`, `supported_languages=[...]`.
    while current.kind != .statementClose, current.kind != .end {
      if isName("adapter"), tokens[min(index + 2, tokens.count - 1)].kind == .string,
        isSymbol("=", tokens[min(index + 1, tokens.count - 1)])
      {
        let value = tokens[index + 2]
        adapter = file.text(Span(start: value.span.start + 1, end: value.span.end - 1))
      }
      _ = advance()
    }
    try expectStatementEnd("materialization")
    while !(current.kind == .statementOpen && isName("endmaterialization", at: 1)) {
      guard current.kind != .end else {
        throw .templateSyntax(
          "unclosed `{% materialization %}`: expected `{% endmaterialization %}` before the end "
            + "of the file", file: file, nameToken.span)
      }
      _ = advance()
    }
    _ = advance()
    _ = advance()
    try expectStatementEnd("endmaterialization")
    materializations.append(
      MaterializationBlock(name: text(nameToken), adapter: adapter, span: nameToken.span))
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
}

extension Parser {
  /// `{% snapshot name %}` up to `{% endsnapshot %}`: the body is the snapshot's query.
  fileprivate mutating func parseSnapshot() throws(Diagnostic) {
    let nameToken = try expectName(context: "after `snapshot`")
    try expectStatementEnd("snapshot")
    let body = try parseBody(until: ["endsnapshot"])
    _ = try closingTag(for: "snapshot", expected: ["endsnapshot"], opened: nameToken.span)
    try expectStatementEnd("endsnapshot")
    snapshots.append(SnapshotBlock(name: text(nameToken), body: body, span: nameToken.span))
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
