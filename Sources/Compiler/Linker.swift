import Diagnostics
import Graph
import Project
import Template

/// Resolves references to nodes, builds the dependency graph, and reports cycles.
struct Linker {
  struct Linked {
    var nodes: [CompiledNode]
    let graph: DependencyGraph
    let order: [Int]
  }

  /// Where a node comes from, by index into its kind's list.
  private enum Slot: Sendable {
    case model(Int)
    case seed(Int)
    case source(Int)
    case singularTest(Int)
    case genericTest(Int)
  }

  let project: LoadedProject
  /// Indices of the enabled models in `project.models`.
  let modelIndices: [Int]
  let rendered: [String: RenderedNode]
  /// Model and seed ids by the name `ref` uses; models win over seeds of the same name.
  private let idsByName: [String: String]

  init(project: LoadedProject, modelIndices: [Int], rendered: [String: RenderedNode]) {
    self.project = project
    self.modelIndices = modelIndices
    self.rendered = rendered
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

  /// Links every node; each generic test is moved out of `genericTests` into its node.
  func link(genericTests: inout [GenericTestNode?], sink: any DiagnosticSink) -> Linked? {
    // Every node is built in parallel, straight into id order ("model." < "seed." < "source." <
    // "test."; each kind is sorted but generic tests, which are sorted here), so ordering
    // them afterwards moves nothing.
    var slots: [Slot] = modelIndices.map { .model($0) }
    slots += project.seeds.indices.map { .seed($0) }
    slots += project.sources.indices.map { .source($0) }
    let singular = project.singularTests.indices.filter { project.singularTests[$0].config.enabled }
    // Declaration order interleaves test kinds (not_null_a, unique_a, not_null_b, ...), which
    // leaves the sort no ordered runs; grouped by kind, each group is nearly in id order
    // already, and the sort only merges them (20,000 tests: ~10 ms of string comparisons less).
    var generic: [Int] = []
    generic.reserveCapacity(genericTests.count)
    var groups: [String: [Int]] = [:]
    // Ids and kinds read through a pointer: an optional's field read from an `inout` array
    // or inside a closure copied the whole test.
    var genericIDs: [String] = []
    genericIDs.reserveCapacity(genericTests.count)
    genericTests.withUnsafeBufferPointer { buffer in
      guard let tests = buffer.baseAddress else { return }
      for index in buffer.indices {
        groups[tests[index]?.testName ?? "", default: []].append(index)
        genericIDs.append(tests[index]?.uniqueID ?? "")
      }
    }
    for key in groups.keys.sorted() { generic += groups[key] ?? [] }
    generic.sort { genericIDs[$0] < genericIDs[$1] }
    var nextSingular = 0
    var nextGeneric = 0
    while nextSingular < singular.count || nextGeneric < generic.count {
      // Generic test ids carry no hash (`test.<project>.<name>`): a singular test named like a
      // generated one would silently replace it. Compared by index: binding either test
      // copies all its fields.
      if nextSingular < singular.count, nextGeneric < generic.count,
        project.singularTests[singular[nextSingular]].uniqueID
          == genericIDs[generic[nextGeneric]]
      {
        let singularTest = project.singularTests[singular[nextSingular]]
        let genericTest = genericTests[generic[nextGeneric]]
        sink.emit(
          .error(
            "compile.duplicate-test",
            "generic test `\(genericTest?.name ?? "")` has the same name as the singular test "
              + "`\(singularTest.originalFilePath)`",
            at: genericTest?.range,
            notes: [
              .init(
                "the singular test is defined here",
                at: SourceRange(file: singularTest.file, span: Span(start: 0, end: 0)))
            ],
            hint: "rename the singular test's file, or name the generic test with `name:`"))
      }
      let takeSingular =
        nextGeneric == generic.count
        || (nextSingular < singular.count
          && project.singularTests[singular[nextSingular]].uniqueID
            <= genericIDs[generic[nextGeneric]])
      if takeSingular {
        slots.append(.singularTest(singular[nextSingular]))
        nextSingular += 1
      } else {
        slots.append(.genericTest(generic[nextGeneric]))
        nextGeneric += 1
      }
    }
    // Generic tests are moved into their nodes, each from its own slot of the array: copied,
    // every field of 20,000 tests was retained here and released with the array.
    let unordered: [CompiledNode] = genericTests.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let movableTests = buffer.baseAddress
      return buildNodes(slots, movableTests)
    }
    let (nodes, graph) = Linker.ordered(consume unordered)
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

  /// Every node, in slot order, built in parallel; generic tests are moved out of `tests`.
  private func buildNodes(
    _ slots: [Slot], _ tests: UnsafeMutablePointer<GenericTestNode?>?
  ) -> [CompiledNode] {
    nonisolated(unsafe) let tests = tests
    return slots.concurrentMap { slot in
      switch slot {
      case .model(let index):
        let node = rendered[project.models[index].uniqueID]
        var dependsOn: [String] = []
        for reference in node?.references ?? [] {
          guard let parent = id(for: reference.reference) else { continue }
          dependsOn.append(parent)
        }
        return CompiledNode(
          uniqueID: project.models[index].uniqueID, resourceType: .model,
          name: project.models[index].name,
          originalFilePath: project.models[index].originalFilePath,
          fqn: project.models[index].fqn, sql: nil, relation: nil,
          config: node?.config ?? project.models[index].config,
          dependsOn: dependsOn.sortedUnique(), genericTest: nil)
      case .seed(let index):
        let seed = project.seeds[index]
        return CompiledNode(
          uniqueID: seed.uniqueID, resourceType: .seed, name: seed.name,
          originalFilePath: seed.originalFilePath,
          fqn: seed.fqn, sql: nil, relation: nil, config: seed.config, dependsOn: [],
          genericTest: nil)
      case .source(let index):
        let source = project.sources[index]
        return CompiledNode(
          uniqueID: source.uniqueID, resourceType: .source, name: source.name,
          originalFilePath: source.originalFilePath,
          fqn: [project.name, source.sourceName, source.name], sql: nil,
          relation: RelationName(
            database: source.database, schema: source.schema, identifier: source.identifier),
          config: source.config, dependsOn: [], genericTest: nil)
      case .singularTest(let index):
        let test = project.singularTests[index]
        let node = rendered[test.uniqueID]
        let dependsOn = (node?.references ?? []).compactMap { id(for: $0.reference) }
        return CompiledNode(
          uniqueID: test.uniqueID, resourceType: .test, name: test.name,
          originalFilePath: test.originalFilePath,
          fqn: test.fqn, sql: nil, relation: nil, config: node?.config ?? test.config,
          dependsOn: dependsOn.sortedUnique(), genericTest: nil)
      case .genericTest(let index):
        // Each test has one slot, so it is still there; an empty node stands for the
        // impossible case rather than a trap.
        guard let test = tests?[index].take() else {
          return CompiledNode(
            uniqueID: "", resourceType: .test, name: "", originalFilePath: "", fqn: [],
            sql: nil, relation: nil, config: NodeConfig(), dependsOn: [], genericTest: nil)
        }
        var dependsOn = [test.attachedTo]
        for reference in test.references {
          if let parent = id(for: reference.reference) { dependsOn.append(parent) }
        }
        var node = CompiledNode(
          uniqueID: test.uniqueID, resourceType: .test, name: test.name,
          originalFilePath: test.originalFilePath,
          fqn: [project.name, test.name], sql: nil, relation: nil, config: test.config,
          dependsOn: dependsOn.sortedUnique(), genericTest: nil)
        node.genericTest = consume test
        return node
      }
    }
  }

  /// The nodes sorted by unique id, and the graph over them. Nodes are moved into place by
  /// swaps and edges resolved with one lookup per parent: copies and string hashing are most
  /// of linking a 30,000-node project.
  /// Consuming: the array is permuted in place, where a shared one would be copied whole.
  static func ordered(_ nodes: consuming [CompiledNode]) -> ([CompiledNode], DependencyGraph) {
    let count = nodes.count
    // `link` builds them in id order: one pass proves it (and that ids are unique), where
    // sorting 30,000 indices by id compared strings sequentially for ~10 ms.
    let isOrdered = nodes.indices.dropFirst().allSatisfy {
      nodes[$0 - 1].uniqueID < nodes[$0].uniqueID
    }
    if !isOrdered, let unordered = sortedByID(&nodes) { return unordered }
    let ids = nodes.indices.map { nodes[$0].uniqueID }
    var positions: [String: Int] = [:]
    positions.reserveCapacity(count)
    for index in ids.indices { positions[ids[index]] = index }
    let frozen = nodes
    let lookup = positions
    let parents: [[Int]] = Array(0..<count).concurrentMap { index in
      frozen[index].dependsOn.compactMap { lookup[$0] }
    }
    return (frozen, DependencyGraph(sortedIDs: ids, positions: positions, parents: parents))
  }

  /// Sorts the nodes by unique id in place, by swaps. With two nodes of one id (a singular and
  /// a generic test, reported by `link`) it returns the first of each id and a graph over all.
  private static func sortedByID(_ nodes: inout [CompiledNode]) -> (
    [CompiledNode], DependencyGraph
  )? {
    var byID = Array(nodes.indices)
    byID.sort { nodes[$0].uniqueID < nodes[$1].uniqueID }
    let isUnique = byID.indices.dropFirst().allSatisfy {
      nodes[byID[$0 - 1]].uniqueID != nodes[byID[$0]].uniqueID
    }
    guard isUnique else {
      var edges: [(child: String, parent: String)] = []
      for index in nodes.indices {
        for parent in nodes[index].dependsOn { edges.append((nodes[index].uniqueID, parent)) }
      }
      let graph = DependencyGraph(ids: nodes.indices.map { nodes[$0].uniqueID }, edges: edges)
      var kept: [CompiledNode] = []
      for index in byID.indices
      where index == 0 || nodes[byID[index - 1]].uniqueID != nodes[byID[index]].uniqueID {
        kept.append(nodes[byID[index]])
      }
      return (kept, graph)
    }
    // `target[i]`: where the node now at `i` belongs.
    var target = [Int](repeating: 0, count: nodes.count)
    for (rank, index) in byID.enumerated() { target[index] = rank }
    for start in target.indices {
      while target[start] != start {
        let destination = target[start]
        nodes.swapAt(start, destination)
        target.swapAt(start, destination)
      }
    }
    return nil
  }
}
