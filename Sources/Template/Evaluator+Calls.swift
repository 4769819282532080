import Diagnostics
import Foundation
import OrderedCollections

extension Evaluator {
  func evaluateArguments(_ arguments: [Argument], _ span: Span) throws(Interrupt) -> Arguments {
    var positional: [Value] = []
    var ranges: [SourceRange] = []
    var keyword: [(label: String, value: Value)] = []
    var keywordRanges: [SourceRange] = []
    for argument in arguments {
      let value = try evaluate(argument.value)
      if argument.label == "*" {
        for item in try iterate(value, argument.span) {
          positional.append(item)
          ranges.append(SourceRange(file: file, span: argument.span))
        }
      } else if argument.label == "**" {
        guard case .dict(let entries) = value else {
          if case .undefined = value { continue }
          if case .none = value { continue }
          throw fail("`**` needs a dict, got \(value.typeName)", argument.span)
        }
        for (key, item) in entries {
          keyword.append((key, item))
          keywordRanges.append(SourceRange(file: file, span: argument.span))
        }
      } else if let label = argument.label {
        keyword.append((label, value))
        keywordRanges.append(SourceRange(file: file, span: argument.span))
      } else {
        positional.append(value)
        ranges.append(SourceRange(file: file, span: argument.value.span))
      }
    }
    return Arguments(
      positional: positional, keyword: keyword, range: SourceRange(file: file, span: span),
      positionalRanges: ranges, keywordRanges: keywordRanges)
  }

  func evaluateCall(_ callee: Expression, _ argumentExpressions: [Argument], _ span: Span)
    throws(Interrupt) -> Value
  {
    // `{% do items.append(x) %}` (or `d.k.append(x)`) mutates the variable where it is held.
    if case .attribute(let base, let method, _) = callee,
      Evaluator.mutatingMethods.contains(method),
      let result = try mutateInPlace(base, method, argumentExpressions, span)
    {
      return result
    }
    let function = try evaluate(callee)
    let arguments = try evaluateArguments(argumentExpressions, span)
    switch function {
    case .macro(let macro):
      return try invokeCatchingReturn(macro, arguments)
    case .function(let name, let receiver):
      return try callFunction(name, receiver, arguments, span)
    case .object(let object) where object.hasMethod("__call__"):
      // A class of the runtime called as a constructor (`api.Column('id', 'integer')`).
      do {
        return try object.call(method: "__call__", arguments)
      } catch {
        throw .failure(error)
      }
    default:
      throw fail("\(function.typeName) is not callable", callee.span)
    }
  }

  private func invokeCatchingReturn(_ macro: MacroDefinition, _ arguments: Arguments)
    throws(Interrupt) -> Value
  {
    do {
      return try invoke(macro, arguments)
    } catch {
      if case .returned(let value) = error { return value }
      throw error
    }
  }

