/// A layered (Sugiyama-style) layout of a DAG, left to right: each node gets a layer (its
/// longest path from a root, so seeds and sources come first, then staging, star and marts),
/// an edge spanning several layers gets a dummy position in every layer it crosses (so it bends
/// around the nodes there instead of passing behind them), the order within each layer is
/// chosen by barycenter sweeps to reduce crossings, and rows are pulled toward their neighbours.
///
/// Every box sits in its layer's column and every edge runs either through the gap between two
/// columns or horizontally through its own dummy slot, so no edge crosses a box it does not
/// connect. The page's script lays out focused views and selections with the same algorithm.
public struct LineageLayout: Sendable {
  /// Sizes in layout units (the page's pixels at zoom 1).
  public enum Size {
    public static let nodeWidth = 130
    public static let nodeHeight = 56
    public static let dummyHeight = 4
    public static let layerGap = 36
    public static let rowGap = 10
  }

  /// An axis-aligned box (a node's).
  public struct Box: Sendable, Equatable {
    public var x: Double, y: Double, width: Double, height: Double
  }

  /// An edge as drawn: parent to child, with the centre height of its dummy slot in every layer
  /// strictly between theirs.
  public struct Edge: Sendable {
    public var parent: Int
    public var child: Int
    public var bends: [Int]
  }

  /// Layer of each node (0 = no parents).
  public let layer: [Int]
  /// Top of each node's box.
  public let y: [Int]
  /// Every edge of the graph.
  public let edges: [Edge]
  /// How many layers there are.
  public let layerCount: Int

  /// Left side of a layer's column.
  public static func x(layer: Int) -> Int { layer * (Size.nodeWidth + Size.layerGap) }

  /// The box of a node.
  public func box(_ node: Int) -> Box {
    Box(
      x: Double(Self.x(layer: layer[node])), y: Double(y[node]), width: Double(Size.nodeWidth),
      height: Double(Size.nodeHeight))
  }

  /// The polyline an edge is drawn along: out of the parent's right side, through each dummy
  /// slot, into the child's left side.
  public func path(_ edge: Edge) -> [(x: Double, y: Double)] {
    let half = Double(Size.nodeHeight) / 2
    var points = [
      (Double(Self.x(layer: layer[edge.parent]) + Size.nodeWidth), Double(y[edge.parent]) + half)
    ]
    for (offset, bend) in edge.bends.enumerated() {
      let left = Self.x(layer: layer[edge.parent] + 1 + offset)
      points.append((Double(left), Double(bend)))
      points.append((Double(left + Size.nodeWidth), Double(bend)))
    }
    points.append((Double(Self.x(layer: layer[edge.child])), Double(y[edge.child]) + half))
    return points.map { (x: $0.0, y: $0.1) }
  }

  /// Lays out nodes `0..<count` given each node's parents, in an order where parents come first.
  /// `group` keys the initial order (nodes of one folder start together); `sweeps` is the number
  /// of barycenter passes (down and up count as one each).
  public init(parents: [[Int]], topologicalOrder: [Int], group: [String], sweeps: Int = 8) {
    let count = parents.count
    var layer = [Int](repeating: 0, count: count)
    for node in topologicalOrder {
      for parent in parents[node] { layer[node] = max(layer[node], layer[parent] + 1) }
    }
    let layerCount = (layer.max() ?? -1) + 1
    // Items are the nodes, then the dummies; `up`/`down` join items of adjacent layers.
    var itemLayer = layer
    var up = [[Int]](repeating: [], count: count)
    var down = [[Int]](repeating: [], count: count)
    var chains: [(parent: Int, child: Int, dummies: Range<Int>)] = []
    for child in 0..<count {
      for parent in parents[child] {
        var previous = parent
        let first = itemLayer.count
        for between in stride(from: layer[parent] + 1, to: layer[child], by: 1) {
          let dummy = itemLayer.count
          itemLayer.append(between)
          up.append([previous])
          down.append([])
          down[previous].append(dummy)
          previous = dummy
        }
        down[previous].append(child)
        up[child].append(previous)
        chains.append((parent, child, first..<itemLayer.count))
      }
    }
    let items = itemLayer.count
    var layers = [[Int]](repeating: [], count: layerCount)
    for node in (0..<count).sorted(by: { (group[$0], $0) < (group[$1], $1) }) {
      layers[layer[node]].append(node)
    }
    for dummy in count..<items { layers[itemLayer[dummy]].append(dummy) }
    let order = Self.reduceCrossings(layers: layers, up: up, down: down, sweeps: sweeps)
    let top = Self.assignRows(layers: order, up: up, down: down, nodeCount: count)
    self.layer = layer
    self.layerCount = layerCount
    self.y = Array(top[0..<count])
    let half = Double(Size.dummyHeight) / 2
    self.edges = chains.map { chain in
      Edge(
        parent: chain.parent, child: chain.child,
        bends: chain.dummies.map { Int((Double(top[$0]) + half).rounded(.down)) })
    }
  }

