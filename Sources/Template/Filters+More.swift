import Diagnostics
import Foundation
import OrderedCollections

/// Jinja's list filters (`select`, `selectattr`, `batch`, `sort`, ...), numeric filters with
/// their keyword arguments, dbt's `as_*` conversions, and tests beyond the basic ones.
extension Evaluator {
  /// The result of the filters below, or nil for an unknown name.
  func applyMoreFilter(_ name: String, _ value: Value, _ arguments: Arguments, _ span: Span)
    throws(Interrupt) -> Value?
  {
    let first = arguments.positional.first
    func keyword(_ label: String, _ position: Int) -> Value? {
      arguments.value(position, label)
    }
    switch name {
    case "select", "reject":
      return .list(
        try selectItems(value, arguments, byAttribute: false, keep: name == "select", span))
    case "selectattr", "rejectattr":
      return .list(
        try selectItems(value, arguments, byAttribute: true, keep: name == "selectattr", span))
    case "sort":
      let reverse = keyword("reverse", 0)?.isTruthy ?? false
      let caseSensitive = keyword("case_sensitive", 1)?.isTruthy ?? false
      let attribute = keyword("attribute", 2)?.stringValue
      let keyed = try iterate(value, span).map { item throws(Interrupt) in
        (item, try sortKey(item, attribute, caseSensitive, span))
      }
      // A stable sort, as Python's: equal keys keep their order, also when reversed.
      let sorted = keyed.enumerated().sorted { left, right in
        let order = compare(left.element.1, right.element.1) ?? 0
        if order != 0 { return reverse ? order > 0 : order < 0 }
        return left.offset < right.offset
      }
      return .list(sorted.map(\.element.0))
    case "unique":
      let caseSensitive = keyword("case_sensitive", 0)?.isTruthy ?? false
      let attribute = keyword("attribute", 1)?.stringValue
      var seen: [Value] = []
      var kept: [Value] = []
      for item in try iterate(value, span) {
        let key = try sortKey(item, attribute, caseSensitive, span)
        if !seen.contains(key) {
          seen.append(key)
          kept.append(item)
        }
      }
      return .list(kept)
    case "min", "max":
      let caseSensitive = keyword("case_sensitive", 0)?.isTruthy ?? false
      let attribute = keyword("attribute", 1)?.stringValue
      var best: (item: Value, key: Value)?
      for item in try iterate(value, span) {
        let key = try sortKey(item, attribute, caseSensitive, span)
        guard let current = best else {
          best = (item, key)
          continue
        }
        if let order = compare(key, current.key), name == "min" ? order < 0 : order > 0 {
          best = (item, key)
        }
      }
      return best?.item ?? .undefined
    case "sum":
      let attribute = keyword("attribute", 0)?.stringValue
      var total = keyword("start", 1) ?? .integer(0)
      for item in try iterate(value, span) {
        let term =
          try attribute.map { path throws(Interrupt) in try lookup(item, path, span) } ?? item
        total = try evaluateBinary(.add, .literal(total, span), .literal(term, span), span)
      }
      return total
    case "round":
      guard let number = number(value) else { throw fail("`round` expects a number", span) }
      var digits = 0
      if case .integer(let places)? = keyword("precision", 0) { digits = min(max(places, 0), 15) }
      var scale = 1.0
      for _ in 0..<digits { scale *= 10 }
      let rule: FloatingPointRoundingRule
      switch keyword("method", 1)?.stringValue ?? "common" {
      case "common": rule = .toNearestOrEven
      case "ceil": rule = .up
      case "floor": rule = .down
      default: throw fail("`round` method must be `common`, `ceil` or `floor`", span)
      }
      return .double((number * scale).rounded(rule) / scale)
    case "indent":
      var pad = String(repeating: " ", count: 4)
      switch keyword("width", 0) {
      case .integer(let width)?: pad = String(repeating: " ", count: min(max(0, width), 256))
      case .string(let text)?: pad = text
      default: break
      }
      let indentFirst = keyword("first", 1)?.isTruthy ?? false
      let indentBlank = keyword("blank", 2)?.isTruthy ?? false
      return .string(
        value.rendered.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
          .map { line in
            let skip = (line.offset == 0 && !indentFirst) || (line.element.isEmpty && !indentBlank)
            return skip ? String(line.element) : pad + line.element
          }
          .joined(separator: "\n"))
    case "batch":
      guard case .integer(let size)? = first, size > 0 else {
        throw fail("`batch` expects a positive size", span)
      }
      let items = try iterate(value, span)
      var batches: [Value] = []
      var start = 0
      while start < items.count {
        var batch = Array(items[start..<min(start + size, items.count)])
        if batch.count < size, let fill = arguments.value(1, "fill_with") {
          batch += Array(repeating: fill, count: size - batch.count)
        }
        batches.append(.list(batch))
        start += size
      }
      return .list(batches)
    case "slice":
      guard case .integer(let count)? = first, count > 0 else {
        throw fail("`slice` expects a positive number of slices", span)
      }
      let items = try iterate(value, span)
      let perSlice = items.count / count
      let withExtra = items.count % count
      var offset = 0
      var slices: [Value] = []
      for number in 0..<min(count, 100_000) {
        let start = offset + number * perSlice
        if number < withExtra { offset += 1 }
        var part = Array(items[start..<(offset + (number + 1) * perSlice)])
        if number >= withExtra, let fill = arguments.value(1, "fill_with") { part.append(fill) }
        slices.append(.list(part))
      }
      return .list(slices)
    case "dictsort":
      guard case .dict(let entries) = value else { throw fail("`dictsort` expects a dict", span) }
      let caseSensitive = keyword("case_sensitive", 0)?.isTruthy ?? false
      let byValue = keyword("by", 1)?.stringValue == "value"
      let reverse = keyword("reverse", 2)?.isTruthy ?? false
      let pairs = try entries.map { entry throws(Interrupt) in
        (entry, try sortKey(byValue ? entry.value : .string(entry.key), nil, caseSensitive, span))
      }
      let sorted = pairs.sorted { (compare($0.1, $1.1) ?? 0) < 0 }
      let ordered = reverse ? Array(sorted.reversed()) : sorted
      return .list(ordered.map { .list([.string($0.0.key), $0.0.value]) })
    case "as_text": return .string(value.rendered)
    case "as_native": return Filters.native(value)
    case "as_number":
      let native = Filters.native(value)
      switch native {
      case .integer, .double: return native
      default: throw fail("`as_number` expects a number, got \(value.representation)", span)
      }
    case "as_bool":
      let native = Filters.native(value)
      if case .string(let text) = native {
        switch text.lowercased() {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: throw fail("`as_bool` expects a boolean, got \(value.representation)", span)
        }
      }
      if case .bool = native { return native }
      throw fail("`as_bool` expects a boolean, got \(value.representation)", span)
    case "format":
      return .string(try Filters.percentFormat(value.rendered, arguments.positional, span, self))
    default:
      return nil
    }
  }

