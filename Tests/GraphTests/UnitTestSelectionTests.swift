import Graph
import Testing

/// Unit tests in selection: a unit test reads its model's parents but belongs to its model.
@Suite struct UnitTestSelectionTests {
  /// a -> b; `check_b` unit-tests b (its parents are b's); `unique_a_id` is a generic test on a.
  let selection: Selection = {
    let ids = ["model.p.a", "model.p.b", "test.p.unique_a_id", "unit_test.p.b.check_b"]
    let graph = DependencyGraph(
      ids: ids,
      edges: [
        (child: "model.p.b", parent: "model.p.a"),
        (child: "test.p.unique_a_id", parent: "model.p.a"),
        (child: "unit_test.p.b.check_b", parent: "model.p.a"),
      ])
    let nodes = [
      Selectable(
        id: ids[0], name: "a", resourceType: "model", tags: [], path: "", fqn: ["p", "a"]),
      Selectable(
        id: ids[1], name: "b", resourceType: "model", tags: [], path: "", fqn: ["p", "b"]),
      Selectable(
        id: ids[2], name: "unique_a_id", resourceType: "test", tags: [], path: "",
        fqn: ["p", "unique_a_id"], config: ["test_name": ["unique"]], group: "generic"),
      Selectable(
        id: ids[3], name: "check_b", resourceType: "test", tags: [], path: "",
        fqn: ["p", "b", "check_b"], config: ["unit_test_model": ["model.p.b"]], group: "unit"),
    ]
    return Selection(graph: graph, nodes: nodes)
  }()

  private func names(_ select: String, exclude: String? = nil) throws -> [String] {
    let selected = selection.resolve(
      select: try Selector.parse([select]), exclude: try exclude.map { try Selector.parse([$0]) })
    return selected.map { selection.nodes[$0].name }.sorted()
  }

  @Test(arguments: [
    ("b", ["b", "check_b"]),
    ("a", ["a", "unique_a_id"]),
    ("test_type:unit", ["check_b"]),
    ("unit_test:check_*", ["check_b"]),
    ("resource_type:unit_test", ["check_b"]),
    ("test_name:check_b", ["check_b"]),
    ("test_name:unique", ["unique_a_id"]),
  ])
  func selectsUnitTestsByTheirModelAndByName(select: String, expected: [String]) throws {
    #expect(try names(select) == expected)
  }

  @Test func excludingAModelDropsItsUnitTests() throws {
    #expect(try names("a+", exclude: "b") == ["a", "unique_a_id"])
  }
}
