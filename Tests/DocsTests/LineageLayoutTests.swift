import Compiler
import Docs
import Graph
import Testing

/// The lineage layout's promise: every edge of the graph is drawn, and no edge's path crosses
/// the box of a node it does not connect (no false chains); on the warehouse and on generated
/// graphs.
@Suite struct LineageLayoutTests {
  @Test func warehouseEdgesPassBehindNoOtherNode() throws {
    let compilation = try ManifestTests.warehouse()
    let (ids, layout) = Site.layout(compilation)
    #expect(!ids.contains { $0.hasPrefix("test.") })
    let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
    var parents = [[Int]](repeating: [], count: ids.count)
    for (index, id) in ids.enumerated() {
      let graphIndex = try #require(compilation.graph.index(of: id))
      parents[index] = try compilation.graph.parents[graphIndex].map {
        try #require(position[compilation.graph.ids[$0]])
      }
    }
    Self.expectLayoutProperty(layout, parents: parents)
    // Raw data first, marts last.
    #expect(layout.layer[try #require(position["seed.shop.raw_orders"])] == 0)
    #expect(layout.layer[try #require(position["source.shop.crm.customers"])] == 0)
    #expect(
      layout.layer[try #require(position["model.shop.customer_churn_rate"])]
        == layout.layerCount - 1)
  }

  @Test(arguments: [100, 10_000]) func generatedGraphEdgesPassBehindNoOtherNode(size: Int) {
    let parents = Self.generatedGraph(size: size)
    let layout = LineageLayout(
      parents: parents, topologicalOrder: Array(0..<size), group: (0..<size).map { "\($0 % 7)" })
    Self.expectLayoutProperty(layout, parents: parents)
  }

  @Test func barycenterSweepsUntangleCrossedEdges() {
    // a -> d, b -> c, c and d start in the wrong order (c first): one crossing, then none.
    let parents: [[Int]] = [[], [], [1], [0]]
    let layout = LineageLayout(
      parents: parents, topologicalOrder: [0, 1, 2, 3], group: ["a", "b", "c", "d"])
    #expect(LineageLayout.crossings(layers: [[0, 1], [2, 3]], up: parents) == 1)
    #expect(layout.layer == [0, 0, 1, 1])
    #expect((layout.y[0] < layout.y[1]) == (layout.y[3] < layout.y[2]), "no crossing: \(layout.y)")
  }

  @Test func aLongEdgeBendsAroundTheNodeInBetween() {
    // a -> b -> c and a -> c: the edge a -> c gets a bend in b's layer, outside b's box.
    let parents: [[Int]] = [[], [0], [0, 1]]
    let layout = LineageLayout(
      parents: parents, topologicalOrder: [0, 1, 2], group: ["a", "b", "c"])
    let long = layout.edges.first { $0.parent == 0 && $0.child == 2 }
    #expect(long?.bends.count == 1)
    Self.expectLayoutProperty(layout, parents: parents)
  }

  /// A DAG shaped like `bench/generate_project.py`'s projects: a tenth of the nodes are roots
  /// (seeds), every other node has one to three parents among all earlier nodes, so many edges
  /// span several layers. The same size always gives the same graph.
  static func generatedGraph(size: Int) -> [[Int]] {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func random(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
    let roots = max(1, size / 10)
    return (0..<size).map { node in
      guard node >= roots else { return [] }
      var chosen: Set<Int> = []
      for _ in 0..<(1 + random(3)) { chosen.insert(random(node)) }
      return chosen.sorted()
    }
  }

  /// Every edge of `parents` is drawn once, boxes do not overlap, and no segment of an edge's
  /// path meets the box of a node other than its two ends.
  static func expectLayoutProperty(
    _ layout: LineageLayout, parents: [[Int]], sourceLocation: SourceLocation = #_sourceLocation
  ) {
    let drawn = layout.edges.map { "\($0.parent)>\($0.child)" }.sorted()
    let expected = parents.enumerated().flatMap { child, ps in ps.map { "\($0)>\(child)" } }
      .sorted()
    #expect(drawn == expected, "every edge drawn", sourceLocation: sourceLocation)
    // Boxes by layer, sorted by top, to find the ones near a segment quickly.
    var byLayer = [[Int]](repeating: [], count: layout.layerCount)
    for node in parents.indices { byLayer[layout.layer[node]].append(node) }
    for index in byLayer.indices { byLayer[index].sort { layout.y[$0] < layout.y[$1] } }
    var overlaps = 0
    for nodes in byLayer {
      for (a, b) in zip(nodes, nodes.dropFirst())
      where layout.y[b] < layout.y[a] + LineageLayout.Size.nodeHeight {
        overlaps += 1
      }
    }
    #expect(overlaps == 0, "overlapping boxes", sourceLocation: sourceLocation)
    let columnWidth = Double(LineageLayout.x(layer: 1))
    var blocked: [String] = []
    for edge in layout.edges {
      let path = layout.path(edge)
      for (start, end) in zip(path, path.dropFirst()) {
        let low = max(0, Int((min(start.x, end.x) / columnWidth).rounded(.down)) - 1)
        let high = min(layout.layerCount - 1, Int(max(start.x, end.x) / columnWidth) + 1)
        guard low <= high else { continue }
        for layerIndex in low...high {
          let nodes = byLayer[layerIndex]
          // First box whose bottom reaches the segment's top.
          var first = 0
          var last = nodes.count
          let top = min(start.y, end.y)
          while first < last {
            let middle = (first + last) / 2
            if Double(layout.y[nodes[middle]] + LineageLayout.Size.nodeHeight) < top {
              first = middle + 1
            } else {
              last = middle
            }
          }
          for node in nodes[first...] {
            let box = layout.box(node)
            if box.y > max(start.y, end.y) { break }
            if node == edge.parent || node == edge.child { continue }
            if segment(start, end, meets: box) {
              blocked.append("\(edge.parent)>\(edge.child) crosses \(node)")
            }
          }
        }
      }
    }
    #expect(blocked.isEmpty, "\(blocked.prefix(10))", sourceLocation: sourceLocation)
  }

  /// Whether the segment meets the closed box (Liang-Barsky clipping).
  static func segment(
    _ start: (x: Double, y: Double), _ end: (x: Double, y: Double), meets box: LineageLayout.Box
  ) -> Bool {
    var enter = 0.0
    var leave = 1.0
    let dx = end.x - start.x
    let dy = end.y - start.y
    for (p, q) in [
      (-dx, start.x - box.x), (dx, box.x + box.width - start.x),
      (-dy, start.y - box.y), (dy, box.y + box.height - start.y),
    ] {
      if p == 0 {
        if q < 0 { return false }
      } else {
        let t = q / p
        if p < 0 { enter = max(enter, t) } else { leave = min(leave, t) }
      }
    }
    return enter <= leave
  }
}
