/// A layered (Sugiyama-style) layout of a DAG, left to right: each node gets a layer (its
/// longest path from a root, so seeds and sources come first, then staging, star and marts)
/// and an order within its layer chosen to reduce edge crossings.
///
/// Hand-written rather than Graphviz: the site needs a layout of every node's neighbourhood as
/// well, and derives them from this one; `bench/docs.sh` times `dot` on the same lineage.
public struct LineageLayout: Sendable {
  /// Layer of each node (0 = no parents).
  public let layer: [Int]
  /// Position of each node within its layer (0 = top).
  public let order: [Int]
  /// How many nodes each layer holds.
  public let layerSizes: [Int]

  /// Lays out nodes `0..<count` given each node's parents, in an order where parents come first.
  /// `group` keys the initial order (nodes of one folder start together); `sweeps` is the number
  /// of barycenter passes (down and up count as one each).
  public init(parents: [[Int]], topologicalOrder: [Int], group: [String], sweeps: Int = 8) {
    let count = parents.count
    var children = [[Int]](repeating: [], count: count)
    for node in 0..<count { for parent in parents[node] { children[parent].append(node) } }
    var layer = [Int](repeating: 0, count: count)
    for node in topologicalOrder {
      for parent in parents[node] { layer[node] = max(layer[node], layer[parent] + 1) }
    }
    let layerCount = (layer.max() ?? -1) + 1
    var layers = [[Int]](repeating: [], count: layerCount)
    for node in (0..<count).sorted(by: { (group[$0], $0) < (group[$1], $1) }) {
      layers[layer[node]].append(node)
    }
    // Relative position in [0, 1], so layers of different sizes compare.
    var position = [Double](repeating: 0, count: count)
    func place(_ nodes: [Int]) {
      let size = Double(max(1, nodes.count - 1))
      for (index, node) in nodes.enumerated() {
        position[node] = nodes.count == 1 ? 0.5 : Double(index) / size
      }
    }
    for nodes in layers { place(nodes) }
    var best = layers
    var bestCrossings = Self.crossings(layers: layers, layer: layer, parents: parents)
    for sweep in 0..<sweeps {
      let downward = sweep % 2 == 0
      let sequence =
        downward ? Array(1..<max(1, layerCount)) : Array((0..<max(0, layerCount - 1)).reversed())
      for index in sequence {
        let neighbours = downward ? parents : children
        let keyed: [(Double, Double, Int)] = layers[index].map { node in
          let around = neighbours[node]
          guard !around.isEmpty else { return (position[node], position[node], node) }
          let barycenter = around.reduce(0.0) { $0 + position[$1] } / Double(around.count)
          return (barycenter, position[node], node)
        }
        layers[index] = keyed.sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }.map(\.2)
        place(layers[index])
      }
      let crossings = Self.crossings(layers: layers, layer: layer, parents: parents)
      if crossings < bestCrossings {
        best = layers
        bestCrossings = crossings
      }
    }
    var order = [Int](repeating: 0, count: count)
    for nodes in best { for (index, node) in nodes.enumerated() { order[node] = index } }
    self.layer = layer
    self.order = order
    self.layerSizes = best.map(\.count)
  }

  /// Crossings between edges that join adjacent layers (the ones a reader follows most).
  public static func crossings(layers: [[Int]], layer: [Int], parents: [[Int]]) -> Int {
    var total = 0
    var index = [Int](repeating: 0, count: layer.count)
    for nodes in layers { for (position, node) in nodes.enumerated() { index[node] = position } }
    for upper in 0..<max(0, layers.count - 1) {
      // Edges (parent position, child position), sorted by parent; crossings are inversions
      // of the child positions, counted with a Fenwick tree.
      var edges: [(Int, Int)] = []
      for child in layers[upper + 1] {
        for parent in parents[child] where layer[parent] == upper {
          edges.append((index[parent], index[child]))
        }
      }
      edges.sort { $0 < $1 }
      let size = layers[upper + 1].count + 1
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
