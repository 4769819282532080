import Diagnostics
import Graph
import Project
import Template

/// Resolves references to nodes, builds the dependency graph, and reports cycles.
///
/// Every reference is resolved once, to a node index, while the nodes are built: later
/// stages read indices instead of hashing ids (a 100,000-model project has 300,000 nodes and
/// hundreds of thousands of references).
/// A class: the parallel builders share it, where a struct of this size was copied into
/// each call that captured it.
final class Linker: Sendable {
  struct Linked {
    var nodes: [CompiledNode]
    let graph: DependencyGraph
    let order: [Int]
    /// For each node, the node index each of its references points to (-1: unresolved), in
    /// the order of the `references` of its rendered node or generic test.
    let referenceTargets: [[Int]]
    /// For each node, the index of the node a generic test tests; -1 for other nodes.
    let attachedIndices: [Int]
    /// For each node, the index of its template output in the render results; -1 for nodes
    /// without one (seeds, sources, generic tests).
    let renderedIndices: [Int]
  }

  /// Where a node comes from, by index into its kind's list.
  private enum Slot: Sendable {
    /// A position in `modelIndices`.
    case model(Int)
    case seed(Int)
    case source(Int)
    case singularTest(Int)
    case genericTest(Int)
  }

  /// Every node in slot order and what building it found, by slot: references, parents
  /// (sorted) and tested nodes as slots (see `Linked`).
  struct Built {
    var nodes: [CompiledNode]
    var targets: [[Int]]
    var parents: [[Int]]
    var attached: [Int]
    var rendered: [Int]
  }

  let project: LoadedProject
  /// Indices of the enabled models in `project.models`.
  let modelIndices: [Int]
  /// Template outputs; `renderedModels` and `renderedSingularTests` point into it.
  let rendered: [RenderedNode?]
  /// For each enabled model (by position in `modelIndices`), its index in `rendered` or -1.
  let renderedModels: [Int]
  /// For each singular test (by index in `project.singularTests`), its index in `rendered`
  /// or -1.
  let renderedSingularTests: [Int]
  /// Indices of the enabled singular tests in `project.singularTests`.
  let singularTests: [Int]
  /// Slots of models and seeds by the name `ref` uses; models win over seeds of the same name.
  /// Models take the first slots, then seeds, then sources, then tests.
  private let slotsByName: [String: Int]
  /// With packages installed, the slots of each project's models and seeds by package, then
  /// name: names may repeat across packages. Empty without packages.
  private let slotsByPackage: [String: [String: Int]]
  /// Slots of sources by unique id.
  private let slotsByID: [String: Int]
  /// The first seed's and the first source's slot: models come first (by position in
  /// `modelIndices`), then seeds, then sources, then tests.
  let seedStart: Int
  let sourceStart: Int

  init(
    project: LoadedProject, modelIndices: [Int], rendered: [RenderedNode?], renderedModels: [Int],
    renderedSingularTests: [Int], singularTests: [Int]
  ) {
    self.project = project
    self.modelIndices = modelIndices
    self.rendered = rendered
    self.renderedModels = renderedModels
    self.renderedSingularTests = renderedSingularTests
    self.singularTests = singularTests
    let seedStart = modelIndices.count
    let sourceStart = seedStart + project.seeds.count
    self.seedStart = seedStart
    self.sourceStart = sourceStart
    var slotsByName: [String: Int] = [:]
    slotsByName.reserveCapacity(modelIndices.count + project.seeds.count)
    for index in project.seeds.indices {
      slotsByName[project.seeds[index].name] = seedStart + index
    }
    for position in modelIndices.indices {
      slotsByName[project.models[modelIndices[position]].name] = position
    }
    self.slotsByName = slotsByName
    var slotsByPackage: [String: [String: Int]] = [:]
    if !project.packages.isEmpty {
      for index in project.seeds.indices {
        slotsByPackage[project.seeds[index].fqn[0], default: [:]][project.seeds[index].name] =
          seedStart + index
      }
      for position in modelIndices.indices {
        let model = project.models[modelIndices[position]]
        slotsByPackage[model.fqn[0], default: [:]][model.name] = position
      }
    }
    self.slotsByPackage = slotsByPackage
    var slotsByID: [String: Int] = [:]
    // By `source.table`: a package's sources are `source.<package>...`, and refer to the same
    // names as the root project's.
    for index in project.sources.indices {
      let source = project.sources[index]
      slotsByID["\(source.sourceName).\(source.name)"] = sourceStart + index
    }
    self.slotsByID = slotsByID
  }

