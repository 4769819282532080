import Diagnostics
import Foundation
import Graph
import Testing

/// raw_orders -> stg_orders -> fct -> mart; raw_customers -> stg_customers -> fct; plus a test on stg_orders.
private func shopSelection() -> Selection {
  let specs:
    [(
      id: String, name: String, type: String, tags: [String], path: String, fqn: [String],
      materialized: String, parents: [String]
    )] = [
      (
        "seed.shop.raw_orders", "raw_orders", "seed", [], "seeds/raw_orders.csv",
        ["shop", "raw_orders"], "seed", []
      ),
      (
        "source.shop.crm.customers", "customers", "source", [], "models/_sources.yml",
        ["shop", "crm", "customers"], "", []
      ),
      (
        "model.shop.stg_orders", "stg_orders", "model", ["staging"],
        "models/staging/stg_orders.sql", ["shop", "staging", "stg_orders"], "view",
        ["seed.shop.raw_orders"]
      ),
      (
        "model.shop.stg_customers", "stg_customers", "model", ["staging", "pii"],
        "models/staging/stg_customers.sql", ["shop", "staging", "stg_customers"], "view",
        ["source.shop.crm.customers"]
      ),
      (
        "model.shop.fct", "fct", "model", ["star"], "models/star/fct.sql", ["shop", "star", "fct"],
        "incremental", ["model.shop.stg_orders", "model.shop.stg_customers"]
      ),
      (
        "model.shop.mart", "mart", "model", ["marts"], "models/marts/mart.sql",
        ["shop", "marts", "mart"], "table", ["model.shop.fct"]
      ),
      (
        "test.shop.not_null_stg_orders_id", "not_null_stg_orders_id", "test", [],
        "models/staging/_s.yml", ["shop", "not_null_stg_orders_id"], "", ["model.shop.stg_orders"]
      ),
      (
        "test.shop.rel_fct_customers", "rel_fct_customers", "test", [], "models/star/_s.yml",
        ["shop", "rel_fct_customers"], "", ["model.shop.fct", "model.shop.stg_customers"]
      ),
    ]
  let graph = DependencyGraph(
    ids: specs.map(\.id),
    edges: specs.flatMap { spec in spec.parents.map { (child: spec.id, parent: $0) } })
  let byID = Dictionary(uniqueKeysWithValues: specs.map { ($0.id, $0) })
  let nodes = graph.ids.compactMap { id -> Selectable? in
    guard let spec = byID[id] else { return nil }
    return Selectable(
      id: id, name: spec.name, resourceType: spec.type, tags: spec.tags, path: spec.path,
      fqn: spec.fqn,
      config: spec.materialized.isEmpty ? [:] : ["materialized": [spec.materialized]],
      group: spec.type == "source" ? "crm" : (spec.type == "test" ? "generic" : nil))
  }
  return Selection(graph: graph, nodes: nodes)
}

private func names(
  _ selection: Selection, _ select: [String], exclude: [String] = [], indirect: Bool = false
) throws -> [String] {
  let selected = selection.resolve(
    select: select.isEmpty ? nil : try Selector.parse(select),
    exclude: exclude.isEmpty ? nil : try Selector.parse(exclude), indirectTests: indirect)
  return selected.map { selection.nodes[$0].name }.sorted()
}

@Suite struct SelectorTests {
  let selection = shopSelection()

