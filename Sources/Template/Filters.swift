import Diagnostics
import OrderedCollections

/// Jinja filters (`value | name(args)`) and tests (`value is name`).
enum Filters {
  static let names = [
    "upper", "lower", "trim", "strip", "replace", "join", "default", "d", "length", "count",
    "string", "int", "float", "list", "first", "last", "sort", "unique", "title", "capitalize",
    "abs", "round", "reverse", "tojson", "safe", "e", "escape", "min", "max", "sum", "map",
    "indent", "wordcount", "items", "select", "reject", "selectattr", "rejectattr", "batch",
    "slice", "as_number", "as_bool", "as_native", "as_text", "format", "dictsort",
  ]

  static func strip(_ text: String, _ characters: String?) -> String {
    var view = Substring(text)
    while let first = view.first, isStripped(first, characters) { view.removeFirst() }
    while let last = view.last, isStripped(last, characters) { view.removeLast() }
    return String(view)
  }

  static func isStripped(_ character: Character, _ characters: String?) -> Bool {
    characters.map { $0.contains(character) } ?? character.isWhitespace
  }

  static func title(_ text: String) -> String {
    var result = ""
    var startOfWord = true
    for character in text {
      result += startOfWord ? character.uppercased() : character.lowercased()
      startOfWord = !(character.isLetter || character.isNumber)
    }
    return result
  }

  static func capitalize(_ text: String) -> String {
    guard let first = text.first else { return text }
    return first.uppercased() + text.dropFirst().lowercased()
  }

  static func json(_ value: Value) -> String {
    switch value {
    case .none, .undefined: return "null"
    case .bool(let flag): return flag ? "true" : "false"
    case .integer, .double: return value.rendered
    case .string(let text): return DiagnosticRenderer.jsonString(text)
    case .list(let items): return "[" + items.map(json).joined(separator: ", ") + "]"
    case .dict(let entries):
      return "{"
        + entries.map { json(.string($0.key)) + ": " + json($0.value) }.joined(separator: ", ")
        + "}"
    default: return json(.string(value.rendered))
    }
  }
}

extension Value {
  /// The value as JSON text, as the `tojson` filter writes it.
  package var jsonText: String { Filters.json(self) }
}