  /// The slot a reference of a node of `package` resolves to (nil: unknown, or `this`). A
  /// bare `ref` looks in the root project, then the node's package, then any other, as dbt.
  private func slot(for reference: RelationReference, from package: Substring?) -> Int? {
    switch reference {
    case .ref(let name, let target):
      guard !slotsByPackage.isEmpty else { return slotsByName[name] }
      if let target { return slotsByPackage[target]?[name] }
      if let slot = slotsByPackage[project.name]?[name] { return slot }
      if let package, let slot = slotsByPackage[String(package)]?[name] { return slot }
      for package in slotsByPackage.keys.sorted() {
        if let slot = slotsByPackage[package]?[name] { return slot }
      }
      return nil
    case .source(let source, let table):
      return slotsByID["\(source).\(table)"]
    case .this:
      return nil
    }
  }

  /// The unique id of a model, seed or source slot.
  private func uniqueID(ofSlot slot: Int) -> String {
    if slot < seedStart { return project.models[modelIndices[slot]].uniqueID }
    if slot < sourceStart { return project.seeds[slot - seedStart].uniqueID }
    return project.sources[slot - sourceStart].uniqueID
  }

  /// Links every node; each generic test is moved out of `genericTests` into its node.
  /// `ownerSlots` has the slot of the node each test tests (see `GenericTestBuilder.Owner`).
  func link(
    genericTests: inout [GenericTestNode?], ownerSlots: [Int], sink: any DiagnosticSink
  ) -> Linked? {
    // Every node is built in parallel, straight into id order ("model." < "seed." < "source." <
    // "test."; each kind is sorted but generic tests, which are sorted here), so ordering
    // them afterwards moves nothing.
    var slots: [Slot] = modelIndices.indices.map { .model($0) }
    slots += project.seeds.indices.map { .seed($0) }
    slots += project.sources.indices.map { .source($0) }
    let singular = singularTests
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
        // A declaration that failed (reported already) has no test and no node.
        if let testName = tests[index]?.testName { groups[testName, default: []].append(index) }
        genericIDs.append(tests[index]?.uniqueID ?? "")
      }
    }
    for key in groups.keys.sorted() { generic += groups[key] ?? [] }
    generic.sort { genericIDs[$0] < genericIDs[$1] }
    var nextSingular = 0
    var nextGeneric = 0
    while nextSingular < singular.count || nextGeneric < generic.count {
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
    let built = genericTests.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let movableTests = buffer.baseAddress
      return buildNodes(slots, movableTests, ownerSlots: ownerSlots)
    }
    let linked = Linker.ordered(consume built)
    guard let order = linked.graph.topologicalOrder() else {
      reportCycles(linked, sink: sink)
      return nil
    }
    return Linked(
      nodes: linked.nodes, graph: linked.graph, order: order,
      referenceTargets: linked.referenceTargets, attachedIndices: linked.attachedIndices,
      renderedIndices: linked.renderedIndices)
  }

  /// Reports each cycle with its whole path, pointing at the `ref` call of each step.
  private func reportCycles(_ linked: Linked, sink: any DiagnosticSink) {
    let graph = linked.graph
    let nodes = linked.nodes
    // Cycles are rare: only now find where each edge's `ref` call is.
    func edgeRange(_ child: Int, _ parent: Int) -> SourceRange? {
      let renderedIndex = linked.renderedIndices[child]
      guard renderedIndex >= 0, let node = rendered[renderedIndex],
        let position = linked.referenceTargets[child].firstIndex(of: parent),
        position < node.references.count
      else { return nil }
      return node.references[position].range
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
  }

  /// Every node, in slot order, built in parallel, with its references resolved to slots;
  /// generic tests are moved out of `tests`.
  private func buildNodes(
    _ slots: [Slot], _ tests: UnsafeMutablePointer<GenericTestNode?>?, ownerSlots: [Int]
  ) -> Built {
    nonisolated(unsafe) let tests = tests
    /// What building one node finds besides the node, by slot.
    struct Facts {
      var targets: [Int] = []
      var parents: [Int] = []
      var attached = -1
      var rendered = -1
    }
    var facts = [Facts](repeating: Facts(), count: slots.count)
    // Each slot's facts are written by the one task that builds its node.
    let nodes: [CompiledNode] = facts.withUnsafeMutableBufferPointer { factsBuffer in
      nonisolated(unsafe) let facts = factsBuffer.baseAddress
      return Array(slots.indices).concurrentMap { position in
        // Resolves references to slots; `this` is the node itself but not a parent.
        func resolve(
          _ references: [RecordedReference], of uniqueID: String, into nodeParents: inout [Int]
        ) {
          guard !references.isEmpty else { return }
          let package =
            slotsByPackage.isEmpty
            ? nil : uniqueID.split(separator: ".", maxSplits: 2).dropFirst().first
          var nodeTargets: [Int] = []
          nodeTargets.reserveCapacity(references.count)
          for reference in references {
            if case .this = reference.reference {
              nodeTargets.append(position)
            } else if let parent = slot(for: reference.reference, from: package) {
              nodeTargets.append(parent)
              nodeParents.append(parent)
            } else {
              nodeTargets.append(-1)
            }
          }
          facts?[position].targets = nodeTargets
        }
        // A model's or singular test's template output, recorded for the node, with its
        // references resolved and its parents sorted.
        func renderedNode(
          _ renderedIndex: Int, of uniqueID: String, parents nodeParents: inout [Int]
        ) -> RenderedNode? {
          facts?[position].rendered = renderedIndex
          let renderedNode = renderedIndex >= 0 ? rendered[renderedIndex] : nil
          resolve(renderedNode?.references ?? [], of: uniqueID, into: &nodeParents)
          nodeParents = nodeParents.sortedUnique()
          return renderedNode
        }
        var nodeParents: [Int] = []
        let node: CompiledNode
        switch slots[position] {
        case .model(let modelPosition):
          let index = modelIndices[modelPosition]
          // A foreign key's `to: ref(...)` is a parent: its table must exist first.
          for name in project.models[index].patch?.foreignKeyModels ?? [] {
            if let parent = slotsByName[name], parent != position { nodeParents.append(parent) }
          }
          let renderedNode = renderedNode(
            renderedModels[modelPosition], of: project.models[index].uniqueID,
            parents: &nodeParents)
          node = CompiledNode(
            uniqueID: project.models[index].uniqueID,
            resourceType: project.models[index].resourceType,
            name: project.models[index].name,
            originalFilePath: project.models[index].originalFilePath,
            fqn: project.models[index].fqn, sql: nil, relation: nil,
            config: renderedNode?.config ?? project.models[index].config,
            dependsOn: nodeParents.map { uniqueID(ofSlot: $0) }, genericTest: nil)
        case .seed(let index):
          let seed = project.seeds[index]
          node = CompiledNode(
            uniqueID: seed.uniqueID, resourceType: .seed, name: seed.name,
            originalFilePath: seed.originalFilePath,
            fqn: seed.fqn, sql: nil, relation: nil, config: seed.config, dependsOn: [],
            genericTest: nil)
        case .source(let index):
          let source = project.sources[index]
          node = CompiledNode(
            uniqueID: source.uniqueID, resourceType: .source, name: source.name,
            originalFilePath: source.originalFilePath,
            fqn: [project.name, source.sourceName, source.name], sql: nil,
            relation: RelationName(
              database: source.database, schema: source.schema,
              identifier: source.identifier),
            config: source.config, dependsOn: [], genericTest: nil)
        case .singularTest(let index):
          let test = project.singularTests[index]
          let renderedNode = renderedNode(
            renderedSingularTests[index], of: test.uniqueID, parents: &nodeParents)
          node = CompiledNode(
            uniqueID: test.uniqueID, resourceType: .test, name: test.name,
            originalFilePath: test.originalFilePath,
            fqn: test.fqn, sql: nil, relation: nil,
            config: renderedNode?.config ?? test.config,
            dependsOn: nodeParents.map { uniqueID(ofSlot: $0) }, genericTest: nil)
        case .genericTest(let index):
          // Each test has one slot, so it is still there; an empty node stands for the
          // impossible case rather than a trap.
          guard let test = tests?[index].take() else {
            return CompiledNode(
              uniqueID: "", resourceType: .test, name: "", originalFilePath: "", fqn: [],
              sql: nil, relation: nil, config: NodeConfig(), dependsOn: [],
              genericTest: nil)
          }
          if index < ownerSlots.count {
            facts?[position].attached = ownerSlots[index]
            nodeParents.append(ownerSlots[index])
          }
          resolve(test.references, of: test.uniqueID, into: &nodeParents)
          nodeParents = nodeParents.sortedUnique()
          var testNode = CompiledNode(
            uniqueID: test.uniqueID, resourceType: .test, name: test.name,
            originalFilePath: test.originalFilePath,
            fqn: [project.name, test.name], sql: nil, relation: nil, config: test.config,
            dependsOn: nodeParents.map { uniqueID(ofSlot: $0) }, genericTest: nil)
          testNode.genericTest = consume test
          node = testNode
        }
        facts?[position].parents = nodeParents
        return node
      }
    }
    return Built(
      nodes: nodes, targets: facts.map(\.targets), parents: facts.map(\.parents),
      attached: facts.map(\.attached), rendered: facts.map(\.rendered))
  }

  /// The nodes in id order, the graph over them, and their references as node indices.
  /// `link` builds nodes in id order, so slots are node indices, unless two nodes share an
  /// id (an error `link` reports) or a kind's list was not sorted: then they are sorted and
  /// every slot mapped to its node's index.
  /// Consuming: the nodes are moved, not copied (300,000 of them at 100,000 models).
  static func ordered(_ built: consuming Built) -> Linked {
    var built = built
    // One pass proves the order (and that ids are unique), where sorting 30,000 indices by id
    // compared strings sequentially for ~10 ms.
    let isOrdered = built.nodes.indices.dropFirst().allSatisfy {
      built.nodes[$0 - 1].uniqueID < built.nodes[$0].uniqueID
    }
    if !isOrdered { built = sortedByID(built) }
    let ids = built.nodes.indices.map { built.nodes[$0].uniqueID }
    let graph = DependencyGraph(sortedIDs: ids, parents: built.parents)
    return Linked(
      nodes: built.nodes, graph: graph, order: [], referenceTargets: built.targets,
      attachedIndices: built.attached, renderedIndices: built.rendered)
  }

  /// Sorts the nodes by unique id and maps every slot to its node's index. Of two nodes with
  /// one id, should there be any, the first is kept and gets the other's edges.
  private static func sortedByID(_ built: Built) -> Built {
    let nodes = built.nodes
    var byID = Array(nodes.indices)
    byID.sort { (nodes[$0].uniqueID, $0) < (nodes[$1].uniqueID, $1) }
    var indexOfSlot = [Int](repeating: 0, count: nodes.count)
    var keptSlots: [Int] = []
    for slot in byID {
      if let last = keptSlots.last, nodes[last].uniqueID == nodes[slot].uniqueID {
        indexOfSlot[slot] = keptSlots.count - 1
      } else {
        indexOfSlot[slot] = keptSlots.count
        keptSlots.append(slot)
      }
    }
    var parents = [[Int]](repeating: [], count: keptSlots.count)
    for slot in nodes.indices {
      parents[indexOfSlot[slot]] += built.parents[slot].map { indexOfSlot[$0] }
    }
    parents = parents.map { $0.sortedUnique() }
    var sortedNodes = keptSlots.map { nodes[$0] }
    for index in sortedNodes.indices {
      sortedNodes[index].dependsOn = parents[index].map { sortedNodes[$0].uniqueID }
    }
    return Built(
      nodes: sortedNodes,
      targets: keptSlots.map { built.targets[$0].map { $0 >= 0 ? indexOfSlot[$0] : -1 } },
      parents: parents,
      attached: keptSlots.map { built.attached[$0] >= 0 ? indexOfSlot[built.attached[$0]] : -1 },
      rendered: keptSlots.map { built.rendered[$0] })
  }
}
