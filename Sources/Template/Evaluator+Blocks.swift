import Diagnostics
import OrderedCollections

/// Loop filters, namespace assignment, `{% filter %}` and `{% call %}` blocks, slices.
extension Evaluator {
  /// The items of `for ... if condition`, the condition seeing each item under the loop's names.
  func filterLoopItems(
    _ items: [Value], _ targets: [String], _ condition: Expression, _ span: Span
  ) throws(Interrupt) -> [Value] {
    scopes.append([:])
    defer { scopes.removeLast() }
    var kept: [Value] = []
    for item in items {
      try assign(targets, item, span)
      if try evaluate(condition).isTruthy { kept.append(item) }
    }
    return kept
  }

  /// `{% set ns.attribute = value %}`: changes the namespace where it is defined, so a value
  /// set inside a loop is seen after it, as with Jinja's `namespace()`.
  func assignAttribute(_ variable: String, _ attribute: String, _ value: Value, _ span: Span)
    throws(Interrupt)
  {
    guard let depth = scopes.lastIndex(where: { $0[variable] != nil }) else {
      throw fail("`\(variable)` is undefined", span, hint: "create it with `namespace()` first")
    }
    guard case .dict(var entries)? = scopes[depth][variable] else {
      throw fail(
        "cannot set attribute `\(attribute)` on \(scopes[depth][variable]?.typeName ?? "none")",
        span, hint: "make `\(variable)` a `namespace()`")
    }
    scopes[depth][variable] = .none
    entries[attribute] = value
    scopes[depth][variable] = .dict(entries)
  }

  /// The body's text through each filter in turn.
  func renderFiltered(
    _ filters: [(name: String, arguments: [Argument], span: Span)], _ body: [TemplateNode]
  ) throws(Interrupt) -> String {
    var text = ""
    try render(body, into: &text)
    var value = Value.string(text)
    for filter in filters {
      value = try applyFilter(
        filter.name, value, try evaluateArguments(filter.arguments, filter.span), filter.span)
    }
    return value.rendered
  }

  /// Calls the block's macro with `caller` bound to the body, which sees the scopes around it.
  func renderCallBlock(_ call: Expression, _ caller: MacroDefinition) throws(Interrupt) -> Value {
    guard case .call(let callee, var arguments, let span) = call else { return .none }
    arguments.append(
      Argument(label: "caller", value: .literal(.macro(caller), caller.span), span: caller.span))
    let key = ObjectIdentifier(caller)
    callerScopes[key, default: []].append(scopes)
    defer {
      callerScopes[key]?.removeLast()
      if callerScopes[key]?.isEmpty == true { callerScopes[key] = nil }
    }
    let result = try evaluateCall(callee, arguments, span)
    if let changed = callerScopes[key]?.last { scopes = changed }
    return result
  }

  /// Python's `sequence[start:stop:step]` on a list or string.
  func slice(
    _ base: Value, _ start: Expression?, _ stop: Expression?, _ step: Expression?, _ span: Span
  ) throws(Interrupt) -> Value {
    func bound(_ expression: Expression?) throws(Interrupt) -> Int? {
      guard let expression else { return nil }
      switch try evaluate(expression) {
      case .integer(let number): return number
      case .none: return nil
      case let other:
        throw fail("slice indices must be integers, got \(other.typeName)", expression.span)
      }
    }
    let (first, last, stride) = (try bound(start), try bound(stop), try bound(step) ?? 1)
    guard stride != 0 else { throw fail("slice step cannot be zero", span) }
    func positions(_ count: Int) -> [Int] {
      func clamp(_ value: Int?, _ fallback: Int) -> Int {
        guard let value else { return fallback }
        let resolved = value < 0 ? value + count : value
        return stride > 0 ? min(max(resolved, 0), count) : min(max(resolved, -1), count - 1)
      }
      let from = clamp(first, stride > 0 ? 0 : count - 1)
      let to = clamp(last, stride > 0 ? count : -1)
      return Array(Swift.stride(from: from, to: to, by: stride))
    }
    switch base {
    case .list(let items): return .list(positions(items.count).map { items[$0] })
    case .string(let text):
      let characters = Array(text)
      return .string(String(positions(characters.count).map { characters[$0] }))
    case .undefined: return .undefined
    default: throw fail("cannot slice \(base.typeName)", span)
    }
  }
}