  /// Runs a macro body in a fresh scope; errors inside gain a note naming the call site.
  func invoke(_ macro: MacroDefinition, _ arguments: Arguments) throws(Interrupt) -> Value {
    guard callDepth < Evaluator.maximumCallDepth else {
      throw Interrupt.failure(
        .error(
          "template.recursion",
          "macro calls nest deeper than \(Evaluator.maximumCallDepth) levels (calling `\(macro.name)`)",
          at: arguments.range, hint: "check for a macro that calls itself without stopping"))
    }
    guard arguments.positional.count <= macro.parameters.count || macro.catchesVarargs else {
      throw Interrupt.failure(
        .error(
          "template.arguments",
          "macro `\(macro.name)` takes \(macro.parameters.count) arguments, got \(arguments.positional.count)",
          at: arguments.range))
    }
    for (label, _) in arguments.keyword
    where !macro.catchesKwargs && label != "caller"
      && !macro.parameters.contains(where: { $0.name == label })
    {
      throw Interrupt.failure(
        .error(
          "template.arguments", "macro `\(macro.name)` has no parameter `\(label)`",
          at: arguments.range,
          hint: Suggestions.didYouMean(label, in: macro.parameters.map(\.name))))
    }
    let savedScopes = scopes
    let savedFile = file
    callDepth += 1
    defer {
      scopes = savedScopes
      file = savedFile
      callDepth -= 1
    }
    var bindings: [String: Value] = [:]
    file = macro.file
    // A `{% call %}` body sees the scopes around the call; a macro sees only its arguments.
    let outer = callerScopes.isEmpty ? [] : callerScopes[ObjectIdentifier(macro)]?.last ?? []
    scopes = outer.isEmpty ? [bindings] : outer + [bindings]
    if macro.catchesVarargs || macro.catchesKwargs || !arguments.keyword.isEmpty {
      bindExtraArguments(macro, arguments, into: &bindings)
    }
    for (position, parameter) in macro.parameters.enumerated() {
      if position < arguments.positional.count {
        bindings[parameter.name] = arguments.positional[position]
      } else if let value = arguments.keyword.first(where: { $0.label == parameter.name })?.value {
        bindings[parameter.name] = value
      } else if let defaultValue = parameter.defaultValue {
        scopes = outer.isEmpty ? [bindings] : outer + [bindings]
        bindings[parameter.name] = try evaluateWithCallNote(macro, arguments) {
          () throws(Interrupt) in
          try evaluate(defaultValue)
        }
      } else {
        bindings[parameter.name] = .undefined
      }
    }
    scopes = outer.isEmpty ? [bindings] : outer + [bindings]
    var out = ""
    try evaluateWithCallNote(macro, arguments) { () throws(Interrupt) in
      try render(macro.body, into: &out)
    }
    // Namespaces and lists a `{% call %}` body changed belong to the scopes around the call.
    if !outer.isEmpty, let last = callerScopes[ObjectIdentifier(macro)]?.indices.last {
      callerScopes[ObjectIdentifier(macro)]?[last] = Array(scopes.prefix(outer.count))
    }
    return .string(out)
  }

  private func evaluateWithCallNote<T>(
    _ macro: MacroDefinition, _ arguments: Arguments, _ body: () throws(Interrupt) -> T
  ) throws(Interrupt) -> T {
    do {
      return try body()
    } catch {
      guard case .failure(var diagnostic) = error else { throw error }
      let start = arguments.range.start
      diagnostic.notes.append(
        .init(
          "in macro `\(macro.name)` called from \(arguments.range.file.path):\(start.line):\(start.column)",
          at: arguments.range))
      throw .failure(diagnostic)
    }
  }

  // MARK: - Built-in functions and methods