extension Evaluator {
  func applyFilter(_ name: String, _ value: Value, _ arguments: Arguments, _ span: Span)
    throws(Interrupt) -> Value
  {
    let first = arguments.positional.first
    switch name {
    case "upper": return .string(value.rendered.uppercased())
    case "lower": return .string(value.rendered.lowercased())
    case "trim", "strip": return .string(Filters.strip(value.rendered, first?.stringValue))
    case "title": return .string(Filters.title(value.rendered))
    case "capitalize": return .string(Filters.capitalize(value.rendered))
    case "string", "safe", "e", "escape": return .string(value.rendered)
    case "replace":
      guard let old = first?.stringValue, let new = arguments.positional.dropFirst().first else {
        throw fail("`replace` expects two arguments", span)
      }
      return .string(
        old.isEmpty ? value.rendered : value.rendered.replacing(old, with: new.rendered))
    case "join":
      let separator =
        first?.rendered ?? arguments.keyword.first { $0.label == "d" }?.value.rendered ?? ""
      var items = try iterate(value, span)
      if let attribute = arguments.keyword.first(where: { $0.label == "attribute" })?.value
        .stringValue
      {
        items = try items.map { item throws(Interrupt) in try self.attribute(item, attribute, span)
        }
      }
      return .string(items.map(\.rendered).joined(separator: separator))
    case "default", "d":
      let fallback = first ?? .string("")
      let strict = arguments.positional.dropFirst().first?.isTruthy ?? false
      if case .undefined = value { return fallback }
      if strict, !value.isTruthy { return fallback }
      return value
    case "length", "count":
      switch value {
      case .string(let text): return .integer(text.count)
      case .list(let items): return .integer(items.count)
      case .dict(let entries): return .integer(entries.count)
      case .undefined: return .integer(0)
      case .object(let object) where object.elements != nil:
        return .integer(object.elements?.count ?? 0)
      default: throw fail("\(value.typeName) has no length", span)
      }
    case "int":
      switch value {
      case .integer: return value
      case .double(let number):
        return number.isFinite && abs(number) < 9e18 ? .integer(Int(number)) : .integer(0)
      case .bool(let flag): return .integer(flag ? 1 : 0)
      case .string(let text):
        let trimmed = Filters.strip(text, nil)
        if let number = Int(trimmed) { return .integer(number) }
        if let number = Double(trimmed), number.isFinite, abs(number) < 9e18 {
          return .integer(Int(number))
        }
        return first ?? .integer(0)
      default: return first ?? .integer(0)
      }
    case "float":
      if let number = number(value) { return .double(number) }
      if case .string(let text) = value, let number = Double(Filters.strip(text, nil)) {
        return .double(number)
      }
      return first ?? .double(0)
    case "abs":
      switch value {
      case .integer(let number): return number == .min ? value : .integer(abs(number))
      case .double(let number): return .double(abs(number))
      default: throw fail("`abs` expects a number, got \(value.typeName)", span)
      }
    case "list": return .list(try iterate(value, span))
    case "first": return try iterate(value, span).first ?? .undefined
    case "last": return try iterate(value, span).last ?? .undefined
    case "reverse":
      if case .string(let text) = value { return .string(String(text.reversed())) }
      return .list(try iterate(value, span).reversed())
    case "map":
      let items = try iterate(value, span)
      if let attribute = arguments.keyword.first(where: { $0.label == "attribute" })?.value
        .stringValue
      {
        return .list(
          try items.map { item throws(Interrupt) in try self.attribute(item, attribute, span) })
      }
      guard let filter = first?.stringValue else {
        throw fail("`map` needs a filter name or `attribute=`", span)
      }
      let rest = Arguments(
        positional: Array(arguments.positional.dropFirst()), keyword: [], range: arguments.range)
      return .list(
        try items.map { item throws(Interrupt) in try applyFilter(filter, item, rest, span) })
    case "items":
      guard case .dict(let entries) = value else { throw fail("`items` expects a dict", span) }
      return .list(entries.map { .list([.string($0.key), $0.value]) })
    case "tojson": return .string(Filters.json(value))
    case "wordcount": return .integer(value.rendered.split(whereSeparator: \.isWhitespace).count)
    default:
      if let result = try applyMoreFilter(name, value, arguments, span) { return result }
      throw fail(
        "unknown filter `\(name)`", span, hint: Suggestions.didYouMean(name, in: Filters.names))
    }
  }

  func applyTest(_ name: String, _ value: Value, _ arguments: Arguments, _ span: Span)
    throws(Interrupt) -> Bool
  {
    let first = arguments.positional.first ?? .none
    switch name {
    case "defined":
      if case .undefined = value { return false }
      return true
    case "undefined":
      if case .undefined = value { return true }
      return false
    case "none":
      if case .none = value { return true }
      return false
    case "string":
      if case .string = value { return true }
      return false
    case "number":
      switch value {
      case .integer, .double: return true
      default: return false
      }
    case "integer":
      if case .integer = value { return true }
      return false
    case "float":
      if case .double = value { return true }
      return false
    case "boolean":
      if case .bool = value { return true }
      return false
    case "mapping":
      if case .dict = value { return true }
      if case .object(let object) = value { return object.isMapping }
      return false
    case "sequence", "iterable":
      switch value {
      case .list, .string, .dict: return true
      default: return false
      }
    case "true": return value == .bool(true)
    case "false": return value == .bool(false)
    case "even", "odd":
      guard case .integer(let number) = value else {
        throw fail("`\(name)` expects an integer", span)
      }
      return (number % 2 == 0) == (name == "even")
    case "divisibleby":
      guard case .integer(let number) = value, case .integer(let divisor) = first, divisor != 0
      else {
        throw fail("`divisibleby` expects two integers, the second not zero", span)
      }
      return number % divisor == 0
    case "eq", "equalto", "sameas": return value == first
    case "ne": return value != first
    case "in":
      return try evaluateBinary(.in, .literal(value, span), .literal(first, span), span).isTruthy
    default:
      if let result = try moreTest(name, value, arguments, span) { return result }
      let known = [
        "defined", "undefined", "none", "string", "number", "integer", "float", "boolean",
        "mapping",
        "sequence", "iterable", "true", "false", "even", "odd", "divisibleby", "eq", "ne", "in",
        "gt", "ge", "lt", "le", "lower", "upper", "callable", "sameas",
      ]
      throw fail("unknown test `\(name)`", span, hint: Suggestions.didYouMean(name, in: known))
    }
  }
}
