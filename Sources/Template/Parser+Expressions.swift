import Diagnostics

/// Expressions, by precedence level from `or` down to primaries; each chain of operators counts
/// its links so the tree it builds stays within `maximumExpressionDepth`.
extension Parser {
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

  /// Parses an expression without a trailing `if ... else ...` (a `for` loop's sequence).
  mutating func parseConditionalFree() throws(Diagnostic) -> Expression {
    try enter(current.span)
    defer { depth -= 1 }
    return try parseOr()
  }

  private mutating func parseOr() throws(Diagnostic) -> Expression {
    let chained = links
    defer { links = chained }
    var left = try parseAnd()
    while isName("or") {
      try link(advance().span)
      let right = try parseAnd()
      left = .binary(.or, left, right, left.span.union(right.span))
    }
    return left
  }

  private mutating func parseAnd() throws(Diagnostic) -> Expression {
    let chained = links
    defer { links = chained }
    var left = try parseNot()
    while isName("and") {
      try link(advance().span)
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
    let chained = links
    defer { links = chained }
    var left = try parseAdditive()
    while true {
      let op: BinaryOperator
      let operatorSpan = current.span
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
        try link(operatorSpan)
        left = try parseTest(left)
        continue
      } else {
        return left
      }
      try link(operatorSpan)
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
    } else if [.string, .integer, .float].contains(current.kind) || isSymbol("[")
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
    let chained = links
    defer { links = chained }
    var left = try parseConcat()
    while current.kind == .symbol, isSymbol("+") || isSymbol("-") {
      try link(current.span)
      let op: BinaryOperator = spells(advance(), "+") ? .add : .subtract
      let right = try parseConcat()
      left = .binary(op, left, right, left.span.union(right.span))
    }
    return left
  }

  private mutating func parseConcat() throws(Diagnostic) -> Expression {
    let chained = links
    defer { links = chained }
    var left = try parseMultiplicative()
    while isSymbol("~") {
      try link(advance().span)
      let right = try parseMultiplicative()
      left = .binary(.concat, left, right, left.span.union(right.span))
    }
    return left
  }

  private mutating func parseMultiplicative() throws(Diagnostic) -> Expression {
    let chained = links
    defer { links = chained }
    var left = try parsePower()
    while let op = currentOperator, [.multiply, .divide, .floorDivide, .modulo].contains(op) {
      try link(advance().span)
      let right = try parsePower()
      left = .binary(op, left, right, left.span.union(right.span))
    }
    return left
  }

  private mutating func parsePower() throws(Diagnostic) -> Expression {
    let chained = links
    defer { links = chained }
    var left = try parseUnary()
    while isSymbol("**") {
      try link(advance().span)
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
    let chained = links
    defer { links = chained }
    var expression = subject
    while isSymbol("|") {
      try link(advance().span)
      let nameToken = try expectName(context: "after `|`")
      var arguments: [Argument] = []
      if isSymbol("(") { arguments = try parseArguments() }
      let end = arguments.last?.value.span ?? nameToken.span
      expression = .filter(expression, text(nameToken), arguments, expression.span.union(end))
    }
    return expression
  }

  private mutating func parsePrimaryWithPostfix() throws(Diagnostic) -> Expression {
    let chained = links
    defer { links = chained }
    var expression = try parsePrimary()
    while true {
      // One look at the token decides: most primaries are followed by no postfix at all.
      let postfix = postfixSymbol
      guard postfix != 0 else { return expression }
      try link(current.span)
      if postfix == UInt8(ascii: ".") {
        _ = advance()
        let nameToken: Token
        if current.kind == .name || current.kind == .integer {
          nameToken = advance()
        } else {
          throw unexpected(expected: "an attribute name after `.`")
        }
        expression = .attribute(expression, text(nameToken), expression.span.union(nameToken.span))
      } else if postfix == UInt8(ascii: "[") {
        expression = try parseSubscript(expression)
      } else {
        let start = current.span
        let arguments = try parseArguments()
        let end = tokens[index - 1].span
        expression = .call(expression, arguments, expression.span.union(start).union(end))
      }
    }
  }

  /// The current token's byte when it is the one-byte symbol `.`, `[` or `(`, else 0.
  private var postfixSymbol: UInt8 {
    let token = current
    guard token.kind == .symbol, token.span.end - token.span.start == 1, token.span.start >= 0,
      token.span.start < bytes.count
    else { return 0 }
    let byte = bytes[token.span.start]
    switch byte {
    case UInt8(ascii: "."), UInt8(ascii: "["), UInt8(ascii: "("): return byte
    default: return 0
    }
  }

  mutating func parseArguments() throws(Diagnostic) -> [Argument] {
    let open = try expectSymbol("(", context: "to start the arguments")
    try enter(open.span)
    defer { depth -= 1 }
    var arguments: [Argument] = []
    var sawKeyword = false
    while !isSymbol(")") {
      if isSymbol("*") || isSymbol("**") {
        // `f(*items)` / `f(**options)`: spread into positional / keyword arguments.
        let star = advance()
        let value = try parseExpression()
        arguments.append(
          Argument(label: text(star), value: value, span: star.span.union(value.span)))
      } else if current.kind == .name, isSymbol("=", tokens[index + 1]) {
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
      if name.utf8.count == 7 || name.utf8.count == 6 {
        if name == "varargs" { specialNames |= 1 } else if name == "kwargs" { specialNames |= 2 }
      }
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
