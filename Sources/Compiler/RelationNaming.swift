import Project
public import Runtime
import Template

/// A schema-qualified relation name in the database.
public struct RelationName: Sendable, Hashable, Codable {
  /// The database, when one is configured explicitly.
  public var database: String?
  /// The schema.
  public var schema: String
  /// The table or view name.
  public var identifier: String

  /// Creates a relation name.
  public init(database: String? = nil, schema: String, identifier: String) {
    self.database = database
    self.schema = schema
    self.identifier = identifier
  }

  /// `"schema"."identifier"` (with the database first when set), quoted for PostgreSQL.
  public var quoted: String {
    let qualified = RelationName.quote(schema) + "." + RelationName.quote(identifier)
    guard let database else { return qualified }
    return RelationName.quote(database) + "." + qualified
  }

  /// The name as a reference to it renders on an engine: `"schema"."name"` on PostgreSQL,
  /// `schema.name` on Spark (dbt-spark quotes nothing by default).
  public func rendered(in dialect: RelationDialect) -> String {
    dialect == .postgres
      ? quoted : dialect.relation(database: database, schema: schema, identifier: identifier)
  }

  /// One identifier in double quotes, embedded quotes doubled.
  public static func quote(_ identifier: String) -> String {
    guard identifier.utf8.contains(UInt8(ascii: "\"")) else { return "\"" + identifier + "\"" }
    return "\"" + identifier.replacing("\"", with: "\"\"") + "\""
  }
}

/// Where nodes are built: dbt's `generate_schema_name` and `generate_alias_name` defaults.
enum RelationNaming {
  /// `target.schema`, or `target.schema + "_" + custom` when the node sets `schema`.
  static func schema(custom: String?, target: TargetConfig) -> String {
    guard let custom = custom?.trimmingWhitespace(), !custom.isEmpty else { return target.schema }
    return target.schema + "_" + custom
  }

  /// A snapshot's legacy `target_schema` and `target_database` are used as written, without
  /// `generate_schema_name` (as dbt does); its `schema` goes through naming like a model's.
  static func applySnapshotTarget(to node: inout CompiledNode) {
    guard node.resourceType == .snapshot else { return }
    if let schema = node.config["target_schema"]?.stringValue, !schema.isEmpty {
      node.relation?.schema = schema
    }
    if let database = node.config["target_database"]?.stringValue, !database.isEmpty {
      node.relation?.database = database
    }
  }

  static func relation(name: String, config: NodeConfig, target: TargetConfig) -> RelationName {
    RelationName(
      database: config.database, schema: schema(custom: config.schema, target: target),
      identifier: config.alias ?? name)
  }
}
