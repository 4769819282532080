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
  /// Whether `is mapping` holds (dbt's relations are mappings); most objects are not.
  var isMapping: Bool { get }
  /// The value of a non-callable attribute, or nil when the object has none by that name.
  func attribute(_ name: String) -> Value?
  /// Whether `object.name(...)` is a method of this object.
  func hasMethod(_ name: String) -> Bool
  /// Calls a method; errors are diagnostics located at the call.
  func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value
  /// Python's `==` against another object.
  func isEqual(to other: any TemplateObject) -> Bool
  /// `self op other` (`other op self` when `reversed`) for objects with arithmetic, such as
  /// dates and durations; nil when the object does not support the operation.
  func binary(_ op: BinaryOperator, _ other: Value, reversed: Bool) throws(Diagnostic) -> Value?
  /// The order of `self` against another value for `<`, `>=`, ...; nil when not comparable.
  func compare(to other: Value) -> Int?
  /// The items `for`, `length` and `list()` see, or nil when the object is no sequence.
  var elements: [Value]? { get }
  /// `object[key]`, or nil when the object cannot be indexed by that key.
  func item(_ key: Value) -> Value?
}

extension TemplateObject {
  /// Objects are true unless they say otherwise.
  public var isTruthy: Bool { true }

  /// Objects are not mappings unless they say so.
  public var isMapping: Bool { false }
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

  /// Objects without arithmetic.
  public func binary(_ op: BinaryOperator, _ other: Value, reversed: Bool) throws(Diagnostic)
    -> Value?
  { nil }

  /// Objects without an order.
  public func compare(to other: Value) -> Int? { nil }

  /// Objects of one type are equal when they render the same text.
  public func isEqual(to other: any TemplateObject) -> Bool {
    typeName == other.typeName && rendered == other.rendered
  }
}
