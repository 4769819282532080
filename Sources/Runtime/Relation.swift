public import Diagnostics
import OrderedCollections
public import Template

/// A relation as dbt templates see it: `database`, `schema`, `identifier`, `type`, `render()`,
/// `include(...)`, `incorporate(...)`, `quote(...)`; rendered as its quoted name.
///
/// Immutable: every method returns a new relation, as dbt's do.
public struct RelationObject: TemplateObject {
  /// Which of the three name parts a policy is about.
  public struct Parts: Sendable, Equatable {
    /// The database part.
    public var database: Bool
    /// The schema part.
    public var schema: Bool
    /// The identifier part.
    public var identifier: Bool

    /// A policy with all three parts on.
    public static let all = Parts(database: true, schema: true, identifier: true)
  }

  /// The database, if known.
  public var database: String?
  /// The schema, if known.
  public var schema: String?
  /// The table or view name, if known.
  public var identifier: String?
  /// `table`, `view`, `cte`, `materialized_view`, or nil when unknown.
  public var type: String?
  /// Which parts `render()` writes.
  public var include = Parts.all
  /// Which parts are written quoted.
  public var quotePolicy = Parts.all
  /// The engine's quote character and defaults.
  public private(set) var dialect = RelationDialect.postgres
  /// `--empty`: `{{ relation }}` reads no rows (dbt's `limit=0`); `render()` and the name
  /// parts still name the relation itself, for metadata queries.
  public var readsEmpty = false

  /// Creates a relation.
  public init(
    database: String? = nil, schema: String? = nil, identifier: String? = nil,
    type: String? = nil, dialect: RelationDialect = .postgres
  ) {
    self.database = database
    self.schema = schema
    self.identifier = identifier
    self.type = type
    if dialect != .postgres {
      self.dialect = dialect
      let quoted = dialect.quotesByDefault
      quotePolicy = Parts(database: quoted, schema: quoted, identifier: quoted)
      include.database = dialect.includesDatabase
    }
  }

  /// The included, known parts, quoted per policy and joined by dots.
  public func render() -> String {
    var parts: [String] = []
    if include.database, let database { parts.append(part(database, quotePolicy.database)) }
    if include.schema, let schema { parts.append(part(schema, quotePolicy.schema)) }
    if include.identifier, let identifier {
      parts.append(part(identifier, quotePolicy.identifier))
    }
    return parts.joined(separator: ".")
  }

  private func part(_ name: String, _ quoted: Bool) -> String {
    quoted ? dialect.quote(name) : name
  }

