import Graph
import Project
import Testing

@testable import Compiler

/// `link` builds nodes straight into id order; these cover the other case, nodes built out
/// of order, where every fact recorded by slot must follow its node.
@Suite struct LinkerTests {
  func node(_ id: String) -> CompiledNode {
    CompiledNode(
      uniqueID: id, resourceType: .model, name: id, originalFilePath: "", fqn: [], sql: nil,
      relation: nil, config: NodeConfig(), dependsOn: [], genericTest: nil)
  }

  @Test func nodesBuiltOutOfOrderAreSortedWithTheirEdgesAndReferences() {
    // Slots: 0 = c, 1 = a, 2 = b. c refers to b, a and itself; b refers to a and tests it.
    let built = Linker.Built(
      nodes: [node("model.p.c"), node("model.p.a"), node("model.p.b")],
      targets: [[2, 1, 0], [], [1]], parents: [[1, 2], [], [1]], attached: [-1, -1, 1],
      rendered: [7, 8, 9])
    let linked = Linker.ordered(built)
    #expect(linked.nodes.map(\.uniqueID) == ["model.p.a", "model.p.b", "model.p.c"])
    #expect(linked.graph.parents == [[], [0], [0, 1]])
    #expect(linked.graph.children == [[1, 2], [2], []])
    #expect(linked.nodes.map(\.dependsOn) == [[], ["model.p.a"], ["model.p.a", "model.p.b"]])
    #expect(linked.referenceTargets == [[], [0], [1, 0, 2]])
    #expect(linked.attachedIndices == [-1, 0, -1])
    #expect(linked.renderedIndices == [8, 9, 7])
    #expect(linked.graph.index(of: "model.p.c") == 2)
  }

  /// Two nodes with one id (a singular and a generic test, which `link` reports): the first
  /// is kept, with the edges of both.
  @Test func ofTwoNodesWithOneIDTheFirstIsKeptWithBothEdges() {
    let built = Linker.Built(
      nodes: [node("test.p.x"), node("model.p.m"), node("test.p.x"), node("model.p.n")],
      targets: [[1], [], [3], []], parents: [[1], [], [3], []], attached: [1, -1, 3, -1],
      rendered: [0, -1, 1, -1])
    let linked = Linker.ordered(built)
    #expect(linked.nodes.map(\.uniqueID) == ["model.p.m", "model.p.n", "test.p.x"])
    #expect(linked.graph.parents == [[], [], [0, 1]])
    #expect(linked.nodes[2].dependsOn == ["model.p.m", "model.p.n"])
    #expect(linked.referenceTargets == [[], [], [0]])
    #expect(linked.attachedIndices == [-1, -1, 0])
  }

  /// Built in id order, nothing moves and parent lists are kept as built.
  @Test func nodesBuiltInOrderKeepTheirSlots() {
    let built = Linker.Built(
      nodes: [node("model.p.a"), node("model.p.b")], targets: [[], [0, 1]],
      parents: [[], [0]], attached: [-1, -1], rendered: [0, 1])
    let linked = Linker.ordered(built)
    #expect(linked.nodes.map(\.uniqueID) == ["model.p.a", "model.p.b"])
    #expect(linked.graph.parents == [[], [0]])
    #expect(linked.referenceTargets == [[], [0, 1]])
    #expect(linked.renderedIndices == [0, 1])
  }
}
