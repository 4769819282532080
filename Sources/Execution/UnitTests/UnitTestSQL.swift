package import Adapter
package import Compiler
package import Diagnostics
package import Template

/// A column of a unit test's input or output: its name and its type as the engine writes it.
package struct UnitTestColumn: Sendable, Equatable {
  package var name: String
  package var type: String

  /// Creates a column.
  package init(name: String, type: String) {
    self.name = name
    self.type = type
  }
}

/// What an undeclared fixture column's values look like; each engine names the type.
package enum InferredColumnType: Sendable, Equatable {
  case boolean, integer, decimal, date, timestamp, string

  /// The kind a value given for a column suggests (dbt types such columns from the rows).
  package init(of value: Value) {
    switch value {
    case .bool: self = .boolean
    case .integer: self = .integer
    case .double: self = .decimal
    case .string(let text) where text.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil: self = .date
    case .string(let text)
    where text.wholeMatch(of: /\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?/) != nil:
      self = .timestamp
    default: self = .string
    }
  }
}

/// Runs one statement for a unit test, failures located at the unit test.
package typealias UnitTestQuery = (String) throws(Diagnostic) -> QueryResult

/// The part of a unit test each engine writes its own way: catalog and output types, type
/// names, and how values compare as text. The rest (fixtures, the comparison, the difference
/// table) is `UnitTestRunner`'s, the same on every engine.
package protocol UnitTestSQL: Sendable {
  /// The columns of `relation` in the catalog, in order, with types fixtures may be cast to
  /// (character types without a length); empty when the relation does not exist.
  func catalogColumns(of relation: RelationName, running query: UnitTestQuery)
    throws(Diagnostic) -> [UnitTestColumn]
  /// The columns a query returns, with their types (`relation` is `(query) as alias`).
  func outputColumns(of relation: String, running query: UnitTestQuery)
    throws(Diagnostic) -> [UnitTestColumn]
  /// The type of a column typed from its values.
  func typeName(_ inferred: InferredColumnType) -> String
  /// A column's values as text, equal exactly when the values are (`10.5` and `10.50` too).
  func comparedText(_ quotedColumn: String, type: String) -> String
  /// An identifier quoted.
  func quoteIdentifier(_ name: String) -> String
  /// A string literal.
  func quoteLiteral(_ value: String) -> String
}
