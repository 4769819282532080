import Diagnostics
public import Graph
public import Project

/// One node after compilation: its final SQL, where it builds, and what it depends on.
public struct CompiledNode: Sendable {
  /// The node's unique id.
  public var uniqueID: String
  /// Model, seed, source or test.
  public var resourceType: ResourceType
  /// The short name.
  public var name: String
  /// The file it comes from, relative to the project root.
  public var originalFilePath: String
  /// `[project, folders..., name]`.
  public var fqn: [String]
  /// The compiled SQL (models and singular tests); nil for seeds, sources and generic tests,
  /// whose SQL is produced by later stages.
  public var sql: String?
  /// The relation the node builds or reads; nil for tests and ephemeral models.
  public var relation: RelationName?
  /// The final config.
  public var config: NodeConfig
  /// Unique ids of the nodes it depends on, sorted.
  public var dependsOn: [String]
  /// For generic tests, the test's details.
  public var genericTest: GenericTestNode?
}

/// The result of compiling a project: the graph and every node, ready to select and run.
public struct Compilation: Sendable {
  /// The loaded project.
  public let project: LoadedProject
  /// The dependency graph over unique ids.
  public let graph: DependencyGraph
  /// Nodes parallel to `graph.ids`.
  public private(set) var nodes: [CompiledNode]
  /// Selectable views parallel to `graph.ids`.
  public let selectables: [Selectable]
  /// Every node in a valid build order, parents first, ties by id.
  public let order: [Int]

  /// A copy whose nodes at the given indices carry new SQL (generic tests, compiled by the
  /// DataTests stage).
  /// Consuming, so the nodes are changed in place rather than copied (30,000 of them).
  public consuming func withSQL(_ sql: [Int: String]) -> Compilation {
    for (index, text) in sql { nodes[index].sql = text }
    return self
  }

  /// A selection context over this compilation.
  public var selection: Selection { Selection(graph: graph, nodes: selectables) }

  /// The node with a unique id.
  public func node(_ uniqueID: String) -> CompiledNode? {
    graph.index(of: uniqueID).map { nodes[$0] }
  }

  /// Where the node at an index writes its compiled SQL, relative to the project root (by
  /// index: passing a node copies its every field).
  public func compiledPath(of index: Int) -> String {
    compiledPath(
      name: nodes[index].name, file: nodes[index].originalFilePath,
      testFile: nodes[index].genericTest?.originalFilePath)
  }

  /// Where a node's compiled SQL is written, relative to the project root.
  public func compiledPath(of node: CompiledNode) -> String {
    compiledPath(
      name: node.name, file: node.originalFilePath, testFile: node.genericTest?.originalFilePath)
  }

  /// A model's or singular test's file, or a generic test's `<YAML file>/<name>.sql`.
  private func compiledPath(name: String, file: String, testFile: String?) -> String {
    let prefix = compiledPathPrefix
    guard let testFile else { return prefix + file }
    return prefix + testFile + "/" + name + ".sql"
  }

  /// `<target-path>/compiled/<project>/`, which every compiled path starts with.
  var compiledPathPrefix: String { "\(project.projectFile.targetPath)/compiled/\(project.name)/" }
}