  /// The items of a sequence for which a test (or an attribute's test) holds, or does not.
  private func selectItems(
    _ value: Value, _ arguments: Arguments, byAttribute: Bool, keep: Bool, _ span: Span
  ) throws(Interrupt) -> [Value] {
    var rest = arguments.positional[...]
    var attribute: String?
    if byAttribute {
      guard let name = rest.popFirst()?.stringValue else {
        throw fail("`selectattr` and `rejectattr` need an attribute name", span)
      }
      attribute = name
    }
    let test = rest.popFirst()?.stringValue
    let testArguments = Arguments(positional: Array(rest), keyword: [], range: arguments.range)
    var kept: [Value] = []
    for item in try iterate(value, span) {
      let subject =
        try attribute.map { path throws(Interrupt) in try lookup(item, path, span) } ?? item
      let passes =
        try test.map { name throws(Interrupt) in
          try applyTest(name, subject, testArguments, span)
        } ?? subject.isTruthy
      if passes == keep { kept.append(item) }
    }
    return kept
  }

  /// An item's attribute by a dotted path (`a.b`, `items.0`), as Jinja's `attribute=` reads it.
  func lookup(_ item: Value, _ path: String, _ span: Span) throws(Interrupt) -> Value {
    var current = item
    for part in path.split(separator: ".") {
      if case .list = current, let position = Int(part) {
        current = try subscriptValueOrUndefined(current, position)
      } else if case .object(let object) = current, let position = Int(part) {
        current = object.item(.integer(position)) ?? .undefined
      } else if case .dict(let entries) = current {
        current = entries[String(part)] ?? .undefined
      } else {
        current = try attribute(current, String(part), span)
      }
    }
    return current
  }

