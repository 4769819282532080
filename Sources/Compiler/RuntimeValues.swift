import Diagnostics
import OrderedCollections
public import Project
public import Runtime
import Synchronization
import Template

/// The runtime globals (`run_started_at`, `modules`, `graph`, `model`, `log`, ...) for hosts
/// other than model rendering's: naming macros and generic tests. One per compilation, shared;
/// a host makes its `RenderScope` from it only when a template asks for one of those names.
public final class RuntimeGlobals: Sendable {
  /// The command's context.
  public let invocation: InvocationContext
  let graphCache: GraphCache

  init(invocation: InvocationContext, graphCache: GraphCache) {
    self.invocation = invocation
    self.graphCache = graphCache
  }

  /// Globals over a project's `graph`, for a compilation made without a render environment.
  public convenience init(project: LoadedProject, invocation: InvocationContext) {
    self.init(invocation: invocation, graphCache: GraphCache(project: project))
  }

  /// The scope of one render for a node; `purpose` tells its log lines apart from the
  /// node's own render (`naming`, `test`).
  public func scope(
    name: String, resource: ResourceType, config: NodeConfig, purpose: String
  ) -> RenderScope {
    let graphCache = graphCache
    return RenderScope(
      invocation: invocation, node: "\(resource.rawValue).\(name).\(purpose)",
      model: { graphCache.model(name: name, resource: resource, config: config) },
      graph: { graphCache.graph })
  }
}

/// dbt's `graph` and `model` values from a loaded project, with dbt's field names.
///
/// `graph` is built once per compilation, and only when a template asks for it.
final class GraphCache: Sendable {
  private let project: LoadedProject
  private let value = Mutex<Value?>(nil)
  private let modelIndex = Mutex<[String: Int]?>(nil)

  init(project: LoadedProject) { self.project = project }

  /// `graph`: `nodes`, `sources`, `exposures` keyed by unique id.
  var graph: Value {
    value.withLock { cached in
      if let cached { return cached }
      let built = GraphCache.build(project)
      cached = built
      return built
    }
  }

  /// `model` for a node being rendered: its entry as in `graph.nodes`, with the config as
  /// rendering has it so far.
  func model(name: String, resource: ResourceType, config: NodeConfig) -> Value {
    if resource == .model {
      let index = modelIndex.withLock { index in
        if index == nil {
          var built: [String: Int] = [:]
          for (position, model) in project.models.enumerated() { built[model.name] = position }
          index = built
        }
        return index?[name]
      }
      if let index, case .dict(var entry) = GraphCache.entry(project.models[index], project) {
        entry["config"] = .dict(config.values)
        entry["tags"] = .list(config.tags.map { .string($0) })
        return .dict(entry)
      }
    }
    let uniqueID = "\(resource.rawValue).\(project.name).\(name)"
    return .dict([
      "name": .string(name), "unique_id": .string(uniqueID),
      "resource_type": .string(resource.rawValue), "package_name": .string(project.name),
      "config": .dict(config.values), "tags": .list(config.tags.map { .string($0) }),
      "fqn": .list([.string(project.name), .string(name)]),
    ])
  }

  static func build(_ project: LoadedProject) -> Value {
    var nodes = OrderedDictionary<String, Value>()
    for model in project.models { nodes[model.uniqueID] = entry(model, project) }
    for seed in project.seeds {
      nodes[seed.uniqueID] = .dict(
        common(
          name: seed.name, uniqueID: seed.uniqueID, resource: "seed", project: project,
          path: seed.path, originalFilePath: seed.originalFilePath, fqn: seed.fqn,
          config: seed.config, description: "", columns: []))
    }
    for test in project.singularTests {
      nodes[test.uniqueID] = .dict(
        common(
          name: test.name, uniqueID: test.uniqueID, resource: "test", project: project,
          path: test.path, originalFilePath: test.originalFilePath, fqn: test.fqn,
          config: test.config, description: "", columns: []))
    }
    var sources = OrderedDictionary<String, Value>()
    for source in project.sources {
      var entry = common(
        name: source.name, uniqueID: source.uniqueID, resource: "source", project: project,
        path: source.originalFilePath, originalFilePath: source.originalFilePath,
        fqn: [project.name, source.sourceName, source.name], config: source.config,
        description: source.description, columns: source.columns)
      entry["source_name"] = .string(source.sourceName)
      entry["identifier"] = .string(source.identifier)
      entry["schema"] = .string(source.schema)
      entry["database"] = (source.database ?? project.target.database).map { .string($0) } ?? .none
      sources[source.uniqueID] = .dict(entry)
    }
    return .dict([
      "nodes": .dict(nodes), "sources": .dict(sources), "exposures": .dict([:]),
      "metrics": .dict([:]), "groups": .dict([:]), "semantic_models": .dict([:]),
    ])
  }

  static func entry(_ model: ModelNode, _ project: LoadedProject) -> Value {
    var entry = common(
      name: model.name, uniqueID: model.uniqueID, resource: "model", project: project,
      path: model.path, originalFilePath: model.originalFilePath, fqn: model.fqn,
      config: model.config, description: model.patch?.description ?? "",
      columns: model.patch?.columns ?? [])
    entry["raw_code"] = .string(model.file.text)
    entry["language"] = .string("sql")
    return .dict(entry)
  }

  static func common(
    name: String, uniqueID: String, resource: String, project: LoadedProject, path: String,
    originalFilePath: String, fqn: [String], config: NodeConfig, description: String,
    columns: [ColumnSpec]
  ) -> OrderedDictionary<String, Value> {
    var columnEntries = OrderedDictionary<String, Value>()
    for column in columns {
      columnEntries[column.name] = .dict([
        "name": .string(column.name), "description": .string(column.description),
        "data_type": column.dataType.map { .string($0) } ?? .none, "meta": .dict(column.meta),
        "tags": .list(column.tags.map { .string($0) }),
      ])
    }
    var configValues = config.values
    if configValues["enabled"] == nil { configValues["enabled"] = .bool(config.enabled) }
    if resource == "model", configValues["materialized"] == nil {
      configValues["materialized"] = .string(config.materialized)
    }
    return [
      "name": .string(name), "unique_id": .string(uniqueID), "resource_type": .string(resource),
      "package_name": .string(project.name), "path": .string(path),
      "original_file_path": .string(originalFilePath), "fqn": .list(fqn.map { .string($0) }),
      "config": .dict(configValues), "tags": .list(config.tags.map { .string($0) }),
      "description": .string(description), "columns": .dict(columnEntries),
      "alias": .string(config.alias ?? name),
      "schema": .string(
        config.schema.map { project.target.schema + "_" + $0 } ?? project.target.schema),
      "database": project.target.database.map { .string($0) } ?? .none,
      "depends_on": .dict(["nodes": .list([]), "macros": .list([])]),
      "meta": config["meta"] ?? .dict([:]),
    ]
  }
}