  @Test(arguments: [
    (["stg_orders"], ["stg_orders"]),
    (["+fct"], ["customers", "fct", "raw_orders", "stg_customers", "stg_orders"]),
    (
      ["stg_orders+"], ["fct", "mart", "not_null_stg_orders_id", "rel_fct_customers", "stg_orders"]
    ),
    (["1+fct"], ["fct", "stg_customers", "stg_orders"]),
    (["stg_orders+1"], ["fct", "not_null_stg_orders_id", "stg_orders"]),
    (
      ["@stg_orders"],
      [
        "customers", "fct", "mart", "not_null_stg_orders_id", "raw_orders", "rel_fct_customers",
        "stg_customers", "stg_orders",
      ]
    ),
    (["tag:staging"], ["stg_customers", "stg_orders"]),
    (["tag:staging,tag:pii"], ["stg_customers"]),
    (["tag:star tag:marts"], ["fct", "mart"]),
    (["tag:star", "tag:marts"], ["fct", "mart"]),
    (["path:models/staging"], ["not_null_stg_orders_id", "stg_customers", "stg_orders"]),
    (["models/star"], ["fct", "rel_fct_customers"]),
    (["config.materialized:incremental"], ["fct"]),
    (["config.materialized:view,+fct"], ["stg_customers", "stg_orders"]),
    (["resource_type:seed"], ["raw_orders"]),
    (["source:crm"], ["customers"]),
    (
      ["source:crm.customers+"], ["customers", "fct", "mart", "rel_fct_customers", "stg_customers"]
    ),
    (["staging"], ["stg_customers", "stg_orders"]),
    (["shop.star.fct"], ["fct"]),
    (["stg_*"], ["stg_customers", "stg_orders"]),
    (["test_type:generic"], ["not_null_stg_orders_id", "rel_fct_customers"]),
    (["file:fct.sql"], ["fct"]),
  ])
  func selectsLikeDbt(select: [String], expected: [String]) throws {
    #expect(try names(selection, select) == expected)
  }

  @Test func excludeSubtractsAfterSelecting() throws {
    #expect(
      try names(selection, ["+mart"], exclude: ["tag:staging", "resource_type:source"]) == [
        "fct", "mart", "raw_orders",
      ])
  }

  @Test func selectingAModelSelectsItsTests() throws {
    #expect(
      try names(selection, ["stg_orders"], indirect: true) == [
        "not_null_stg_orders_id", "stg_orders",
      ])
    // A test with several parents is selected when any of them is (dbt's eager mode).
    #expect(try names(selection, ["fct"], indirect: true) == ["fct", "rel_fct_customers"])
    // ...and excluded as soon as any of them is excluded.
    #expect(
      try names(selection, ["fct", "stg_customers"], exclude: ["fct"], indirect: true) == [
        "stg_customers"
      ])
  }

  @Test(arguments: [
    ("tagg:x", "invalid selector `tagg:x`: unknown method `tagg`", "did you mean `tag`?"),
    ("tag:", "invalid selector `tag:`: `tag:` needs a value", nil),
    ("@+x", "invalid selector `@+x`: `@` cannot be combined with `+`", nil),
    ("a,,b", "invalid selector `a,,b`: empty selector between commas", nil),
    ("+", "invalid selector `+`: nothing to select", nil),
  ])
  func rejectsBadSyntaxWithAHint(text: String, message: String, hint: String?) {
    #expect {
      _ = try Selector.parse([text])
    } throws: { error in
      let diagnostic = error as? Diagnostic
      return diagnostic?.message == message && diagnostic?.hint == hint
    }
  }
}

@Suite struct DependencyGraphTests {
  @Test func ordersParentsFirstWithTiesBrokenById() {
    let graph = DependencyGraph(
      ids: ["d", "c", "b", "a"], edges: [("d", "b"), ("c", "a"), ("b", "a")])
    #expect(graph.topologicalOrder().map { $0.map { graph.ids[$0] } } == ["a", "b", "c", "d"])
  }

