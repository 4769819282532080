import OrderedCollections
import Project
import Synchronization
import Template

/// dbt's `graph` where nodes run (second renders, hooks, run-operation): the parse-time graph
/// completed with what linking learned, as dbt's is at execution: each node's
/// `depends_on.nodes`, its package, and the generic tests with their `test_metadata`
/// (dbt_project_evaluator reads all three).
final class RuntimeGraph: Sendable {
  private let value = Mutex<Value?>(nil)

  /// The graph of `compilation`, built on first use.
  func graph(of compilation: Compilation, base: Value) -> Value {
    value.withLock { cached in
      if let cached { return cached }
      let built = RuntimeGraph.build(compilation, base: base)
      cached = built
      return built
    }
  }

  static func build(_ compilation: Compilation, base: Value) -> Value {
    guard case .dict(var graph) = base, case .dict(var nodes)? = graph["nodes"],
      case .dict(var sources)? = graph["sources"]
    else { return base }
    let project = compilation.project
    for node in compilation.nodes {
      let package = String(node.uniqueID.split(separator: ".").dropFirst().first ?? "")
      if let test = node.genericTest {
        nodes[node.uniqueID] = .dict(testEntry(test, node: node, package: package, project))
        continue
      }
      let isSource = node.uniqueID.hasPrefix("source.")
      guard case .dict(var entry)? = isSource ? sources[node.uniqueID] : nodes[node.uniqueID]
      else { continue }
      entry["package_name"] = .string(package)
      entry["depends_on"] = dependsOn(node.dependsOn, macros: [])
      // Where linking put it: a model's own `config(schema=...)` is known only now.
      if !isSource, let relation = node.relation {
        entry["schema"] = .string(relation.schema)
        entry["alias"] = .string(relation.identifier)
        if let database = relation.database { entry["database"] = .string(database) }
      }
      if isSource {
        sources[node.uniqueID] = .dict(entry)
      } else {
        nodes[node.uniqueID] = .dict(entry)
      }
    }
    graph["nodes"] = .dict(nodes)
    graph["sources"] = .dict(sources)
    // Only projects with exposures pay for them.
    if !compilation.exposures.isEmpty {
      graph["exposures"] = .dict(exposureEntries(compilation.exposures))
    }
    return .dict(graph)
  }

  static func dependsOn(_ nodes: [String], macros: [String]) -> Value {
    .dict([
      "nodes": .list(nodes.map { .string($0) }), "macros": .list(macros.map { .string($0) }),
    ])
  }

  /// A generic test as dbt's graph has it; its macro is `macro.<namespace>.test_<name>`
  /// (`macro.dbt.test_unique` for the built-in ones).
  static func testEntry(
    _ test: GenericTestNode, node: CompiledNode, package: String, _ project: LoadedProject
  ) -> OrderedDictionary<String, Value> {
    let builtIn = ["not_null", "unique", "accepted_values", "relationships"].contains(test.testName)
    let namespace = test.testPackage ?? (builtIn ? "dbt" : project.name)
    var entry = GraphCache.common(
      name: node.name, uniqueID: node.uniqueID, resource: "test", project: project,
      path: test.originalFilePath, originalFilePath: test.originalFilePath, fqn: node.fqn,
      config: node.config, description: "", columns: [])
    entry["package_name"] = .string(package)
    entry["column_name"] = test.column.map { .string($0) } ?? .none
    entry["attached_node"] = .string(test.attachedTo)
    entry["depends_on"] = dependsOn(
      node.dependsOn, macros: ["macro.\(namespace).test_\(test.testName)"])
    entry["test_metadata"] = .dict([
      "name": .string(test.testName),
      "namespace": test.testPackage.map { .string($0) } ?? .none,
      "kwargs": .dict(test.metadataKwargs),
    ])
    return entry
  }
}
