public import Diagnostics
public import Template

/// dbt's `adapter` methods that query or change the database, answered by a session: the
/// parse-time value (`none`, `[]`, `false`, nothing done) without a connection, as dbt gives
/// while parsing, and the database's answer with one.
extension IntrospectionSession {
  /// The `adapter` methods the session answers.
  public static let adapterMethods: Set<String> = [
    "get_relation", "get_columns_in_relation", "load_relation", "get_missing_columns",
    "already_exists", "list_relations_without_caching", "expand_target_column_types",
    "drop_relation", "create_schema", "drop_schema", "rename_relation", "truncate_relation",
    "check_schema_exists", "list_schemas",
  ]

  /// Calls one of `adapterMethods`.
  public func adapterCall(_ name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    markUsed()
    guard let introspector else { return Self.parseTimeValue(of: name) }
    let function = "adapter.\(name)"
    do {
      return try adapterCall(name, arguments, introspector, function)
    } catch {
      switch error {
      case .database(let failure): throw Self.failure(failure, function, at: arguments.range)
      case .template(let diagnostic): throw diagnostic
      }
    }
  }

  /// What dbt's adapter gives while parsing.
  static func parseTimeValue(of method: String) -> Value {
    switch method {
    case "get_columns_in_relation", "get_missing_columns", "list_relations_without_caching",
      "list_schemas":
      .list([])
    case "already_exists", "check_schema_exists": .bool(false)
    default: .none
    }
  }

  /// Why an adapter call failed.
  enum Failure: Error {
    case database(IntrospectionError)
    case template(Diagnostic)
  }

  private func adapterCall(
    _ name: String, _ arguments: Arguments, _ introspector: any Introspector, _ function: String
  ) throws(Failure) -> Value {
    func relation(_ position: Int, _ label: String) throws(Failure) -> RelationObject {
      guard case .object(let object)? = arguments.value(position, label),
        let relation = object as? RelationObject
      else {
        throw .template(
          .error(
            "template.arguments", "`\(function)` expects a relation for `\(label)`",
            at: arguments.range(of: position)))
      }
      return relation
    }
    func text(_ position: Int, _ label: String) throws(Failure) -> String {
      do {
        return try arguments.string(position, label, function: function)
      } catch {
        throw .template(error)
      }
    }
    func run(_ sql: String) throws(Failure) {
      do {
        _ = try introspector.run(sql)
      } catch {
        throw .database(error)
      }
    }
    func kind(of relation: RelationObject) throws(Failure) -> String? {
      if let type = relation.type { return type }
      return try lookUp(relation)?.type
    }
    func lookUp(_ relation: RelationObject) throws(Failure) -> RelationObject? {
      guard let schema = relation.schema, let identifier = relation.identifier else { return nil }
      do {
        return try introspector.relation(
          database: relation.database, schema: schema, identifier: identifier)
      } catch {
        throw .database(error)
      }
    }
    func columns(_ relation: RelationObject) throws(Failure) -> [ColumnObject] {
      do {
        return try introspector.columns(of: relation)
      } catch {
        throw .database(error)
      }
    }
    func schemaExists(_ schema: String) throws(Failure) -> Bool {
      do {
        return try introspector.schemaExists(schema)
      } catch {
        throw .database(error)
      }
    }

    switch name {
    case "get_columns_in_relation":
      return .list(try columns(relation(0, "relation")).map { .object($0) })
    case "get_relation":
      let database = arguments.value(0, "database").flatMap { $0 == .none ? nil : $0.rendered }
      let found = try lookUp(
        RelationObject(
          database: database, schema: text(1, "schema"), identifier: text(2, "identifier")))
      return found.map { .object($0) } ?? .none
    case "load_relation":
      return try lookUp(relation(0, "relation")).map { .object($0) } ?? .none
    case "get_missing_columns":
      let present = Set(try columns(relation(1, "to_relation")).map { $0.name.lowercased() })
      return .list(
        try columns(relation(0, "from_relation")).filter {
          !present.contains($0.name.lowercased())
        }.map { .object($0) })
    case "already_exists":
      let found = try lookUp(
        RelationObject(schema: text(0, "schema"), identifier: text(1, "name")))
      return .bool(found != nil)
    case "check_schema_exists":
      return .bool(try schemaExists(text(1, "schema")))
    case "list_schemas":
      do {
        return .list(try introspector.schemas().map { .string($0) })
      } catch {
        throw .database(error)
      }
    case "list_relations_without_caching":
      let schema = try relation(0, "schema_relation")
      guard let schemaName = schema.schema else { return .list([]) }
      do {
        return .list(
          try introspector.relations(inSchema: schemaName, database: schema.database).map {
            .object($0)
          })
      } catch {
        throw .database(error)
      }
    case "drop_relation":
      let target = try relation(0, "relation")
      guard let kind = try kind(of: target) else { return .none }
      try run("drop \(Self.keyword(kind)) if exists \(target.render()) cascade")
      return .none
    case "truncate_relation":
      try run("truncate table \(try relation(0, "relation").render())")
      return .none
    case "rename_relation":
      let from = try relation(0, "from_relation")
      let to = try relation(1, "to_relation")
      let kind = try kind(of: from) ?? "table"
      try run(
        "alter \(Self.keyword(kind)) \(from.render()) rename to "
          + from.dialect.quote(to.identifier ?? ""))
      return .none
    case "create_schema":
      let target = try relation(0, "relation")
      try run("create schema if not exists \(target.dialect.quote(target.schema ?? ""))")
      return .none
    case "drop_schema":
      let target = try relation(0, "relation")
      try run("drop schema if exists \(target.dialect.quote(target.schema ?? "")) cascade")
      return .none
    case "expand_target_column_types":
      let reference = try relation(0, "from_relation")
      let target = try relation(1, "to_relation")
      do {
        try introspector.expandColumnTypes(from: reference, to: target)
      } catch {
        throw .database(error)
      }
      return .none
    default:
      return .none
    }
  }

  /// The SQL keyword of a relation kind.
  static func keyword(_ kind: String) -> String {
    switch kind {
    case "view": "view"
    case "materialized_view": "materialized view"
    default: "table"
    }
  }
}