  /// Barycenter sweeps over items; returns the layers with the fewest crossings seen.
  static func reduceCrossings(layers start: [[Int]], up: [[Int]], down: [[Int]], sweeps: Int)
    -> [[Int]]
  {
    var layers = start
    var position = [Double](repeating: 0, count: up.count)
    func place(_ items: [Int]) {
      for (index, item) in items.enumerated() { position[item] = Double(index) }
    }
    for items in layers { place(items) }
    var best = layers
    var bestCrossings = crossings(layers: layers, up: up)
    for sweep in 0..<sweeps where bestCrossings > 0 {
      let downward = sweep % 2 == 0
      let sequence =
        downward
        ? Array(1..<max(1, layers.count)) : Array((0..<max(0, layers.count - 1)).reversed())
      for index in sequence {
        let neighbours = downward ? up : down
        let keyed: [(Double, Double, Int)] = layers[index].map { item in
          let around = neighbours[item]
          guard !around.isEmpty else { return (position[item], position[item], item) }
          let barycenter = around.reduce(0.0) { $0 + position[$1] } / Double(around.count)
          return (barycenter, position[item], item)
        }
        layers[index] = keyed.sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }.map(\.2)
        place(layers[index])
      }
      let crossings = crossings(layers: layers, up: up)
      if crossings < bestCrossings {
        best = layers
        bestCrossings = crossings
      }
    }
    return best
  }

  /// Tops of the items' boxes: each layer stacked in its order, then a few passes pull every
  /// item toward the mean centre of its neighbours without breaking the order or the gaps.
  static func assignRows(layers: [[Int]], up: [[Int]], down: [[Int]], nodeCount: Int) -> [Int] {
    let height = { (item: Int) in Double(item < nodeCount ? Size.nodeHeight : Size.dummyHeight) }
    let gap = Double(Size.rowGap)
    var top = [Double](repeating: 0, count: up.count)
    for items in layers {
      var next = 0.0
      for item in items {
        top[item] = next
        next += height(item) + gap
      }
    }
    for pass in 0..<6 {
      let sequence =
        pass % 2 == 0 ? Array(layers.indices) : Array(layers.indices.reversed())
      for index in sequence {
        let items = layers[index]
        guard !items.isEmpty else { continue }
        let desired: [Double] = items.map { item in
          let around = pass % 2 == 0 ? up[item] : down[item]
          guard !around.isEmpty else { return top[item] }
          let centre = around.reduce(0.0) { $0 + top[$1] + height($1) / 2 } / Double(around.count)
          return centre - height(item) / 2
        }
        // Forward pass keeps each below the one before, backward keeps each above the one
        // after; both satisfy the gaps, and so does their mean.
        var forward = desired
        for index in 1..<items.count {
          forward[index] = max(
            desired[index], forward[index - 1] + height(items[index - 1]) + gap)
        }
        var backward = desired
        for index in stride(from: items.count - 2, through: 0, by: -1) {
          backward[index] = min(desired[index], backward[index + 1] - height(items[index]) - gap)
        }
        for (index, item) in items.enumerated() {
          top[item] = (forward[index] + backward[index]) / 2
        }
      }
    }
    let lowest = top.min() ?? 0
    return top.map { Int(($0 - lowest).rounded(.down)) }
  }

  /// Crossings between edges of adjacent layers (every edge, once dummies split the long ones).
  public static func crossings(layers: [[Int]], up: [[Int]]) -> Int {
    var total = 0
    var index = [Int](repeating: 0, count: up.count)
    for items in layers { for (position, item) in items.enumerated() { index[item] = position } }
    for lower in layers.indices.dropFirst() {
      // Edges (upper position, lower position), sorted by the upper; crossings are inversions
      // of the lower positions, counted with a Fenwick tree.
      var edges: [(Int, Int)] = []
      for item in layers[lower] {
        for parent in up[item] { edges.append((index[parent], index[item])) }
      }
      edges.sort { $0 < $1 }
      let size = layers[lower].count + 1
      var tree = [Int](repeating: 0, count: size + 1)
      for (seen, edge) in edges.enumerated() {
        var atMost = 0
        var position = edge.1 + 1
        while position > 0 {
          atMost += tree[position]
          position -= position & -position
        }
        total += seen - atMost
        position = edge.1 + 1
        while position <= size {
          tree[position] += 1
          position += position & -position
        }
      }
    }
    return total
  }
}