  func callFunction(_ name: String, _ receiver: Value?, _ arguments: Arguments, _ span: Span)
    throws(Interrupt) -> Value
  {
    if let receiver {
      switch receiver {
      case .string(let text): return try stringMethod(name, text, arguments, span)
      case .dict(let entries): return try dictMethod(name, entries, arguments, span)
      case .list(let items): return try listMethod(name, items, arguments, span)
      case .relation where name == "relation.render": return receiver
      case .object(let object):
        do {
          return try object.call(method: name, arguments)
        } catch {
          throw .failure(error)
        }
      default: break
      }
    }
    switch name {
    case "return":
      throw Interrupt.returned(arguments.positional.first ?? .none)
    case "range":
      let numbers = arguments.positional.compactMap { value -> Int? in
        if case .integer(let number) = value { return number }
        return nil
      }
      guard numbers.count == arguments.positional.count, (1...3).contains(numbers.count) else {
        throw fail("`range` expects one to three integers", span)
      }
      let start = numbers.count > 1 ? numbers[0] : 0
      let stop = numbers.count > 1 ? numbers[1] : numbers[0]
      let step = numbers.count > 2 ? numbers[2] : 1
      guard step != 0 else { throw fail("`range` step must not be zero", span) }
      let count =
        step > 0
        ? max(0, (stop - start + step - 1) / step) : max(0, (start - stop - step - 1) / -step)
      guard count <= 1_000_000 else { throw fail("`range` of \(count) items is too large", span) }
      return .list(stride(from: start, to: stop, by: step).map { .integer($0) })
    case "dict", "namespace":
      var entries = OrderedDictionary<String, Value>()
      if case .dict(let initial)? = arguments.positional.first { entries = initial }
      for (label, value) in arguments.keyword { entries[label] = value }
      return .dict(entries)
    case "list":
      return .list(try iterate(arguments.positional.first ?? .list([]), span))
    case "loop.cycle":
      let loop = scopes.last { $0["loop"] != nil }?["loop"]
      guard case .dict(let entries)? = loop, case .integer(let position)? = entries["index0"],
        !arguments.positional.isEmpty
      else {
        throw fail("`loop.cycle` needs at least one value", span)
      }
      return arguments.positional[position % arguments.positional.count]
    case "zip":
      let lists = try arguments.positional.map { value throws(Interrupt) in try iterate(value, span)
      }
      let length = lists.map(\.count).min() ?? 0
      return .list((0..<length).map { position in .list(lists.map { $0[position] }) })
    case "exceptions.raise_compiler_error":
      let message = arguments.positional.first?.rendered ?? "compilation error"
      throw Interrupt.failure(
        .error("template.raised", message, at: SourceRange(file: file, span: span)))
    case "exceptions.warn":
      return .none
    case "try_or_compiler_error":
      // dbt's `try_or_compiler_error(message, function, *args)`: the function's failure
      // becomes a compilation error with the given message.
      guard arguments.positional.count >= 2 else {
        throw fail("`try_or_compiler_error` needs a message and a function", span)
      }
      let rest = Arguments(
        positional: Array(arguments.positional.dropFirst(2)), keyword: arguments.keyword,
        range: arguments.range, positionalRanges: Array(arguments.positionalRanges.dropFirst(2)),
        keywordRanges: arguments.keywordRanges)
      do throws(Interrupt) {
        switch arguments.positional[1] {
        case .macro(let macro): return try invokeCatchingReturn(macro, rest)
        case .function(let inner, let receiver):
          return try callFunction(inner, receiver, rest, span)
        default: throw fail("`try_or_compiler_error` needs a function", span)
        }
      } catch {
        guard case .failure = error else { throw error }
        throw Interrupt.failure(
          .error(
            "template.raised", arguments.positional[0].rendered,
            at: SourceRange(file: file, span: span)))
      }
    default:
      break
    }
    if host.hasFunction(name) {
      do {
        return try host.call(name, arguments)
      } catch {
        throw .failure(error)
      }
    }
    throw fail("unknown function `\(name)`", span)
  }

  private func stringMethod(_ name: String, _ text: String, _ arguments: Arguments, _ span: Span)
    throws(Interrupt) -> Value
  {
    let first = arguments.positional.first?.stringValue
    switch name {
    case "str.upper": return .string(text.uppercased())
    case "str.lower": return .string(text.lowercased())
    case "str.strip": return .string(Filters.strip(text, first))
    case "str.lstrip": return .string(String(text.drop { Filters.isStripped($0, first) }))
    case "str.rstrip":
      return .string(String(text.reversed().drop { Filters.isStripped($0, first) }.reversed()))
    case "str.title": return .string(Filters.title(text))
    case "str.capitalize": return .string(Filters.capitalize(text))
    case "str.replace":
      guard let old = first, let new = arguments.positional.dropFirst().first?.stringValue else {
        throw fail("`replace` expects two strings", span)
      }
      return .string(old.isEmpty ? text : text.replacing(old, with: new))
    case "str.split":
      if let separator = first, !separator.isEmpty {
        return .list(
          text.split(separator: separator, omittingEmptySubsequences: false).map {
            .string(String($0))
          })
      }
      return .list(text.split(whereSeparator: \.isWhitespace).map { .string(String($0)) })
    case "str.startswith": return .bool(text.hasPrefix(first ?? ""))
    case "str.endswith": return .bool(text.hasSuffix(first ?? ""))
    case "str.count":
      return .integer(
        first.map {
          $0.isEmpty ? 0 : text.split(separator: $0, omittingEmptySubsequences: false).count - 1
        } ?? 0)
    case "str.join":
      let items = try iterate(arguments.positional.first ?? .list([]), span)
      return .string(items.map(\.rendered).joined(separator: text))
    default:
      if let value = try moreStringMethod(name, text, arguments, span) { return value }
      throw fail("string has no method `\(name.dropFirst(4))`", span)
    }
  }

