import Diagnostics
import Foundation

/// A MetricFlow filter call: `Dimension('customer__country')`,
/// `TimeDimension('metric_time', 'month')`, `Entity('customer')`, optionally followed by
/// `.grain('month')`.
struct TemplateCall: Equatable {
  var function: String
  var arguments: [String]
  var grain: String?
  /// `Metric(...)` only: its `group_by=[...]` entities.
  var groupBy: [String] = []

  /// Replaces each `{{ call }}` of a filter with `resolve(call)`.
  static func render(
    _ filter: String, at range: SourceRange?, resolve: (TemplateCall) throws(Diagnostic) -> String
  ) throws(Diagnostic) -> String {
    var output = ""
    var rest = Substring(filter)
    while let open = rest.range(of: "{{") {
      output += rest[..<open.lowerBound]
      guard let close = rest[open.upperBound...].range(of: "}}") else {
        throw .error("metrics.filter", "unclosed `{{` in filter `\(filter)`", at: range)
      }
      let inner = rest[open.upperBound..<close.lowerBound]
      output += try resolve(parse(String(inner), in: filter, at: range))
      rest = rest[close.upperBound...]
    }
    return output + rest
  }

  /// A group-by name, from either a bare name or a call.
  static func normalizedName(_ raw: String) throws(Diagnostic) -> String {
    var text = trimmed(raw)
    if text.hasPrefix("{{"), text.hasSuffix("}}") { text = trimmed(text.dropFirst(2).dropLast(2)) }
    guard text.contains("(") else { return text }
    let call = try parse(text, in: raw, at: nil)
    switch call.function {
    case "TimeDimension":
      let grain = call.arguments.count > 1 ? call.arguments[1] : call.grain
      return call.arguments[0] + (grain.map { "__" + $0 } ?? "")
    default:
      return call.arguments[0] + (call.grain.map { "__" + $0 } ?? "")
    }
  }

  static func trimmed(_ text: some StringProtocol) -> String {
    String(text).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Parses `Name('a', 'b')` with an optional `.grain('g')`.
  static func parse(_ source: String, in filter: String, at range: SourceRange?) throws(Diagnostic)
    -> TemplateCall
  {
    let text = trimmed(source)
    let bad = Diagnostic.error(
      "metrics.filter", "cannot read `{{ \(text) }}` in filter `\(filter)`", at: range,
      hint: "write {{ Dimension('entity__name') }}, {{ TimeDimension('metric_time', 'month') }} "
        + "or {{ Entity('name') }} or {{ Metric('name', group_by=['entity']) }}")
    if text.hasPrefix("Metric(") { return try metricCall(text, bad: bad) }
    guard let open = text.firstIndex(of: "("), let close = text.firstIndex(of: ")"), open < close
    else { throw bad }
    let function = trimmed(text[..<open])
    let arguments =
      try text[text.index(after: open)..<close].split(separator: ",").map {
        (part) throws(Diagnostic) -> String in
        let argument = trimmed(part)
        guard argument.count >= 2, let quote = argument.first, quote == "'" || quote == "\"",
          argument.last == quote
        else { throw bad }
        return String(argument.dropFirst().dropLast())
      } as [String]
    guard !arguments.isEmpty, ["Dimension", "TimeDimension", "Entity"].contains(function) else {
      throw bad
    }
    var call = TemplateCall(function: function, arguments: arguments)
    let tail = trimmed(text[text.index(after: close)...])
    if !tail.isEmpty {
      // `.grain('month')`
      guard tail.hasPrefix(".grain("), tail.hasSuffix(")") else { throw bad }
      let argument = trimmed(tail.dropFirst(7).dropLast())
      guard argument.count >= 2 else { throw bad }
      call.grain = String(argument.dropFirst().dropLast())
    }
    return call
  }

  /// `Metric('name', group_by=['entity', ...])`.
  private static func metricCall(_ text: String, bad: Diagnostic) throws(Diagnostic)
    -> TemplateCall
  {
    guard text.hasSuffix(")") else { throw bad }
    let inner = trimmed(text.dropFirst("Metric(".count).dropLast())
    var name = inner
    var groupBy: [String] = []
    if let comma = inner.firstIndex(of: ",") {
      name = trimmed(inner[..<comma])
      let rest = trimmed(inner[inner.index(after: comma)...])
      let list = rest.hasPrefix("group_by") ? trimmed(rest.dropFirst("group_by".count)) : ""
      guard list.hasPrefix("="), case let value = trimmed(list.dropFirst()),
        value.hasPrefix("["), value.hasSuffix("]")
      else { throw bad }
      groupBy = try value.dropFirst().dropLast().split(separator: ",").map {
        (part) throws(Diagnostic) -> String in try unquoted(part, bad: bad)
      }
    }
    return TemplateCall(
      function: "Metric", arguments: [try unquoted(name, bad: bad)], groupBy: groupBy)
  }

  private static func unquoted(_ text: some StringProtocol, bad: Diagnostic) throws(Diagnostic)
    -> String
  {
    let argument = trimmed(text)
    guard argument.count >= 2, let quote = argument.first, quote == "'" || quote == "\"",
      argument.last == quote
    else { throw bad }
    return String(argument.dropFirst().dropLast())
  }
}
