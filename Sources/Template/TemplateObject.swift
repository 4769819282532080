public import Diagnostics

/// A value with attributes and methods defined outside the template language, such as a
/// relation, a column or the `adapter`: the hook through which a runtime gives templates
/// objects without the engine knowing them.
public protocol TemplateObject: Sendable {
  /// The object's type name, for error messages (`relation`, `column`, ...).
  var typeName: String { get }
  /// The text `{{ object }}` writes.
  var rendered: String { get }
  /// Whether the object counts as true in `if`; most objects do.
  var isTruthy: Bool { get }
  /// The value of a non-callable attribute, or nil when the object has none by that name.
  func attribute(_ name: String) -> Value?
  /// Whether `object.name(...)` is a method of this object.
  func hasMethod(_ name: String) -> Bool
  /// Calls a method; errors are diagnostics located at the call.
  func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value
  /// Python's `==` against another object.
  func isEqual(to other: any TemplateObject) -> Bool
  /// The items `for`, `length` and `list()` see, or nil when the object is no sequence.
  var elements: [Value]? { get }
  /// `object[key]`, or nil when the object cannot be indexed by that key.
  func item(_ key: Value) -> Value?
}

extension TemplateObject {
  /// Objects are true unless they say otherwise.
  public var isTruthy: Bool { true }

  /// Objects are no sequences unless they say otherwise.
  public var elements: [Value]? { nil }

  /// Objects cannot be indexed unless they say otherwise.
  public func item(_ key: Value) -> Value? { nil }

  /// Objects without methods.
  public func hasMethod(_ name: String) -> Bool { false }

  /// Objects without methods.
  public func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    throw .error(
      "template.evaluation", "\(typeName) has no method `\(name)`", at: arguments.range)
  }

  /// Objects of one type are equal when they render the same text.
  public func isEqual(to other: any TemplateObject) -> Bool {
    typeName == other.typeName && rendered == other.rendered
  }
}