  private func dictMethod(
    _ name: String, _ entries: OrderedDictionary<String, Value>, _ arguments: Arguments,
    _ span: Span
  ) throws(Interrupt) -> Value {
    switch name {
    case "dict.items": return .list(entries.map { .list([.string($0.key), $0.value]) })
    case "dict.keys": return .list(entries.keys.map { .string($0) })
    case "dict.values": return .list(Array(entries.values))
    case "dict.copy": return .dict(entries)
    case "dict.get":
      let key = arguments.positional.first.map { $0.stringValue ?? $0.rendered } ?? ""
      return entries[key] ?? arguments.positional.dropFirst().first ?? .none
    default:
      throw fail(
        "dict has no method `\(name.dropFirst(5))` here", span,
        hint: "call it on a variable: `{% do x.\(name.dropFirst(5))(...) %}`")
    }
  }

  private func listMethod(_ name: String, _ items: [Value], _ arguments: Arguments, _ span: Span)
    throws(Interrupt) -> Value
  {
    let first = arguments.positional.first ?? .none
    switch name {
    case "list.index":
      guard let position = items.firstIndex(of: first) else {
        throw fail("\(first.representation) is not in the list", span)
      }
      return .integer(position)
    case "list.count": return .integer(items.filter { $0 == first }.count)
    case "list.copy": return .list(items)
    default:
      throw fail(
        "list has no method `\(name.dropFirst(5))` here", span,
        hint: "call it on a variable: `{% do x.\(name.dropFirst(5))(...) %}`")
    }
  }

  // MARK: - Operators

  func evaluateBinary(
    _ op: BinaryOperator, _ leftExpression: Expression, _ rightExpression: Expression, _ span: Span
  )
    throws(Interrupt) -> Value
  {
    let left = try evaluate(leftExpression)
    switch op {
    case .and: return left.isTruthy ? try evaluate(rightExpression) : left
    case .or: return left.isTruthy ? left : try evaluate(rightExpression)
    default: break
    }
    let right = try evaluate(rightExpression)
    switch op {
    case .equal: return .bool(left == right)
    case .notEqual: return .bool(left != right)
    case .less, .lessOrEqual, .greater, .greaterOrEqual:
      guard let order = compare(left, right) else {
        throw fail("cannot compare \(left.typeName) with \(right.typeName)", span)
      }
      switch op {
      case .less: return .bool(order < 0)
      case .lessOrEqual: return .bool(order <= 0)
      case .greater: return .bool(order > 0)
      default: return .bool(order >= 0)
      }
    case .in, .notIn:
      let contained: Bool
      switch right {
      case .string(let text): contained = text.contains(left.stringValue ?? left.rendered)
      case .list(let items): contained = items.contains(left)
      case .dict(let entries): contained = entries[left.stringValue ?? left.rendered] != nil
      case .undefined, .none: contained = false
      default:
        throw fail("`in` needs a string, list or dict on the right, got \(right.typeName)", span)
      }
      return .bool(op == .in ? contained : !contained)
    case .concat:
      return .string(left.rendered + right.rendered)
    default:
      return try arithmetic(op, left, right, span)
    }
  }

