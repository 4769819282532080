public import Diagnostics
public import Template

/// `run_query(...)`'s result as templates see it, after agate's `Table`: `rows`, `columns`,
/// `column_names`, `print_table()`, `length` and iteration over rows.
public struct QueryTableObject: TemplateObject {
  /// The result shown.
  public let table: QueryTable

  /// Wraps a result.
  public init(_ table: QueryTable) { self.table = table }

  /// The type name shown in errors.
  public var typeName: String { "table" }
  /// How `{{ table }}` renders.
  public var rendered: String { "<agate.Table: \(table.rows.count) rows>" }

  /// The rows, so that `for row in table` and `table | length` work as on agate's table.
  public var elements: [Value]? { rows }

  /// `table[i]` is the i-th row.
  public func item(_ key: Value) -> Value? { KeyedList(rows, keys: nil).item(key) }

  var rows: [Value] {
    table.rows.map { .object(QueryRowObject(names: table.columnNames, values: $0)) }
  }

  /// `rows`, `columns` (by position or name) and `column_names`.
  public func attribute(_ name: String) -> Value? {
    switch name {
    case "rows": return .object(KeyedList(rows, keys: nil))
    case "columns":
      let columns = table.columnNames.indices.map { position in
        Value.object(
          QueryColumnObject(
            name: table.columnNames[position], values: table.rows.map { $0[position] }))
      }
      return .object(KeyedList(columns, keys: table.columnNames))
    case "column_names": return .list(table.columnNames.map { .string($0) })
    default: return nil
    }
  }

  /// `print_table()`.
  public func hasMethod(_ name: String) -> Bool { name == "print_table" }

  /// Prints the table to standard output, one line per row, as agate's `print_table` does.
  public func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    let limit = arguments.value(0, "max_rows").flatMap { value -> Int? in
      if case .integer(let number) = value { return number }
      return nil
    }
    var lines = ["| " + table.columnNames.joined(separator: " | ") + " |"]
    for row in table.rows.prefix(limit ?? table.rows.count) {
      lines.append(
        "| " + row.map { $0 == .none ? "" : $0.rendered }.joined(separator: " | ") + " |")
    }
    print(lines.joined(separator: "\n"))
    return .none
  }
}

/// A list whose items may also be found by name (agate's `MappedSequence`).
public struct KeyedList: TemplateObject {
  let items: [Value]
  let keys: [String]?

  init(_ items: [Value], keys: [String]?) {
    self.items = items
    self.keys = keys
  }

  /// The type name shown in errors.
  public var typeName: String { "sequence" }
  /// Like a Python list.
  public var rendered: String { Value.list(items).representation }
  /// True when not empty.
  public var isTruthy: Bool { !items.isEmpty }
  /// The items.
  public var elements: [Value]? { items }

  /// By position (negative from the end) or, when the list has keys, by name.
  public func item(_ key: Value) -> Value? {
    switch key {
    case .integer(let position):
      let resolved = position < 0 ? items.count + position : position
      return items.indices.contains(resolved) ? items[resolved] : nil
    case .string(let name):
      guard let position = keys?.firstIndex(of: name) else { return nil }
      return items[position]
    default: return nil
    }
  }

  /// None.
  public func attribute(_ name: String) -> Value? { nil }
}

/// One row of a query result: indexable by position and by column name, iterable.
public struct QueryRowObject: TemplateObject {
  let names: [String]
  let values: [Value]

  /// The type name shown in errors.
  public var typeName: String { "row" }
  /// Like a Python tuple.
  public var rendered: String { "(" + values.map(\.representation).joined(separator: ", ") + ")" }
  /// The values.
  public var elements: [Value]? { values }
  /// By position or by column name.
  public func item(_ key: Value) -> Value? { KeyedList(values, keys: names).item(key) }
  /// A column's value by name, as agate rows allow (`row.id`).
  public func attribute(_ name: String) -> Value? {
    names.firstIndex(of: name).map { values[$0] }
  }
  /// `keys()` and `values()`, as agate rows have them.
  public func hasMethod(_ name: String) -> Bool { name == "keys" || name == "values" }
  /// Calls `keys()` or `values()`.
  public func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    name == "keys" ? .list(names.map { .string($0) }) : .list(values)
  }
}

/// One column of a query result: `name` and `values()`.
public struct QueryColumnObject: TemplateObject {
  let name: String
  let values: [Value]

  /// The type name shown in errors.
  public var typeName: String { "column" }
  /// The column's name.
  public var rendered: String { "<agate.Column \(name)>" }
  /// The values, so the column iterates like agate's.
  public var elements: [Value]? { values }
  /// By row position.
  public func item(_ key: Value) -> Value? { KeyedList(values, keys: nil).item(key) }
  /// `name`.
  public func attribute(_ name: String) -> Value? { name == "name" ? .string(self.name) : nil }
  /// `values()`.
  public func hasMethod(_ name: String) -> Bool { name == "values" }
  /// The column's values as a list.
  public func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    .list(values)
  }
}
