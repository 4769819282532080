public import Diagnostics
import Foundation
import OrderedCollections
public import Template
import Yams

/// dbt's context functions that need no host: `fromjson`, `tojson`, `fromyaml`, `toyaml`,
/// `print`, `log`, `local_md5`, `set`, `set_strict`.
struct ContextFunctions: TemplateObject {
  let scope: RenderScope

  var typeName: String { "context" }
  var rendered: String { "<context>" }
  func attribute(_ name: String) -> Value? { nil }
  func hasMethod(_ name: String) -> Bool { RenderScope.names.contains(name) }

  func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    let first = arguments.positional.first ?? arguments.keyword.first?.value ?? .none
    switch name {
    case "fromjson", "fromyaml":
      let text = try arguments.string(0, "string", function: name)
      do {
        return try ContextFunctions.parse(text)
      } catch {
        // dbt returns the default (None) when the text does not parse.
        return arguments.value(1, "default") ?? .none
      }
    case "tojson":
      var sortKeys = false
      if case .bool(let flag)? = arguments.value(1, "sort_keys") { sortKeys = flag }
      return .string(ContextFunctions.json(first, sortKeys: sortKeys))
    case "toyaml":
      var sortKeys = false
      if case .bool(let flag)? = arguments.value(2, "sort_keys") { sortKeys = flag }
      do {
        return .string(try Yams.serialize(node: ContextFunctions.node(first), sortKeys: sortKeys))
      } catch {
        return arguments.value(1, "default") ?? .none
      }
    case "print":
      scope.invocation.print(arguments.positional.map(\.rendered).joined(separator: " "))
      return .string("")
    case "log":
      var info = false
      if let flag = arguments.value(1, "info") { info = flag.isTruthy }
      if info {
        let message = first.rendered
        let occurrence = scope.occurrence(of: message)
        scope.invocation.log(message, key: "\(scope.node)\u{0}\(occurrence)\u{0}\(message)")
      }
      return .string("")
    case "local_md5":
      return .string(MD5.hex(Array(first.rendered.utf8)))
    case "set", "set_strict":
      guard case .list(let items) = first else {
        if name == "set" { return arguments.value(1, "default") ?? .none }
        throw .error(
          "template.value", "`set_strict` expects a list, got \(first.typeName)",
          at: arguments.range)
      }
      var unique: [Value] = []
      for item in items where !unique.contains(item) { unique.append(item) }
      // Sorted, so that two sets of the same items compare equal (dbt_utils' `equality`
      // compares the column sets of two relations); a Python set has no order either.
      return .list(unique.sorted(by: ContextFunctions.setOrder))
    default:
      throw .error("template.evaluation", "unknown function `\(name)`", at: arguments.range)
    }
  }

  /// A total order on set members: numbers by value, then strings, then the rest by their
  /// representation.
  static func setOrder(_ a: Value, _ b: Value) -> Bool {
    func number(_ value: Value) -> Double? {
      switch value {
      case .integer(let n): Double(n)
      case .double(let n): n
      default: nil
      }
    }
    switch (number(a), number(b), a, b) {
    case (let x?, let y?, _, _): return x < y
    case (.some, nil, _, _): return true
    case (nil, .some, _, _): return false
    case (_, _, .string(let x), .string(let y)): return x < y
    case (_, _, .string, _): return true
    case (_, _, _, .string): return false
    default: return a.representation < b.representation
    }
  }

  /// JSON text of a value; Python's `json.dumps` spacing.
  static func json(_ value: Value, sortKeys: Bool) -> String {
    guard sortKeys, case .dict(let entries) = value else {
      if case .list(let items) = value, sortKeys {
        return "[" + items.map { json($0, sortKeys: true) }.joined(separator: ", ") + "]"
      }
      return value.jsonText
    }
    return "{"
      + entries.keys.sorted().map { key in
        Value.string(key).jsonText + ": " + json(entries[key] ?? .none, sortKeys: true)
      }.joined(separator: ", ") + "}"
  }

  /// A JSON or YAML document as a value, keys in document order.
  static func parse(_ text: String) throws -> Value {
    guard let node = try Yams.compose(yaml: text) else { return .none }
    return value(of: node)
  }

  static func value(of node: Node) -> Value {
    switch node {
    case .scalar(let scalar):
      switch Tag.Name(rawValue: node.tag.rawValue) {
      case .null: return .none
      case .bool: return node.bool.map { .bool($0) } ?? .string(scalar.string)
      case .int: return node.int.map { .integer($0) } ?? .string(scalar.string)
      case .float: return node.float.map { .double($0) } ?? .string(scalar.string)
      default: return .string(scalar.string)
      }
    case .sequence(let sequence):
      return .list(sequence.map { value(of: $0) })
    case .mapping(let mapping):
      var entries = OrderedDictionary<String, Value>()
      for (key, item) in mapping { entries[key.string ?? ""] = value(of: item) }
      return .dict(entries)
    case .alias:
      return .none
    }
  }

  static func node(_ value: Value) -> Node {
    switch value {
    case .none, .undefined: return Node("null", Tag(.null))
    case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool))
    case .integer(let number): return Node(String(number), Tag(.int))
    case .double(let number): return Node(String(number), Tag(.float))
    case .string(let text):
      return Node(text, Tag(.str), ContextFunctions.needsQuotes(text) ? .singleQuoted : .any)
    case .list(let items): return Node(items.map(node))
    case .dict(let entries): return Node(entries.map { (Node($0.key), node($0.value)) })
    default: return Node(value.rendered)
    }
  }

  /// Whether a plain scalar would read back as another type (`'1'`, `'true'`, `''`).
  static func needsQuotes(_ text: String) -> Bool {
    guard let node = try? Yams.compose(yaml: text) else { return true }
    return Tag.Name(rawValue: node.tag.rawValue) != .str || text.isEmpty
  }
}
