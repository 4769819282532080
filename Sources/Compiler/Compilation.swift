import Diagnostics
public import Exposures
public import Graph
public import OrderedCollections
public import Project
public import Runtime
public import Template

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
  /// For `microbatch` models, the SQL with inputs filtered to a batch window whose bounds are
  /// markers (`MicrobatchWindow.sql`); nil for every other node.
  public var batchSQL: String? = nil
  /// For unit tests (`resourceType` `.test`, id `unit_test.*`), the test as declared.
  public var unitTest: UnitTestSpec? = nil
}

/// The result of compiling a project: the graph and every node, ready to select and run.
public struct Compilation: Sendable {
  /// The loaded project.
  public let project: LoadedProject
  /// The dependency graph over unique ids.
  public internal(set) var graph: DependencyGraph
  /// Nodes parallel to `graph.ids`.
  public internal(set) var nodes: [CompiledNode]
  /// Every node in a valid build order, parents first, ties by id.
  public internal(set) var order: [Int]
  /// dbt's exposures (dashboards with their charts), sorted by unique id: not nodes of the
  /// graph, since nothing builds them, but selectable (`+exposure:sales`) and in the manifest.
  public internal(set) var exposures: [Exposure] = []
  /// Nodes whose first render read `execute` or used the database (or inline an ephemeral
  /// model that did): `SecondPass` renders them again with a connection before they run.
  public var needsDatabase: Set<Int> = []
  /// What the first render used, for the second.
  var renderEnvironment: RenderEnvironment? = nil
  /// The command's `invocation_id`, `flags`, console, ... that renders saw; nil for a
  /// compilation made without rendering.
  public var invocation: InvocationContext? { renderEnvironment?.invocation }
  /// dbt's `graph` (`nodes`, `sources`, `metrics`, ...), built on first use; nil for a
  /// compilation made without rendering.
  public var graphValue: Value? {
    renderEnvironment.map { $0.runtimeGraph.graph(of: self, base: $0.graphCache.graph) }
  }

  /// Sets what a generic test's definition configures with `config(...)` (dbt_utils'
  /// `fail_calc`), under the node's own config.
  public mutating func addDefinitionConfig(
    _ entries: OrderedDictionary<String, Value>, of index: Int
  ) {
    nodes[index].config = NodeConfig(entries).merged(with: nodes[index].config)
  }

  /// The runtime globals of the compile that made this compilation (a fresh invocation when
  /// it was assembled without one).
  public var runtimeGlobals: RuntimeGlobals {
    renderEnvironment.map {
      RuntimeGlobals(invocation: $0.invocation, graphCache: $0.graphCache)
    } ?? RuntimeGlobals(project: project, invocation: InvocationContext())
  }

  /// A copy whose node at `index` carries the SQL of its second render.
  public mutating func setSQL(_ sql: String, of index: Int) { nodes[index].sql = sql }

  /// A copy whose nodes at the given indices carry new SQL (generic tests, compiled by the
  /// DataTests stage) and, where given, a new config (set by a test's body).
  /// Consuming, so the nodes are changed in place rather than copied (30,000 of them).
  public consuming func withSQL(_ sql: [Int: String], configs: [Int: NodeConfig] = [:])
    -> Compilation
  {
    for (index, text) in sql { nodes[index].sql = text }
    for (index, config) in configs {
      nodes[index].config = config
      nodes[index].genericTest?.config = config
    }
    return self
  }

  /// A selection context over this compilation. Each call builds every node's selectable
  /// view (in parallel): commands that select nothing skip it (see `resolve`).
  public func selection(stateLabels: [String: Set<String>]? = nil) -> Selection {
    let nodes = self.nodes
    let views = Array(nodes.indices).concurrentMap { Compiler.selectable(nodes, $0) }
    return Selection(
      graph: graph, nodes: views, stateLabels: stateLabels, exposures: selectableExposures)
  }