  func compare(_ left: Value, _ right: Value) -> Int? {
    switch (left, right) {
    case (.integer(let a), .integer(let b)): return a < b ? -1 : (a == b ? 0 : 1)
    case (.string(let a), .string(let b)): return a < b ? -1 : (a == b ? 0 : 1)
    case (.object(let object), _): return object.compare(to: right)
    case (_, .object(let object)): return object.compare(to: left).map { -$0 }
    default:
      guard let a = number(left), let b = number(right) else { return nil }
      return a < b ? -1 : (a == b ? 0 : 1)
    }
  }

  func number(_ value: Value) -> Double? {
    switch value {
    case .integer(let number): Double(number)
    case .double(let number): number
    case .bool(let flag): flag ? 1 : 0
    default: nil
    }
  }

  private func arithmetic(_ op: BinaryOperator, _ left: Value, _ right: Value, _ span: Span)
    throws(Interrupt) -> Value
  {
    switch (op, left, right) {
    case (.modulo, .string(let format), _):
      let values: [Value]
      if case .list(let items) = right { values = items } else { values = [right] }
      return .string(try Filters.percentFormat(format, values, span, self))
    case (.add, .string(let a), .string(let b)): return .string(a + b)
    case (.add, .list(let a), .list(let b)): return .list(a + b)
    case (_, .object(let object), _), (_, _, .object(let object)):
      let reversed: Bool
      if case .object = left { reversed = false } else { reversed = true }
      let result: Value?
      do {
        result = try object.binary(op, reversed ? left : right, reversed: reversed)
      } catch {
        throw .failure(error)
      }
      if let result { return result }
      throw fail(
        "unsupported operand types for `\(op.rawValue)`: \(left.typeName) and \(right.typeName)",
        span)
    case (.multiply, .string(let text), .integer(let count)):
      guard count <= 100_000 else { throw fail("string repetition of \(count) is too large", span) }
      return .string(String(repeating: text, count: max(0, count)))
    case (_, .integer(let a), .integer(let b)):
      let result: (Int, Bool)
      switch op {
      case .add: result = a.addingReportingOverflow(b)
      case .subtract: result = a.subtractingReportingOverflow(b)
      case .multiply: result = a.multipliedReportingOverflow(by: b)
      case .divide:
        guard b != 0 else { throw fail("division by zero", span) }
        return .double(Double(a) / Double(b))
      case .floorDivide, .modulo:
        guard b != 0 else { throw fail("division by zero", span) }
        if a == Int.min && b == -1 { throw fail("integer overflow", span) }
        var quotient = a / b
        if (a % b != 0) && ((a < 0) != (b < 0)) { quotient -= 1 }
        return .integer(op == .floorDivide ? quotient : a - quotient * b)
      case .power:
        guard b >= 0 else { return .double(pow(Double(a), Double(b))) }
        var value = 1
        for _ in 0..<min(b, 64) {
          let next = value.multipliedReportingOverflow(by: a)
          if next.overflow { throw fail("integer overflow", span) }
          value = next.partialValue
        }
        return .integer(b > 64 && abs(a) > 1 ? 0 : value)
      default: throw fail("unsupported operator", span)
      }
      if result.1 { throw fail("integer overflow in `\(op.rawValue)`", span) }
      return .integer(result.0)
    default:
      guard let a = number(left), let b = number(right) else {
        throw fail(
          "unsupported operand types for `\(op.rawValue)`: \(left.typeName) and \(right.typeName)",
          span)
      }
      switch op {
      case .add: return .double(a + b)
      case .subtract: return .double(a - b)
      case .multiply: return .double(a * b)
      case .divide:
        guard b != 0 else { throw fail("division by zero", span) }
        return .double(a / b)
      case .floorDivide:
        guard b != 0 else { throw fail("division by zero", span) }
        return .double((a / b).rounded(.down))
      case .modulo:
        guard b != 0 else { throw fail("division by zero", span) }
        return .double(a - b * (a / b).rounded(.down))
      case .power: return .double(pow(a, b))
      default: throw fail("unsupported operator", span)
      }
    }
  }
}
