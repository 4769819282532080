import Diagnostics
import OrderedCollections
import Project
import Runtime
import Template

/// A project's `generate_schema_name`, `generate_alias_name` and `generate_database_name`
/// macros, which replace the built-in naming as in dbt. Built only when the project defines
/// one, so a project without overrides names its relations as before, with no rendering.
struct NamingMacros: Sendable {
  let project: LoadedProject
  let schema: Template?
  let alias: Template?
  let database: Template?
  /// `run_started_at`, `modules`, `graph`, ... for the macros.
  let globals: RuntimeGlobals

  /// The overrides of a project, or nil when it defines none.
  init?(_ project: LoadedProject, globals: RuntimeGlobals) {
    func call(_ macro: String, _ argument: String) -> Template? {
      guard project.macros[macro] != nil else { return nil }
      let text = "{{ \(macro)(\(argument), node) }}"
      return try? Parser.parse(SourceFile(path: "<\(macro)>", text: text))
    }
    schema = call("generate_schema_name", "custom_schema_name")
    alias = call("generate_alias_name", "custom_alias_name")
    database = call("generate_database_name", "custom_database_name")
    guard schema != nil || alias != nil || database != nil else { return nil }
    self.project = project
    self.globals = globals
  }

  /// The node's relation, each part from the project's macro where it has one.
  func relation(of node: CompiledNode) throws(Diagnostic) -> RelationName {
    try relation(
      name: node.name, config: node.config, node: NamingMacros.nodeValue(node))
  }

  /// Where a test stores its failing rows: its `schema` (`dbt_test__audit` unless set) and
  /// alias, named by the project's macros as dbt names them.
  func relation(ofStoredFailuresOf node: CompiledNode) throws(Diagnostic) -> RelationName {
    var config = node.config
    if config.schema == nil {
      config = config.merged(with: NodeConfig(["schema": .string("dbt_test__audit")]))
    }
    let value = NamingMacros.nodeValue(
      name: node.name, uniqueID: node.uniqueID, resourceType: node.resourceType, fqn: node.fqn,
      originalFilePath: node.originalFilePath, config: config)
    return try relation(name: node.name, config: config, node: value)
  }

  /// A relation from a node's name, config and `node` value.
  func relation(name: String, config: NodeConfig, node value: Value) throws(Diagnostic)
    -> RelationName
  {
    let target = project.target
    var relation = RelationNaming.relation(name: name, config: config, target: target)
    var resource = ResourceType.model
    if case .dict(let fields) = value, let type = fields["resource_type"]?.stringValue {
      resource = ResourceType(rawValue: type) ?? .model
    }
    let globals = globals
    let host = NamingHost(project: project) {
      globals.scope(name: name, resource: resource, config: config, purpose: "naming")
    }
    func render(_ template: Template?, _ name: String, _ custom: String?) throws(Diagnostic)
      -> String?
    {
      guard let template else { return nil }
      let evaluator = Evaluator(
        host: host, file: template.file,
        variables: [name: custom.map { .string($0) } ?? .none, "node": value])
      return try evaluator.render(template).trimmingWhitespace()
    }
    if let text = try render(schema, "custom_schema_name", config.schema) {
      relation.schema = text
    }
    if let text = try render(alias, "custom_alias_name", config.alias) {
      relation.identifier = text
    }
    if let text = try render(database, "custom_database_name", config.database) {
      // The target's own database stays implicit, as without the override.
      relation.database = text.isEmpty || text == target.database ? nil : text
    }
    return relation
  }

  /// A naming macro's error, with the node it was naming as a note.
  static func failure(_ error: Diagnostic, node: CompiledNode) -> Diagnostic {
    var diagnostic = error
    // The call swdbt makes on the node's behalf has no place in the project: the node does.
    diagnostic.notes.removeAll { $0.message.contains("called from <generate_") }
    diagnostic.notes.append(
      Diagnostic.Note("while naming the relation of `\(node.name)` (\(node.originalFilePath))"))
    return diagnostic
  }

