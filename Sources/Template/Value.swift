public import OrderedCollections

/// A runtime value of the template language, modelled on Jinja's Python values.
public indirect enum Value: Sendable {
  case none
  /// A missing attribute or key: renders as nothing and is false, like Jinja's `Undefined`.
  case undefined
  case bool(Bool)
  case integer(Int)
  case double(Double)
  case string(String)
  case list([Value])
  case dict(OrderedDictionary<String, Value>)
  /// A macro, callable with arguments.
  case macro(MacroDefinition)
  /// A built-in function or bound method, resolved by name when called.
  case function(name: String, receiver: Value?)
  /// A relation the host will name later; rendered as a placeholder the compiler replaces.
  case relation(RelationPlaceholder)
  /// An object of the runtime (a relation, a column, `adapter`), see `TemplateObject`.
  case object(any TemplateObject)

  /// Python's truthiness.
  public var isTruthy: Bool {
    switch self {
    case .none, .undefined: false
    case .bool(let value): value
    case .integer(let value): value != 0
    case .double(let value): value != 0
    case .string(let value): !value.isEmpty
    case .list(let value): !value.isEmpty
    case .dict(let value): !value.isEmpty
    case .macro, .function, .relation: true
    case .object(let object): object.isTruthy
    }
  }

  /// The text `{{ value }}` writes: Python's `str()`.
  public var rendered: String {
    switch self {
    case .none: "None"
    case .undefined: ""
    case .bool(let value): value ? "True" : "False"
    case .integer(let value): String(value)
    case .double(let value): Value.format(value)
    case .string(let value): value
    case .list, .dict: representation
    case .macro(let macro): "<macro \(macro.name)>"
    case .function(let name, _): "<function \(name)>"
    case .relation(let relation): relation.placeholder
    case .object(let object): object.rendered
    }
  }

  /// Python's `repr()`, used inside lists and dicts.
  public var representation: String {
    switch self {
    case .string(let value):
      "'" + value.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
    case .list(let items): "[" + items.map(\.representation).joined(separator: ", ") + "]"
    case .dict(let entries):
      "{" + entries.map { "'\($0.key)': \($0.value.representation)" }.joined(separator: ", ") + "}"
    default: rendered
    }
  }

  /// The name of the value's type, for error messages.
  public var typeName: String {
    switch self {
    case .none: "none"
    case .undefined: "undefined"
    case .bool: "boolean"
    case .integer: "integer"
    case .double: "number"
    case .string: "string"
    case .list: "list"
    case .dict: "dict"
    case .macro: "macro"
    case .function: "function"
    case .relation: "relation"
    case .object(let object): object.typeName
    }
  }

  /// The string inside, if this is a string.
  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  static func format(_ value: Double) -> String {
    if value.isFinite, value == value.rounded(), abs(value) < 1e16 {
      return String(Int(value)) + ".0"
    }
    return String(value)
  }
}

extension Value: Equatable {
  /// Python's `==`: numbers compare across int and float; other types by value.
  public static func == (lhs: Value, rhs: Value) -> Bool {
    switch (lhs, rhs) {
    case (.none, .none), (.undefined, .undefined): true
    case (.bool(let a), .bool(let b)): a == b
    case (.integer(let a), .integer(let b)): a == b
    case (.integer(let a), .double(let b)): Double(a) == b
    case (.double(let a), .integer(let b)): a == Double(b)
    case (.double(let a), .double(let b)): a == b
    case (.string(let a), .string(let b)): a == b
    case (.list(let a), .list(let b)): a == b
    case (.dict(let a), .dict(let b)): a == b
    case (.relation(let a), .relation(let b)): a == b
    case (.macro(let a), .macro(let b)): a === b
    case (.function(let a, _), .function(let b, _)): a == b
    case (.object(let a), .object(let b)): a.isEqual(to: b)
    default: false
    }
  }
}

/// A reference to a relation recorded by the host, written as a placeholder into rendered text.
///
/// Rendering happens once, before every relation's final name is known (a model's own
/// `config(schema=...)` decides its name). The placeholder uses private-use code points, so it
/// survives string concatenation, `join` and macros, and the compiler swaps it for the quoted
/// name after linking.
public struct RelationPlaceholder: Sendable, Hashable {
  /// The part of the relation a placeholder stands for.
  public enum Part: String, Sendable {
    case full, schema, identifier, database
  }

  /// The host's index of the recorded relation.
  public let index: Int
  /// Which part of the name to write.
  public let part: Part

  /// Creates a placeholder.
  public init(index: Int, part: Part = .full) {
    self.index = index
    self.part = part
  }

  /// The first code point of a placeholder.
  public static let openMarker: Character = "\u{E000}"
  /// The last code point of a placeholder.
  public static let closeMarker: Character = "\u{E001}"

  /// The text written into the rendered output.
  public var placeholder: String {
    let suffix = part == .full ? "" : ":" + part.rawValue
    return "\(RelationPlaceholder.openMarker)\(index)\(suffix)\(RelationPlaceholder.closeMarker)"
  }
}
