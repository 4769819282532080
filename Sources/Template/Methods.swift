import Diagnostics
import Foundation
import OrderedCollections

/// String methods beyond the basic ones, with Python's semantics.
extension Evaluator {
  /// The result of `text.name(...)` for the methods below, or nil for an unknown name.
  func moreStringMethod(_ name: String, _ text: String, _ arguments: Arguments, _ span: Span)
    throws(Interrupt) -> Value?
  {
    let first = arguments.positional.first
    switch name {
    case "str.format": return .string(try Methods.format(text, arguments, span, self))
    case "str.find":
      guard let needle = first?.stringValue, let range = text.range(of: needle) else {
        return .integer(-1)
      }
      return .integer(text.distance(from: text.startIndex, to: range.lowerBound))
    case "str.isdigit": return .bool(!text.isEmpty && text.allSatisfy(\.isNumber))
    case "str.isalpha": return .bool(!text.isEmpty && text.allSatisfy(\.isLetter))
    case "str.isupper":
      return .bool(text.contains(where: \.isLetter) && text == text.uppercased())
    case "str.islower":
      return .bool(text.contains(where: \.isLetter) && text == text.lowercased())
    case "str.zfill":
      guard case .integer(let width)? = first else { throw fail("`zfill` expects a width", span) }
      let pad = String(repeating: "0", count: max(0, min(width, 10_000) - text.count))
      if let sign = text.first, sign == "-" || sign == "+" {
        return .string(String(sign) + pad + text.dropFirst())
      }
      return .string(pad + text)
    default: return nil
    }
  }
}

/// Python's `str.format`.
enum Methods {
  /// Replaces `{}`, `{0}` and `{name}` fields (a `:spec` is ignored); `{{` and `}}` are braces.
  static func format(
    _ text: String, _ arguments: Arguments, _ span: Span, _ evaluator: Evaluator
  ) throws(Evaluator.Interrupt) -> String {
    var result = ""
    var automatic = 0
    var index = text.startIndex
    while index < text.endIndex {
      let character = text[index]
      let next = text.index(after: index)
      if character == "}" {
        if next < text.endIndex, text[next] == "}" {
          index = text.index(after: next)
        } else {
          index = next
        }
        result.append("}")
        continue
      }
      guard character == "{" else {
        result.append(character)
        index = next
        continue
      }
      if next < text.endIndex, text[next] == "{" {
        result.append("{")
        index = text.index(after: next)
        continue
      }
      guard let close = text[next...].firstIndex(of: "}") else {
        throw evaluator.fail("single `{` in format string", span)
      }
      let field =
        text[next..<close].split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
      let value: Value?
      if field.isEmpty {
        value = automatic < arguments.positional.count ? arguments.positional[automatic] : nil
        automatic += 1
      } else if let position = Int(field) {
        value = position < arguments.positional.count ? arguments.positional[position] : nil
      } else {
        value = arguments.keyword.first { $0.label == field }?.value
      }
      guard let value else {
        throw evaluator.fail("format string needs a value for `{\(field)}`", span)
      }
      result += value.rendered
      index = text.index(after: close)
    }
    return result
  }
}

/// `relation.get(key, default)` on a relation whose name is still a placeholder.
extension Evaluator {
  /// dbt's relations are mappings (`to_dict()`); packages check `relation.get('metadata')`'s
  /// `type` ends with `Relation` before they accept one (dbt_utils' `_is_relation`).
  func relationGet(_ receiver: Value, _ arguments: Arguments, _ span: Span) throws(Interrupt)
    -> Value
  {
    guard case .relation(let relation) = receiver else { return .none }
    let key = arguments.positional.first?.stringValue ?? ""
    switch key {
    case "metadata": return .dict(["type": .string("Relation")])
    case "database", "schema", "identifier", "name", "table":
      return try attribute(receiver, key, span)
    case "path":
      return .dict([
        "database": .relation(.init(index: relation.index, part: .database)),
        "schema": .relation(.init(index: relation.index, part: .schema)),
        "identifier": .relation(.init(index: relation.index, part: .identifier)),
      ])
    default: return arguments.positional.dropFirst().first ?? .none
    }
  }
}
