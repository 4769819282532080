import Diagnostics
import Graph
import Project
import Template

/// Resolves references to nodes, builds the dependency graph, and reports cycles.
struct Linker {
  struct Linked {
    let nodes: [CompiledNode]
    let graph: DependencyGraph
    let order: [Int]
  }

  let project: LoadedProject
  let models: [ModelNode]
  let rendered: [String: RenderedNode]
  let genericTests: [GenericTestNode]
  /// Model and seed ids by the name `ref` uses; models win over seeds of the same name.
  private let idsByName: [String: String]

  init(
    project: LoadedProject, models: [ModelNode], rendered: [String: RenderedNode],
    genericTests: [GenericTestNode]
  ) {
    self.project = project
    self.models = models
    self.rendered = rendered
    self.genericTests = genericTests
    var idsByName: [String: String] = [:]
    for seed in project.seeds { idsByName[seed.name] = seed.uniqueID }
    for model in models { idsByName[model.name] = model.uniqueID }
    self.idsByName = idsByName
  }

  func id(for reference: RelationReference) -> String? {
    switch reference {
    case .ref(let name):
      return idsByName[name]
    case .source(let source, let table):
      return "source.\(project.name).\(source).\(table)"
    case .this:
      return nil
    }
  }

  func resolve(_ reference: RelationReference, from index: Int, graph: DependencyGraph) -> Int? {
    if case .this = reference { return index }
    return id(for: reference).flatMap(graph.index(of:))
  }

  func link(sink: any DiagnosticSink) -> Linked? {
    var unordered: [CompiledNode] = []
    var edges: [(child: String, parent: String)] = []
    for model in models {
      let node = rendered[model.uniqueID]
      var dependsOn: [String] = []
      for reference in node?.references ?? [] {
        guard let parent = id(for: reference.reference) else { continue }
        dependsOn.append(parent)
      }
      unordered.append(
        CompiledNode(
          uniqueID: model.uniqueID, resourceType: .model, name: model.name,
          originalFilePath: model.originalFilePath,
          fqn: model.fqn, sql: nil, relation: nil, config: node?.config ?? model.config,
          dependsOn: Array(Set(dependsOn)).sorted(), genericTest: nil))
    }
    for seed in project.seeds {
      unordered.append(
        CompiledNode(
          uniqueID: seed.uniqueID, resourceType: .seed, name: seed.name,
          originalFilePath: seed.originalFilePath,
          fqn: seed.fqn, sql: nil, relation: nil, config: seed.config, dependsOn: [],
          genericTest: nil))
    }
    for source in project.sources {
      unordered.append(
        CompiledNode(
          uniqueID: source.uniqueID, resourceType: .source, name: source.name,
          originalFilePath: source.originalFilePath,
          fqn: [project.name, source.sourceName, source.name], sql: nil,
          relation: RelationName(
            database: source.database, schema: source.schema, identifier: source.identifier),
          config: source.config, dependsOn: [], genericTest: nil))
    }
    for test in project.singularTests where test.config.enabled {
      let node = rendered[test.uniqueID]
      let dependsOn = (node?.references ?? []).compactMap { id(for: $0.reference) }
      unordered.append(
        CompiledNode(
          uniqueID: test.uniqueID, resourceType: .test, name: test.name,
          originalFilePath: test.originalFilePath,
          fqn: test.fqn, sql: nil, relation: nil, config: node?.config ?? test.config,
          dependsOn: Array(Set(dependsOn)).sorted(), genericTest: nil))
    }
    for test in genericTests {
      let dependsOn = [test.attachedTo] + test.references.compactMap { id(for: $0.reference) }
      unordered.append(
        CompiledNode(
          uniqueID: test.uniqueID, resourceType: .test, name: test.name,
          originalFilePath: test.originalFilePath,
          fqn: [project.name, test.name], sql: nil, relation: nil, config: test.config,
          dependsOn: Array(Set(dependsOn)).sorted(), genericTest: test))
    }
    for node in unordered {
      for parent in node.dependsOn { edges.append((node.uniqueID, parent)) }
    }
    let graph = DependencyGraph(ids: unordered.map(\.uniqueID), edges: edges)
    var nodes = unordered
    for node in unordered {
      if let index = graph.index(of: node.uniqueID) { nodes[index] = node }
    }
    guard let order = graph.topologicalOrder() else {
      // Cycles are rare: only now find where each edge's `ref` call is.
      func edgeRange(_ child: Int, _ parent: Int) -> SourceRange? {
        rendered[graph.ids[child]]?.references.first { id(for: $0.reference) == graph.ids[parent] }?
          .range
      }
      for cycle in graph.cycles() {
        let names = cycle.map { nodes[$0].name }
        var notes: [Diagnostic.Note] = []
        for step in zip(cycle, cycle.dropFirst()) {
          notes.append(
            .init(
              "`\(nodes[step.0].name)` depends on `\(nodes[step.1].name)` here",
              at: edgeRange(step.0, step.1)))
        }
        let first = edgeRange(cycle[0], cycle[1])
        sink.emit(
          .error(
            "compile.cycle", "dependency cycle: \(names.joined(separator: " -> "))", at: first,
            path: nodes[cycle[0]].originalFilePath, notes: Array(notes.dropFirst()),
            hint: "a model cannot depend on itself, directly or through other models"))
      }
      return nil
    }
    return Linked(nodes: nodes, graph: graph, order: order)
  }
}