  /// The exposures as selectors see them, their parents the graph nodes they read.
  var selectableExposures: [SelectableExposure] {
    exposures.map { exposure in
      SelectableExposure(
        id: exposure.uniqueID, name: exposure.name, package: exposure.packageName,
        fqn: exposure.fqn,
        tags: exposure.tags, path: exposure.path,
        parents: exposure.dependsOnNodes.compactMap { graph.index(of: $0) }.sorted())
    }
  }

  /// The nodes a command works on (`Selection.resolve`, tests of selected nodes included):
  /// every node when nothing is selected or excluded, without building any selectable view
  /// (300,000 of them, 0.1-0.2 s, in a 100,000-model project).
  public func resolve(
    select: Selector?, exclude: Selector?, stateLabels: [String: Set<String>]? = nil
  ) -> Set<Int> {
    if select == nil, exclude == nil { return Set(graph.ids.indices) }
    return selection(stateLabels: stateLabels).resolve(select: select, exclude: exclude)
  }

  /// The node with a unique id.
  public func node(_ uniqueID: String) -> CompiledNode? {
    graph.index(of: uniqueID).map { nodes[$0] }
  }

  /// Where the node at an index writes its compiled SQL, relative to the project root (by
  /// index: passing a node copies its every field).
  public func compiledPath(of index: Int) -> String {
    compiledLocation(of: index, prefix: compiledPathPrefix).path
  }

  /// Where a node's compiled SQL is written, relative to the project root.
  public func compiledPath(of node: CompiledNode) -> String {
    compiledLocation(
      name: node.genericTest?.fileName ?? node.name, file: node.originalFilePath,
      testFile: node.genericTest?.originalFilePath, prefix: compiledPathPrefix
    ).path
  }

  /// The compiled file of the node at an index: its folder below `prefix` (a slice of a path
  /// the node holds, to group files without making strings), its name, and its path relative
  /// to the project root.
  func compiledLocation(of index: Int, prefix: String) -> (
    folder: Substring, name: String, path: String
  ) {
    compiledLocation(
      name: nodes[index].genericTest?.fileName ?? nodes[index].name,
      file: nodes[index].originalFilePath,
      testFile: nodes[index].genericTest?.originalFilePath, prefix: prefix)
  }

  /// A model's or singular test's file, or a generic test's `<YAML file>/<name>.sql`; with
  /// packages installed, below `<package>/` and relative to the package's folder, as dbt
  /// writes `target/compiled/dbt_utils/models/x.sql`.
  private func compiledLocation(
    name: String, file: String, testFile: String?, prefix: String
  ) -> (folder: Substring, name: String, path: String) {
    guard !project.packages.isEmpty else {
      return Self.compiledLocation(name: name, file: file, testFile: testFile, prefix: prefix)
    }
    let (package, relative) = project.packageRelative(testFile ?? file)
    let located = package + "/" + relative
    if testFile != nil {
      return Self.compiledLocation(name: name, file: "", testFile: located, prefix: prefix)
    }
    return Self.compiledLocation(name: name, file: located, testFile: nil, prefix: prefix)
  }

  private static func compiledLocation(
    name: String, file: String, testFile: String?, prefix: String
  ) -> (folder: Substring, name: String, path: String) {
    if let testFile {
      let fileName = name + ".sql"
      var path = prefix
      path.reserveCapacity(prefix.utf8.count + testFile.utf8.count + 1 + fileName.utf8.count)
      path += testFile
      path += "/"
      path += fileName
      return (testFile[...], fileName, path)
    }
    let slash = file.utf8.lastIndex(of: UInt8(ascii: "/"))
    let nameStart = slash.map { file.index(after: $0) } ?? file.startIndex
    return (file[..<(slash ?? file.startIndex)], String(file[nameStart...]), prefix + file)
  }

  /// `<target-path>/compiled/<project>/`, which every compiled path starts with; with
  /// packages installed `<target-path>/compiled/`, each project's nodes below their own folder.
  var compiledPathPrefix: String {
    project.packages.isEmpty
      ? "\(project.projectFile.targetPath)/compiled/\(project.name)/"
      : "\(project.projectFile.targetPath)/compiled/"
  }
}
