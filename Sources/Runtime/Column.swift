public import Diagnostics
public import Template

/// A column as dbt templates see it (`name`, `data_type`, `quoted`, `is_string()`, ...),
/// with PostgreSQL's type names.
public struct ColumnObject: TemplateObject {
  /// The column's name.
  public let name: String
  /// The type as the database names it, without size (`character varying`, `numeric`).
  public let dtype: String
  /// The declared length of a string type.
  public let charSize: Int?
  /// The declared precision of a numeric type.
  public let numericPrecision: Int?
  /// The declared scale of a numeric type.
  public let numericScale: Int?
  /// How `quoted` quotes the name (`"x"` on PostgreSQL, `` `x` `` on Spark).
  public var dialect = RelationDialect.postgres

  /// Creates a column.
  public init(
    name: String, dtype: String, charSize: Int? = nil, numericPrecision: Int? = nil,
    numericScale: Int? = nil
  ) {
    self.name = name
    self.dtype = dtype
    self.charSize = charSize
    self.numericPrecision = numericPrecision
    self.numericScale = numericScale
  }

  /// A column from a full type such as `varchar(20)` or `numeric(28,6)`.
  public static func parsing(name: String, type: String) -> ColumnObject {
    guard let open = type.firstIndex(of: "("), let close = type.lastIndex(of: ")"), open < close
    else {
      return ColumnObject(name: name, dtype: type)
    }
    let base = String(type[..<open]).trimmedSpaces
    let sizes = type[type.index(after: open)..<close].split(separator: ",").map {
      Int(String($0).trimmedSpaces)
    }
    if sizes.count == 1, let size = sizes[0] {
      return ColumnObject(name: name, dtype: base, charSize: size)
    }
    if sizes.count == 2, let precision = sizes[0], let scale = sizes[1] {
      return ColumnObject(name: name, dtype: base, numericPrecision: precision, numericScale: scale)
    }
    return ColumnObject(name: name, dtype: type)
  }

  /// dbt's type labels (`string` is `TEXT`); other names pass through.
  public static func translateType(_ type: String) -> String {
    type.uppercased() == "STRING" ? "TEXT" : type
  }

  /// `numeric(28,6)`, or the bare type when a size is missing.
  static func numericType(_ type: String, _ precision: Value?, _ scale: Value?) -> String {
    guard let precision, let scale, precision != .none, scale != .none else { return type }
    return "\(type)(\(precision.rendered),\(scale.rendered))"
  }

  /// `character varying(n)`.
  static func stringType(_ size: Int) -> String { "character varying(\(size))" }

  /// Whether the type is one of PostgreSQL's string types.
  var isString: Bool {
    ["text", "character varying", "character", "varchar"].contains(dtype.lowercased())
  }
  /// Whether this string column is narrower than `other`, a string column too.
  func canExpand(to other: ColumnObject) -> Bool {
    isString && other.isString && other.stringSize > stringSize
  }
  /// Whether the type is an integer type.
  var isInteger: Bool {
    [
      "smallint", "integer", "bigint", "smallserial", "serial", "bigserial", "int2", "int4",
      "int8", "serial2", "serial4", "serial8",
    ].contains(dtype.lowercased())
  }
  /// Whether the type is a floating-point type.
  var isFloat: Bool {
    ["real", "float4", "float", "double precision", "float8", "double"].contains(
      dtype.lowercased())
  }
  /// Whether the type is `numeric` or `decimal`.
  var isNumeric: Bool { ["numeric", "decimal"].contains(dtype.lowercased()) }
  /// The declared length; `text` and an unsized type count as 256, as in dbt.
  var stringSize: Int { dtype == "text" ? 256 : charSize ?? 256 }

  /// The full type: PostgreSQL keeps `text` and an unsized `character varying` as they are.
  var dataType: String {
    let lower = dtype.lowercased()
    if lower == "text" || (lower == "character varying" && charSize == nil) { return dtype }
    if isString { return ColumnObject.stringType(stringSize) }
    if isNumeric {
      return ColumnObject.numericType(
        dtype, numericPrecision.map { .integer($0) }, numericScale.map { .integer($0) })
    }
    return dtype
  }

  /// The type name shown in errors.
  public var typeName: String { "column" }
  /// How `{{ column }}` renders (dbt's repr).
  public var rendered: String { "<Column \(name) (\(dataType))>" }