  /// The type name shown in errors.
  public var typeName: String { "relation" }
  /// `{{ relation }}` writes the quoted name (an empty subquery of it under `--empty`).
  public var rendered: String {
    guard readsEmpty else { return render() }
    let alias = "_dbt_limit_subq_" + (identifier ?? "")
    let plain = alias.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
    }
    return "(select * from \(render()) where false limit 0) "
      + (plain ? alias : dialect.quote(alias))
  }

  /// The name parts, `type` and the `is_*` flags.
  public func attribute(_ name: String) -> Value? {
    switch name {
    case "database": optional(database)
    case "schema": optional(schema)
    case "identifier", "name", "table": optional(identifier)
    case "type": optional(type)
    case "is_table": .bool(type == "table")
    case "is_view": .bool(type == "view")
    case "is_cte": .bool(type == "cte")
    case "is_materialized_view": .bool(type == "materialized_view")
    case "path":
      .dict([
        "database": optional(database), "schema": optional(schema),
        "identifier": optional(identifier),
      ])
    default: nil
    }
  }

  private func optional(_ text: String?) -> Value { text.map { .string($0) } ?? .none }

  /// dbt's relations are mappings: packages test `relation is mapping` (dbt_utils'
  /// `_is_relation`).
  public var isMapping: Bool { true }

  /// The methods of dbt's `BaseRelation` swdbt implements.
  public func hasMethod(_ name: String) -> Bool {
    [
      "render", "include", "quote", "incorporate", "without_identifier", "replace_path", "get",
      "information_schema",
    ].contains(name)
  }

  /// Calls `render`, `include`, `quote`, `incorporate`, `replace_path` or `without_identifier`.
  public func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    var copy = self
    switch name {
    case "render":
      return .string(render())
    case "information_schema":
      // dbt's `InformationSchema` relation: the database's (when rendered) schema of views.
      var text = "information_schema"
      if include.database, let database { text = part(database, quotePolicy.database) + "." + text }
      if let view = arguments.value(0, "view_name"), view != .none { text += "." + view.rendered }
      return .string(text)
    case "get":
      // As a mapping: its `metadata` says what it is, as dbt's `to_dict()` does.
      let key = arguments.positional.first?.stringValue ?? ""
      if key == "metadata" {
        return .dict(["type": .string(dialect == .spark ? "SparkRelation" : "PostgresRelation")])
      }
      return attribute(key) ?? arguments.value(1, "default") ?? .none
    case "include":
      copy.include = try policy(include, arguments, "include")
    case "quote":
      copy.quotePolicy = try policy(quotePolicy, arguments, "quote")
    case "without_identifier":
      copy.include.identifier = false
      copy.identifier = nil
    case "replace_path":
      try copy.replacePath(arguments.keyword, arguments)
    default:
      if let path = arguments.value(0, "path") {
        guard case .dict(let entries) = path else {
          throw .error(
            "template.arguments", "`incorporate` expects a dict for `path`",
            at: arguments.range(ofKeyword: "path"))
        }
        try copy.replacePath(entries.map { ($0.key, $0.value) }, arguments)
      }
      if let type = arguments.keyword.first(where: { $0.label == "type" })?.value {
        copy.type = type == .none ? nil : type.rendered
      }
    }
    return .object(copy)
  }

  private mutating func replacePath(
    _ entries: [(label: String, value: Value)], _ arguments: Arguments
  ) throws(Diagnostic) {
    for (key, value) in entries {
      let text: String? = value == .none ? nil : value.rendered
      switch key {
      case "database": database = text
      case "schema": schema = text
      case "identifier": identifier = text
      default:
        throw .error(
          "template.arguments", "a relation's path has no part `\(key)`", at: arguments.range,
          hint: "use `database`, `schema` or `identifier`")
      }
    }
  }

  private func policy(_ current: Parts, _ arguments: Arguments, _ method: String)
    throws(Diagnostic) -> Parts
  {
    var parts = current
    for (label, value) in arguments.keyword {
      let flag: Bool
      switch value {
      case .bool(let on): flag = on
      case .none: continue
      default:
        throw .error(
          "template.arguments", "`\(method)` expects true or false for `\(label)`",
          at: arguments.range(ofKeyword: label))
      }
      switch label {
      case "database": parts.database = flag
      case "schema": parts.schema = flag
      case "identifier": parts.identifier = flag
      default:
        throw .error(
          "template.arguments", "`\(method)` has no part `\(label)`",
          at: arguments.range(ofKeyword: label), hint: "use `database`, `schema` or `identifier`")
      }
    }
    return parts
  }
}

/// `api.Relation`: `create(database=, schema=, identifier=, type=)`.
public struct RelationClass: TemplateObject {
  /// How the relations it creates write their names.
  let dialect: RelationDialect

  /// Creates the class object.
  public init(dialect: RelationDialect = .postgres) { self.dialect = dialect }

  /// The type name shown in errors.
  public var typeName: String { "api.Relation" }
  /// How `{{ api.Relation }}` renders.
  public var rendered: String { "<class Relation>" }

  /// `api.Relation` has methods only.
  public func attribute(_ name: String) -> Value? { nil }

  /// `create`.
  public func hasMethod(_ name: String) -> Bool { name == "create" }

  /// Creates a relation from keyword (or positional) parts.
  public func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    func text(_ position: Int, _ label: String) -> String? {
      guard let value = arguments.value(position, label), value != .none, value != .undefined
      else { return nil }
      return value.rendered
    }
    return .object(
      RelationObject(
        database: text(0, "database"), schema: text(1, "schema"),
        identifier: text(2, "identifier"), type: text(3, "type"), dialect: dialect))
  }
}