  @Test func reportsEveryCycleWithItsWholePath() {
    // a -> b -> c -> a (a depends on b, b on c, c on a), and a self-reference on e.
    let graph = DependencyGraph(
      ids: ["a", "b", "c", "d", "e"],
      edges: [("a", "b"), ("b", "c"), ("c", "a"), ("d", "a"), ("e", "e")])
    #expect(graph.topologicalOrder() == nil)
    #expect(
      graph.cycles().map { $0.map { graph.ids[$0] } } == [["a", "b", "c", "a"], ["e", "e"]])
  }

  @Test func deepChainsNeedNoRecursion() {
    let count = 50_000
    let ids = (0..<count).map { String(format: "n%06d", $0) }
    var edges = (1..<count).map { (child: ids[$0], parent: ids[$0 - 1]) }
    edges.append((ids[0], ids[count - 1]))
    let graph = DependencyGraph(ids: ids, edges: edges)
    #expect(graph.cycles().first?.count == count + 1)
  }

  @Test func indexedConstructionEqualsTheEdgeList() {
    // A pseudo-random graph with duplicate and self edges, built both ways.
    var state: UInt64 = 42
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
    let ids = (0..<300).map { "node\($0 * 7 % 300)" }.sorted()
    var parents = [[Int]](repeating: [], count: ids.count)
    var edges: [(child: String, parent: String)] = []
    for _ in 0..<900 {
      let child = next(ids.count)
      let parent = next(ids.count)
      parents[child].append(parent)
      edges.append((ids[child], ids[parent]))
    }
    let indexed = DependencyGraph(sortedIDs: ids, parents: parents)
    let listed = DependencyGraph(ids: ids.reversed(), edges: edges)
    #expect(indexed.ids == listed.ids)
    #expect(indexed.parents == listed.parents)
    #expect(indexed.children == listed.children)
    #expect(indexed.index(of: "node42") == listed.index(of: "node42"))
    // Found by a binary search: every id at its place, and absent ids (before, between and
    // after the others) not found.
    #expect(ids.indices.allSatisfy { indexed.index(of: ids[$0]) == $0 })
    for absent in ["", "node", "node100a", "node99 ", "zzz"] {
      #expect(indexed.index(of: absent) == nil)
    }
    #expect(indexed.cycles() == listed.cycles())
  }

  /// The order breaks ties by id: among the nodes whose parents are all placed, the smallest
  /// index comes next. Checked against a plain scan for that node, on random acyclic graphs
  /// large enough for every level of the bitset queue (more than 64 * 64 nodes).
  @Test func topologicalOrderTakesTheSmallestReadyNodeFirst() {
    var state: UInt64 = 7
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
    for count in [1, 2, 63, 64, 65, 700, 5000] {
      let ids = (0..<count).map { String(format: "n%05d", $0) }
      // Edges between random pairs, pointing from a later rank to an earlier one in a random
      // ranking, so the graph has no cycle and index order is not a valid order.
      let rank = (0..<count).map { _ in next(1_000_000) }
      var parents = [[Int]](repeating: [], count: count)
      for _ in 0..<(count * 2) {
        let a = next(count)
        let b = next(count)
        guard rank[a] != rank[b] else { continue }
        if rank[a] > rank[b] { parents[a].append(b) } else { parents[b].append(a) }
      }
      let graph = DependencyGraph(sortedIDs: ids, parents: parents)
      var remaining = graph.parents.map(\.count)
      var ready = Set(ids.indices.filter { remaining[$0] == 0 })
      var expected: [Int] = []
      while let smallest = ready.min() {
        ready.remove(smallest)
        expected.append(smallest)
        for child in graph.children[smallest] {
          remaining[child] -= 1
          if remaining[child] == 0 { ready.insert(child) }
        }
      }
      #expect(expected.count == count)
      #expect(graph.topologicalOrder() == expected, "\(count) nodes")
    }
  }

  @Test func ancestorsAndDescendantsRespectDepth() {
    let graph = DependencyGraph(ids: ["a", "b", "c"], edges: [("b", "a"), ("c", "b")])
    #expect(graph.ancestors(of: 2, depth: 1) == [1])
    #expect(graph.ancestors(of: 2) == [0, 1])
    #expect(graph.descendants(of: 0, depth: 2) == [1, 2])
  }

  /// a -> b -> c -> d, x -> b, c -> y: with a and d selected, b and c lie between them; x
  /// (only above) and y (only below) do not.
  @Test func nodesBetweenMembersAreThoseOnAPathFromOneToAnother() {
    let graph = DependencyGraph(
      ids: ["a", "b", "c", "d", "x", "y"],
      edges: [("b", "a"), ("c", "b"), ("d", "c"), ("b", "x"), ("y", "c")])
    #expect(graph.nodesBetween([true, false, false, true, false, false]) == [1, 2])
    #expect(graph.nodesBetween([true, false, false, false, false, false]) == [])
    #expect(graph.nodesBetween([Bool](repeating: true, count: 6)) == [])
  }
}
