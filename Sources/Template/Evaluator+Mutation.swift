import Diagnostics
import OrderedCollections

/// Methods that change a list or dict held in a variable, such as `{% do d.k.append(x) %}`.
extension Evaluator {
  /// The list and dict methods that change their receiver.
  static let mutatingMethods: Set<String> = [
    "append", "extend", "insert", "remove", "pop", "clear", "update", "setdefault",
  ]

  /// Calls a mutating method on the value at `base` (a variable, or its attributes and items)
  /// and stores the changed value back; nil when `base` is not such a path.
  func mutateInPlace(
    _ base: Expression, _ method: String, _ argumentExpressions: [Argument], _ span: Span
  ) throws(Interrupt) -> Value? {
    var keyExpressions: [Expression] = []
    var cursor = base
    var root: String?
    while root == nil {
      switch cursor {
      case .name(let name, _): root = name
      case .attribute(let inner, let name, let keySpan):
        keyExpressions.append(.literal(.string(name), keySpan))
        cursor = inner
      case .index(let inner, let key, _):
        keyExpressions.append(key)
        cursor = inner
      default: return nil
      }
    }
    guard let root, let depth = scopes.lastIndex(where: { $0[root] != nil }),
      var value = scopes[depth][root]
    else { return nil }
    var keys: [Value] = []
    for expression in keyExpressions.reversed() { keys.append(try evaluate(expression)) }
    let arguments = try evaluateArguments(argumentExpressions, span)
    // The variable is emptied while its value changes, so the change copies no storage.
    scopes[depth][root] = Value.none
    defer { scopes[depth][root] = value }
    return try mutate(&value, keys[...], method, arguments, span)
  }

  private func mutate(
    _ value: inout Value, _ keys: ArraySlice<Value>, _ method: String, _ arguments: Arguments,
    _ span: Span
  ) throws(Interrupt) -> Value {
    guard let key = keys.first else { return try mutate(&value, method, arguments, span) }
    switch (value, key) {
    case (.dict(var entries), _):
      let name = key.stringValue ?? key.rendered
      guard var child = entries[name] else {
        throw fail("\(method) on a missing key \(key.representation)", span)
      }
      value = .none
      entries[name] = Value.none
      defer {
        entries[name] = child
        value = .dict(entries)
      }
      return try mutate(&child, keys.dropFirst(), method, arguments, span)
    case (.list(var items), .integer(let position)):
      let resolved = position < 0 ? items.count + position : position
      guard items.indices.contains(resolved) else {
        throw fail("list index \(position) out of range (length \(items.count))", span)
      }
      var child = items[resolved]
      value = .none
      items[resolved] = .none
      defer {
        items[resolved] = child
        value = .list(items)
      }
      return try mutate(&child, keys.dropFirst(), method, arguments, span)
    default:
      throw fail("cannot index \(value.typeName) with \(key.typeName)", span)
    }
  }

  private func mutate(_ value: inout Value, _ method: String, _ arguments: Arguments, _ span: Span)
    throws(Interrupt) -> Value
  {
    let first = arguments.positional.first
    switch value {
    case .list(var items):
      value = .none
      defer { value = .list(items) }
      switch method {
      case "append": items.append(first ?? .none)
      case "extend": items.append(contentsOf: try iterate(first ?? .list([]), span))
      case "insert":
        guard case .integer(let position)? = first else {
          throw fail("`insert` expects an integer position", span)
        }
        let resolved = position < 0 ? max(0, items.count + position) : min(position, items.count)
        items.insert(arguments.positional.dropFirst().first ?? .none, at: resolved)
      case "remove":
        guard let position = items.firstIndex(of: first ?? .none) else {
          throw fail("\((first ?? .none).representation) is not in the list", span)
        }
        items.remove(at: position)
      case "pop":
        guard !items.isEmpty else { throw fail("pop from an empty list", span) }
        if case .integer(let position)? = first {
          let resolved = position < 0 ? items.count + position : position
          guard items.indices.contains(resolved) else { throw fail("pop index out of range", span) }
          return items.remove(at: resolved)
        }
        return items.removeLast()
      case "clear": items.removeAll()
      default: throw fail("list has no method `\(method)`", span)
      }
    case .dict(var entries):
      value = .none
      defer { value = .dict(entries) }
      let key = first.map { $0.stringValue ?? $0.rendered } ?? ""
      switch method {
      case "update":
        if case .dict(let other)? = first { entries.merge(other) { $1 } }
        for (label, item) in arguments.keyword { entries[label] = item }
      case "pop":
        return entries.removeValue(forKey: key) ?? arguments.positional.dropFirst().first ?? .none
      case "setdefault":
        if let existing = entries[key] { return existing }
        let fallback = arguments.positional.dropFirst().first ?? .none
        entries[key] = fallback
        return fallback
      case "clear": entries.removeAll()
      default: throw fail("dict has no method `\(method)`", span)
      }
    default:
      throw fail("\(value.typeName) has no method `\(method)`", span)
    }
    return .none
  }

  /// Binds `varargs`, `kwargs` and `caller` for a call, as Jinja does for macros naming them.
  func bindExtraArguments(
    _ macro: MacroDefinition, _ arguments: Arguments, into bindings: inout [String: Value]
  ) {
    if macro.catchesVarargs {
      bindings["varargs"] = .list(Array(arguments.positional.dropFirst(macro.parameters.count)))
    }
    var extra = OrderedDictionary<String, Value>()
    for (label, value) in arguments.keyword
    where !macro.parameters.contains(where: { $0.name == label }) {
      if label == "caller" {
        bindings["caller"] = value
      } else {
        extra[label] = value
      }
    }
    if macro.catchesKwargs { bindings["kwargs"] = .dict(extra) }
  }
}