  /// `node` as the naming macros see it: dbt's fields that naming code reads.
  static func nodeValue(_ node: CompiledNode) -> Value {
    nodeValue(
      name: node.name, uniqueID: node.uniqueID, resourceType: node.resourceType, fqn: node.fqn,
      originalFilePath: node.originalFilePath, config: node.config)
  }

  /// `node` from its fields.
  static func nodeValue(
    name: String, uniqueID: String, resourceType: ResourceType, fqn: [String],
    originalFilePath: String, config: NodeConfig
  ) -> Value {
    .dict([
      "name": .string(name), "unique_id": .string(uniqueID),
      "resource_type": .string(resourceType.rawValue),
      "fqn": .list(fqn.map { .string($0) }),
      "package_name": .string(fqn.first ?? ""),
      "original_file_path": .string(originalFilePath),
      "config": .dict(config.values),
    ])
  }

  /// The relation `is_incremental()` looks for: the model's, named by the project's macros.
  func relation(ofModel name: String, config: NodeConfig) throws(Diagnostic) -> RelationName {
    let uniqueID = "model.\(project.name).\(name)"
    // Models are sorted by unique id.
    let models = project.models
    var low = 0
    var high = models.count
    while low < high {
      let middle = (low + high) / 2
      if models[middle].uniqueID < uniqueID { low = middle + 1 } else { high = middle }
    }
    let model = low < models.count && models[low].uniqueID == uniqueID ? models[low] : nil
    let value = NamingMacros.nodeValue(
      name: name, uniqueID: uniqueID, resourceType: .model,
      fqn: model?.fqn ?? [project.name, name],
      originalFilePath: model?.originalFilePath ?? "", config: config)
    return try relation(name: name, config: config, node: value)
  }
}

/// What naming macros may use: `target`, `var`, `env_var`, the project's macros, and dbt's
/// defaults as `default__generate_*_name` (which an override often calls).
final class NamingHost: TemplateHost {
  let project: LoadedProject
  /// Makes the runtime globals (`run_started_at`, `modules`, `log`, ...) on first use.
  private let makeScope: () -> RenderScope
  private var runtimeScope: RenderScope?

  init(project: LoadedProject, scope: @escaping () -> RenderScope) {
    self.project = project
    self.makeScope = scope
  }

  static let defaults: Set<String> = [
    "default__generate_schema_name", "default__generate_alias_name",
    "default__generate_database_name", "generate_schema_name_for_env", "var",
  ]

  func hasFunction(_ name: String) -> Bool { NamingHost.defaults.contains(name) }

  func call(_ name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    let custom = arguments.value(0, "custom")?.stringValue?.trimmingWhitespace()
    let given = custom.flatMap { $0.isEmpty ? nil : $0 }
    let node = arguments.value(1, "node")
    switch name {
    case "default__generate_schema_name":
      return .string(RelationNaming.schema(custom: given, target: project.target))
    case "generate_schema_name_for_env":
      // dbt's other built-in: the custom schema as written, on the `prod` target only.
      guard project.target.name == "prod", let given else {
        return .string(project.target.schema)
      }
      return .string(given)
    case "default__generate_alias_name":
      guard let given else {
        if case .dict(let fields)? = node, let name = fields["name"]?.stringValue {
          return .string(name)
        }
        return .none
      }
      return .string(given)
    case "default__generate_database_name":
      return given.map { .string($0) } ?? project.target.database.map { .string($0) } ?? .none
    default:
      let variable = try arguments.string(0, "name", function: "var")
      if let value = project.vars[variable] { return value }
      if let fallback = arguments.value(1, "default") { return fallback }
      throw .error(
        "compile.unknown-var", "var `\(variable)` is not defined and has no default",
        at: arguments.range)
    }
  }

  func global(_ name: String) -> Value? {
    if name == "target" { return project.target.templateValue }
    guard RenderScope.names.contains(name) else { return nil }
    if let runtimeScope { return runtimeScope.global(name) }
    let made = makeScope()
    runtimeScope = made
    return made.global(name)
  }

  func macro(named name: String) -> MacroDefinition? { project.macros[name] }

  var knownNames: [String] {
    ["target"] + NamingHost.defaults.sorted() + project.macros.keys.sorted()
      + RenderScope.names.sorted()
  }
}
