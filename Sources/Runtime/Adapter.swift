public import Diagnostics
public import Template

/// The `adapter` object of dbt templates: `dispatch`, `quote`, `type()`.
public struct AdapterObject: TemplateObject {
  /// Where dispatched macros are found.
  public let resolver: MacroResolver
  /// The render's database access; nil where templates may not use the database.
  public let session: IntrospectionSession?

  /// Creates the object for one render.
  public init(resolver: MacroResolver, session: IntrospectionSession? = nil) {
    self.resolver = resolver
    self.session = session
  }

  /// The type name shown in errors.
  public var typeName: String { "adapter" }
  /// How `{{ adapter }}` renders.
  public var rendered: String { "<adapter \(resolver.adapterType)>" }

  /// `adapter.Relation`, as `api.Relation`.
  public func attribute(_ name: String) -> Value? {
    name == "Relation" ? .object(RelationClass(dialect: resolver.dialect)) : nil
  }

  /// The methods swdbt implements, and those that need a connection while compiling.
  public func hasMethod(_ name: String) -> Bool {
    ["dispatch", "quote", "type"].contains(name) || AdapterObject.introspection.contains(name)
  }

  /// dbt's `adapter` methods that query the database; swdbt compiles without a connection.
  static let introspection: Set<String> = [
    "get_relation", "get_columns_in_relation", "load_relation", "get_missing_columns",
    "already_exists", "list_relations_without_caching", "get_relations_by_pattern",
    "expand_target_column_types", "drop_relation", "create_schema", "drop_schema",
    "rename_relation", "truncate_relation", "check_schema_exists", "list_schemas",
  ]

  /// Calls `dispatch`, `quote`, `type`, or a database method through the session.
  public func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    if let session, IntrospectionSession.adapterMethods.contains(name) {
      return try session.adapterCall(name, arguments)
    }
    switch name {
    case "dispatch":
      let macroName = try arguments.string(0, "macro_name", function: "adapter.dispatch")
      var namespace: String?
      if let value = arguments.value(1, "macro_namespace"), case .string(let text) = value {
        namespace = text
      }
      let (macro, tried) = resolver.dispatch(macroName, namespace: namespace)
      guard let macro else {
        throw .error(
          "template.dispatch",
          "no implementation of `\(macroName)` found by `adapter.dispatch`", at: arguments.range,
          hint: "define one of " + tried.map { "`\($0)`" }.joined(separator: ", "))
      }
      return .macro(macro)
    case "quote":
      let identifier = try arguments.string(0, "identifier", function: "adapter.quote")
      return .string(resolver.dialect.quote(identifier))
    case "type":
      return .string(resolver.adapterType)
    default:
      throw .error(
        "template.unsupported", "`adapter.\(name)` is not supported by swdbt",
        at: arguments.range,
        hint: "it queries the database, which this template cannot reach")
    }
  }
}

/// The `dbt` namespace: `dbt.dateadd(...)` calls swdbt's built-in macro of that name.
public struct DbtNamespace: TemplateObject {
  /// Creates the namespace.
  public init() {}

  /// The type name shown in errors.
  public var typeName: String { "namespace `dbt`" }
  /// How `{{ dbt }}` renders.
  public var rendered: String { "<namespace dbt>" }

  /// A built-in macro by name.
  public func attribute(_ name: String) -> Value? {
    BuiltinMacros.table[name].map { .macro($0) }
  }
}
