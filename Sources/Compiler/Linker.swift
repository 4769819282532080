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
  /// Indices of the enabled models in `project.models`.
  let modelIndices: [Int]
  let rendered: [String: RenderedNode]
  let genericTests: [GenericTestNode]
  /// Model and seed ids by the name `ref` uses; models win over seeds of the same name.
  private let idsByName: [String: String]

  init(
    project: LoadedProject, modelIndices: [Int], rendered: [String: RenderedNode],
    genericTests: [GenericTestNode]
  ) {
    self.project = project
    self.modelIndices = modelIndices
    self.rendered = rendered
    self.genericTests = genericTests
    var idsByName: [String: String] = [:]
    for index in project.seeds.indices {
      idsByName[project.seeds[index].name] = project.seeds[index].uniqueID
    }
    for index in modelIndices {
      idsByName[project.models[index].name] = project.models[index].uniqueID
    }
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
    var edges: [(child: String, parent: String)] = []
    // Models and generic tests are most of a large project's nodes: built in parallel.
    let models = project.models
    var unordered: [CompiledNode] = modelIndices.concurrentMap { index in
      let node = rendered[models[index].uniqueID]
      var dependsOn: [String] = []
      for reference in node?.references ?? [] {
        guard let parent = id(for: reference.reference) else { continue }
        dependsOn.append(parent)
      }
      return CompiledNode(
        uniqueID: models[index].uniqueID, resourceType: .model, name: models[index].name,
        originalFilePath: models[index].originalFilePath, fqn: models[index].fqn, sql: nil,
        relation: nil, config: node?.config ?? models[index].config,
        dependsOn: dependsOn.sortedUnique(), genericTest: nil)
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
          dependsOn: dependsOn.sortedUnique(), genericTest: nil))
    }
    let projectName = project.name
    unordered += genericTests.concurrentMap { test in
      let dependsOn = [test.attachedTo] + test.references.compactMap { id(for: $0.reference) }
      return CompiledNode(
        uniqueID: test.uniqueID, resourceType: .test, name: test.name,
        originalFilePath: test.originalFilePath,
        fqn: [projectName, test.name], sql: nil, relation: nil, config: test.config,
        dependsOn: dependsOn.sortedUnique(), genericTest: test)
    }
    // By index: a `for node in` loop copies (retains every field of) 30,000 nodes.
    edges.reserveCapacity(unordered.count * 2)
    for index in unordered.indices {
      for parent in unordered[index].dependsOn { edges.append((unordered[index].uniqueID, parent)) }
    }
    let graph = DependencyGraph(ids: unordered.indices.map { unordered[$0].uniqueID }, edges: edges)
    var position = [Int](repeating: -1, count: unordered.count)
    for index in unordered.indices {
      position[index] = graph.index(of: unordered[index].uniqueID) ?? -1
    }
    var nodes: [CompiledNode]
    if graph.count == unordered.count, !position.contains(-1) {
      // Put each node at its graph index in place: swaps move nodes, copies would retain
      // every field of 20,000 test nodes.
      var target = position
      for start in target.indices {
        while target[start] != start {
          let destination = target[start]
          unordered.swapAt(start, destination)
          target.swapAt(start, destination)
        }
      }
      nodes = unordered
    } else {
      nodes = unordered
      for index in unordered.indices where position[index] >= 0 && position[index] != index {
        nodes[position[index]] = unordered[index]
      }
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