  /// `name`, `column`, `dtype`, `data_type`, `quoted`, sizes.
  public func attribute(_ attribute: String) -> Value? {
    switch attribute {
    case "name", "column": .string(name)
    case "dtype": .string(dtype)
    case "data_type", "expanded_data_type": .string(dataType)
    case "quoted": .string(dialect.quote(name))
    case "char_size": charSize.map { .integer($0) } ?? Value.none
    case "numeric_precision": numericPrecision.map { .integer($0) } ?? Value.none
    case "numeric_scale": numericScale.map { .integer($0) } ?? Value.none
    default: nil
    }
  }

  /// The type predicates and `string_size()`, `literal()`.
  public func hasMethod(_ name: String) -> Bool {
    [
      "is_string", "is_number", "is_integer", "is_float", "is_numeric", "string_size",
      "literal",
    ].contains(name)
  }

  /// Calls a type predicate, `string_size()` or `literal(value)`.
  public func call(method: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    switch method {
    case "is_string": return .bool(isString)
    case "is_number": return .bool(isInteger || isNumeric || isFloat)
    case "is_integer": return .bool(isInteger)
    case "is_float": return .bool(isFloat)
    case "is_numeric": return .bool(isNumeric)
    case "string_size":
      guard isString else {
        throw .error(
          "template.column", "`string_size()` called on column `\(name)` of type `\(dtype)`",
          at: arguments.range, hint: "check `is_string()` first")
      }
      return .integer(stringSize)
    default:
      return .string((arguments.value(0, "value")?.rendered ?? "") + "::" + dataType)
    }
  }
}

/// `api.Column`: `translate_type`, `numeric_type`, `string_type`, `create`.
public struct ColumnClass: TemplateObject {
  /// How the columns it creates quote their names.
  let dialect: RelationDialect

  /// Creates the class object.
  public init(dialect: RelationDialect = .postgres) { self.dialect = dialect }

  /// The type name shown in errors.
  public var typeName: String { "api.Column" }
  /// How `{{ api.Column }}` renders.
  public var rendered: String { "<class Column>" }

  /// `api.Column` has methods only.
  public func attribute(_ name: String) -> Value? { nil }

  /// The class methods swdbt implements.
  public func hasMethod(_ name: String) -> Bool {
    ["translate_type", "numeric_type", "string_type", "create", "from_description", "__call__"]
      .contains(name)
  }

  /// Calls a class method.
  public func call(method: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    switch method {
    case "translate_type":
      let type = try arguments.string(0, "dtype", function: "api.Column.translate_type")
      return .string(ColumnObject.translateType(type))
    case "numeric_type":
      let type = try arguments.string(0, "dtype", function: "api.Column.numeric_type")
      return .string(
        ColumnObject.numericType(
          type, arguments.value(1, "precision"), arguments.value(2, "scale")))
    case "string_type":
      guard case .integer(let size)? = arguments.value(0, "size") else {
        throw .error(
          "template.arguments", "`api.Column.string_type` expects an integer size",
          at: arguments.range)
      }
      return .string(ColumnObject.stringType(size))
    case "create", "__call__":
      let name = try arguments.string(0, "name", function: "api.Column.create")
      let type = try arguments.string(1, "label_or_dtype", function: "api.Column.create")
      var column = ColumnObject(name: name, dtype: ColumnObject.translateType(type))
      column.dialect = dialect
      return .object(column)
    default:
      let name = try arguments.string(0, "name", function: "api.Column.from_description")
      let type = try arguments.string(1, "raw_data_type", function: "api.Column.from_description")
      var column = ColumnObject.parsing(name: name, type: type)
      column.dialect = dialect
      return .object(column)
    }
  }
}

/// The `api` object: `api.Column` and `api.Relation`.
public struct APIObject: TemplateObject {
  /// How relations and columns it creates write their names.
  let dialect: RelationDialect

  /// Creates the object.
  public init(dialect: RelationDialect = .postgres) { self.dialect = dialect }

  /// The type name shown in errors.
  public var typeName: String { "api" }
  /// How `{{ api }}` renders.
  public var rendered: String { "<api>" }

  /// `Column` and `Relation`.
  public func attribute(_ name: String) -> Value? {
    switch name {
    case "Column": .object(ColumnClass(dialect: dialect))
    case "Relation": .object(RelationClass(dialect: dialect))
    default: nil
    }
  }
}

extension String {
  /// The text without leading and trailing spaces.
  var trimmedSpaces: String {
    String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}