  private func subscriptValueOrUndefined(_ value: Value, _ position: Int) throws(Interrupt) -> Value
  {
    guard case .list(let items) = value, items.indices.contains(position) else { return .undefined }
    return items[position]
  }

  private func sortKey(_ item: Value, _ attribute: String?, _ caseSensitive: Bool, _ span: Span)
    throws(Interrupt) -> Value
  {
    let key = try attribute.map { path throws(Interrupt) in try lookup(item, path, span) } ?? item
    if !caseSensitive, case .string(let text) = key { return .string(text.lowercased()) }
    return key
  }

  /// Tests beyond the basic ones: comparisons, case, callability.
  func moreTest(_ name: String, _ value: Value, _ arguments: Arguments, _ span: Span)
    throws(Interrupt) -> Bool?
  {
    let other = arguments.positional.first ?? .none
    switch name {
    case "gt", ">", "greaterthan", "ge", ">=", "lt", "<", "lessthan", "le", "<=":
      guard let order = compare(value, other) else {
        throw fail("cannot compare \(value.typeName) with \(other.typeName)", span)
      }
      switch name {
      case "gt", ">", "greaterthan": return order > 0
      case "ge", ">=": return order >= 0
      case "lt", "<", "lessthan": return order < 0
      default: return order <= 0
      }
    case "==": return value == other
    case "!=": return value != other
    case "lower":
      guard case .string(let text) = value else { return false }
      return text == text.lowercased()
    case "upper":
      guard case .string(let text) = value else { return false }
      return text == text.uppercased()
    case "callable":
      switch value {
      case .macro, .function: return true
      default: return false
      }
    case "filter": return Filters.names.contains(value.stringValue ?? "")
    default: return nil
    }
  }
}

extension Filters {
  /// dbt's `as_native`: a string that spells a number, boolean or none becomes that value.
  static func native(_ value: Value) -> Value {
    guard case .string(let text) = value else { return value }
    let trimmed = strip(text, nil)
    if let number = Int(trimmed) { return .integer(number) }
    if let number = Double(trimmed), number.isFinite { return .double(number) }
    switch trimmed {
    case "True": return .bool(true)
    case "False": return .bool(false)
    case "None": return .none
    default: return value
    }
  }

  /// Python's `%` formatting for `%s`, `%r`, `%d`, `%i`, `%f` (with a precision) and `%%`.
  static func percentFormat(
    _ text: String, _ values: [Value], _ span: Span, _ evaluator: Evaluator
  ) throws(Evaluator.Interrupt) -> String {
    var result = ""
    var remaining = values[...]
    var characters = text[...]
    while let character = characters.popFirst() {
      guard character == "%" else {
        result.append(character)
        continue
      }
      var precision: Int?
      if characters.first == "." {
        characters.removeFirst()
        let digits = characters.prefix(while: \.isNumber)
        characters.removeFirst(digits.count)
        precision = Int(digits)
      }
      guard let conversion = characters.popFirst() else {
        throw evaluator.fail("incomplete format in \(Value.string(text).representation)", span)
      }
      if conversion == "%" {
        result.append("%")
        continue
      }
      guard let value = remaining.popFirst() else {
        throw evaluator.fail("not enough arguments for format string", span)
      }
      switch conversion {
      case "s": result += value.rendered
      case "r": result += value.representation
      case "d", "i":
        guard let number = evaluator.number(value) else {
          throw evaluator.fail("`%\(conversion)` needs a number, got \(value.typeName)", span)
        }
        result += String(Int(number.rounded(.towardZero)))
      case "f":
        guard let number = evaluator.number(value) else {
          throw evaluator.fail("`%f` needs a number, got \(value.typeName)", span)
        }
        result += String(format: "%.\(min(precision ?? 6, 30))f", number)
      default:
        throw evaluator.fail("unsupported format character `\(conversion)`", span)
      }
    }
    return result
  }
}
