public import Diagnostics
import Graph
import OrderedCollections
import Project
public import Runtime
import Synchronization
import Template

/// The second render of the nodes whose first render read `execute` or used the database
/// (dbt renders every node again when it runs, with `execute` true): with a connection, and
/// with `this`, `ref()` and `source()` as relations under their final names.
///
/// Made once per command, and only when some selected node needs it; nodes that do not keep
/// the SQL of the first, connection-free render.
public final class SecondPass: Sendable {
  let compilation: Compilation
  /// Models (which win) and seeds by the name `ref` uses, to graph indices.
  let refTargets: [String: Int]
  /// `graph` as dbt has it when nodes run: the first pass's, with each node's `depends_on`
  /// and final relation filled in from the linked compilation; built on first read.
  private let linkedGraphValue = Mutex<Value?>(nil)

  /// Prepares the second render of a compilation's nodes.
  public init(_ compilation: Compilation) {
    self.compilation = compilation
    var targets: [String: Int] = [:]
    for index in compilation.nodes.indices {
      switch compilation.nodes[index].resourceType {
      case .model: targets[compilation.nodes[index].name] = index
      case .seed where targets[compilation.nodes[index].name] == nil:
        targets[compilation.nodes[index].name] = index
      default: break
      }
    }
    refTargets = targets
  }

  /// `graph` with `depends_on.nodes` and the final `schema`, `alias` and `database` of every
  /// node, which the first render (before linking) cannot know.
  var linkedGraph: Value? {
    guard let environment = compilation.renderEnvironment else { return nil }
    return linkedGraphValue.withLock { cached in
      if let cached { return cached }
      guard case .dict(var graph) = environment.graphCache.graph,
        case .dict(var nodes)? = graph["nodes"]
      else { return nil }
      for node in compilation.nodes {
        guard case .dict(var entry)? = nodes[node.uniqueID] else { continue }
        entry["depends_on"] = .dict([
          "nodes": .list(node.dependsOn.map { .string($0) }), "macros": .list([]),
        ])
        if let relation = node.relation {
          entry["schema"] = .string(relation.schema)
          entry["alias"] = .string(relation.identifier)
          if let database = relation.database { entry["database"] = .string(database) }
        }
        nodes[node.uniqueID] = .dict(entry)
      }
      graph["nodes"] = .dict(nodes)
      let linked = Value.dict(graph)
      cached = linked
      return linked
    }
  }

  /// The node's SQL rendered again on `introspector`'s database: what runs and what
  /// `target/compiled` holds. Errors are located in the node's file.
  public func render(_ index: Int, on introspector: any Introspector) throws(Diagnostic) -> String {
    let node = compilation.nodes[index]
    let project = compilation.project
    let source: (template: Template, file: SourceFile)?
    switch node.resourceType {
    case .model:
      source = project.models.first { $0.uniqueID == node.uniqueID }.flatMap { model in
        model.template.map { ($0, model.file) }
      }
    case .test:
      source = project.singularTests.first { $0.uniqueID == node.uniqueID }.flatMap { test in
        test.template.map { ($0, test.file) }
      }
    default: source = nil
    }
    guard let source, let environment = compilation.renderEnvironment else {
      return node.sql ?? ""
    }
    let live = LiveRelations(pass: self, index: index, introspector: introspector)
    let host = RecordingHost(
      environment: environment, resource: node.resourceType, nodeName: node.name,
      baseConfig: node.config, live: live)
    let evaluator = Evaluator(host: host, file: source.file)
    host.session?.evaluator = evaluator
    let text = try evaluator.render(source.template)
    if let problem = host.problems.first(where: { $0.severity == .error }) { throw problem }
    var ctes: [(name: String, sql: String)] = []
    for parent in live.ephemerals {
      let sql =
        compilation.needsDatabase.contains(parent)
        ? try render(parent, on: introspector) : compilation.nodes[parent].sql ?? ""
      ctes.append((EphemeralInliner.cteName(compilation.nodes[parent].name), sql))
    }
    return EphemeralInliner.inject(ctes, into: text)
  }
}

/// What `ref`, `source` and `this` give in a second render: relation objects under final
/// names (an ephemeral model is its CTE, which the render then inlines).
final class LiveRelations {
  let pass: SecondPass
  let index: Int
  let introspector: any Introspector
  /// Ephemeral models the render referred to, in order of first reference.
  private(set) var ephemerals: [Int] = []

  init(pass: SecondPass, index: Int, introspector: any Introspector) {
    self.pass = pass
    self.index = index
    self.introspector = introspector
  }

  /// The relation a reference names, or nil when it names no node (the host reports it).
  func value(of reference: RelationReference) -> Value? {
    let compilation = pass.compilation
    let target: Int?
    switch reference {
    case .this: target = index
    case .ref(let name, let package):
      // `ref('package', 'name')` names that package's node; a bare name resolves as linked.
      if let package {
        target =
          compilation.graph.index(of: "model.\(package).\(name)")
          ?? compilation.graph.index(of: "seed.\(package).\(name)")
          ?? compilation.graph.index(of: "snapshot.\(package).\(name)")
      } else {
        target = pass.refTargets[name]
      }
    case .source(let source, let table):
      target = compilation.graph.index(of: "source.\(compilation.project.name).\(source).\(table)")
    }
    guard let target else { return nil }
    let node = compilation.nodes[target]
    if node.resourceType == .model, node.config.materialized == "ephemeral" {
      guard target != index else {
        // `this` in an ephemeral model names where it would be built, as in the first render.
        let name = RelationNaming.relation(
          name: node.name, config: node.config, target: compilation.project.target)
        return .object(RelationObject(schema: name.schema, identifier: name.identifier))
      }
      if !ephemerals.contains(target) { ephemerals.append(target) }
      var cte = RelationObject(identifier: EphemeralInliner.cteName(node.name), type: "cte")
      cte.quotePolicy.database = false
      cte.quotePolicy.schema = false
      cte.quotePolicy.identifier = false
      return .object(cte)
    }
    guard let name = node.relation else { return nil }
    var relation = RelationObject(
      database: name.database, schema: name.schema, identifier: name.identifier,
      type: Self.kind(of: node))
    // `this` is not limited, as in dbt.
    relation.readsEmpty = compilation.renderEnvironment?.empty == true && target != index
    return .object(relation)
  }

  /// The kind of relation a node builds, as dbt's relation `type`.
  static func kind(of node: CompiledNode) -> String {
    guard node.resourceType == .model else { return "table" }
    return switch node.config.materialized {
    case "view": "view"
    case "materialized_view": "materialized_view"
    default: "table"
    }
  }
}
