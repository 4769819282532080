import Diagnostics

/// `{% break %}`, `{% continue %}`, `{% filter %}`, `{% call %}` and subscripts with slices.
extension Parser {
  /// Parses `{% break %}` or `{% continue %}`, which must be inside a loop of the same macro.
  mutating func parseLoopControl(_ keyword: Token) throws(Diagnostic) -> TemplateNode {
    let name = text(keyword)
    guard loopDepth > 0 else {
      throw .templateSyntax(
        "`{% \(name) %}` outside a `{% for %}` loop", file: file, keyword.span,
        hint: "`\(name)` only ends or skips an iteration of the loop it is written in")
    }
    try expectStatementEnd(name)
    return .loopControl(breaks: name == "break", keyword.span)
  }

  /// Parses `{% filter name(args) | other %}body{% endfilter %}`.
  mutating func parseFilterBlock(_ keyword: Token) throws(Diagnostic) -> TemplateNode {
    let filters = try parseFilterChain(leadingBar: false)
    try expectStatementEnd("filter")
    let body = try parseBody(until: ["endfilter"])
    _ = try closingTag(for: "filter", expected: ["endfilter"], opened: keyword.span)
    try expectStatementEnd("endfilter")
    return .filterBlock(filters: filters, body: body)
  }

  /// Parses `name(args) | other(args)`, after a `|` when `leadingBar` is set.
  mutating func parseFilterChain(leadingBar: Bool = true) throws(Diagnostic) -> [(
    name: String, arguments: [Argument], span: Span
  )] {
    var filters: [(name: String, arguments: [Argument], span: Span)] = []
    if leadingBar { _ = advance() }
    while true {
      let nameToken = try expectName(context: "naming a filter")
      var arguments: [Argument] = []
      if isSymbol("(") { arguments = try parseArguments() }
      filters.append((text(nameToken), arguments, nameToken.span))
      guard isSymbol("|") else { return filters }
      _ = advance()
    }
  }

  /// Parses `{% call(params) macro(args) %}body{% endcall %}`; the body becomes `caller`.
  mutating func parseCallBlock(_ keyword: Token) throws(Diagnostic) -> TemplateNode {
    var parameters: [MacroDefinition.Parameter] = []
    if isSymbol("(") {
      _ = advance()
      parameters = try parseParameters()
    }
    let call = try parseExpression()
    guard case .call = call else {
      throw .templateSyntax(
        "`{% call %}` needs a macro call such as `{% call my_macro() %}`", file: file, call.span)
    }
    try expectStatementEnd("call")
    // The body is a macro of its own: loops around the call do not reach into it.
    let (outerLoops, outerNames) = (loopDepth, specialNames)
    (loopDepth, specialNames) = (0, 0)
    let body = try parseBody(until: ["endcall"])
    let names = specialNames
    (loopDepth, specialNames) = (outerLoops, outerNames)
    _ = try closingTag(for: "call", expected: ["endcall"], opened: keyword.span)
    try expectStatementEnd("endcall")
    let caller = MacroDefinition(
      name: "caller", parameters: parameters, body: body, file: file, span: keyword.span,
      catchesVarargs: names & 1 != 0, catchesKwargs: names & 2 != 0)
    return .callBlock(call: call, caller: caller)
  }

  /// Parses `[key]` or `[start:stop:step]` after `base`.
  mutating func parseSubscript(_ base: Expression) throws(Diagnostic) -> Expression {
    _ = advance()
    var start: Expression?
    if !isSymbol(":") { start = try parseExpression() }
    guard isSymbol(":") else {
      let close = try expectSymbol("]", context: "to close the subscript")
      return .index(base, start ?? base, base.span.union(close.span))
    }
    _ = advance()
    var stop: Expression?
    var step: Expression?
    if !isSymbol(":") && !isSymbol("]") { stop = try parseExpression() }
    if isSymbol(":") {
      _ = advance()
      if !isSymbol("]") { step = try parseExpression() }
    }
    let close = try expectSymbol("]", context: "to close the slice")
    return .slice(base, start: start, stop: stop, step: step, base.span.union(close.span))
  }
}
