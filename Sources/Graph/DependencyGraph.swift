/// A directed graph over string ids, stored with dense indices. Edges run parent -> child.
///
/// Invariants: `ids` is sorted and unique, so index order is id order and every traversal
/// that breaks ties by index is deterministic; `parents` and `children` mirror each other.
public struct DependencyGraph: Sendable {
  /// Node ids, sorted.
  public let ids: [String]
  /// For each node, the indices of the nodes it depends on, sorted.
  public let parents: [[Int]]
  /// For each node, the indices of the nodes that depend on it, sorted.
  public let children: [[Int]]

  /// Builds a graph; edges naming unknown ids are ignored (callers report those first).
  public init(ids: [String], edges: [(child: String, parent: String)]) {
    let sorted = ids.sortedUnique()
    var positions: [String: Int] = [:]
    positions.reserveCapacity(sorted.count)
    for (index, id) in sorted.enumerated() { positions[id] = index }
    var parents = [[Int]](repeating: [], count: sorted.count)
    var children = [[Int]](repeating: [], count: sorted.count)
    for edge in edges {
      guard let child = positions[edge.child], let parent = positions[edge.parent] else { continue }
      parents[child].append(parent)
      children[parent].append(child)
    }
    self.ids = sorted
    self.parents = parents.map { $0.sortedUnique() }
    self.children = children.map { $0.sortedUnique() }
  }

  /// Builds a graph from ids already sorted and unique and each node's parents by index (in
  /// any order, duplicates allowed; already sorted lists are kept as they are); skips the
  /// sorting and the two lookups per edge of `init(ids:edges:)`.
  package init(sortedIDs: [String], parents: [[Int]]) {
    var children = [[Int]](repeating: [], count: sortedIDs.count)
    var sortedParents = parents
    for child in sortedParents.indices {
      sortedParents[child] = sortedParents[child].sortedUnique()
      for parent in sortedParents[child] { children[parent].append(child) }
    }
    // Children were appended in increasing child order: already sorted and unique.
    self.ids = sortedIDs
    self.parents = sortedParents
    self.children = children
  }

  /// The number of nodes.
  public var count: Int { ids.count }

  /// The index of an id: a binary search of the sorted ids, where a table of 300,000 ids
  /// took longer to build, on one core, than all the lookups a compile makes.
  public func index(of id: String) -> Int? {
    var low = 0
    var high = ids.count
    while low < high {
      let middle = (low + high) / 2
      if ids[middle] < id { low = middle + 1 } else { high = middle }
    }
    return low < ids.count && ids[low] == id ? low : nil
  }

  /// A topological order (parents first) with ties broken by id, or nil when there is a cycle.
  public func topologicalOrder() -> [Int]? {
    var remaining = parents.map(\.count)
    var ready = IndexQueue(bound: count)
    for index in ids.indices where remaining[index] == 0 { ready.insert(index) }
    var order: [Int] = []
    order.reserveCapacity(count)
    while let next = ready.popMin() {
      order.append(next)
      for child in children[next] {
        remaining[child] -= 1
        if remaining[child] == 0 { ready.insert(child) }
      }
    }
    return order.count == count ? order : nil
  }

  /// Each strongly connected component that forms a cycle, as a closed path of indices
  /// (`a -> b -> c -> a`, first element repeated at the end), starting at its smallest id.
  public func cycles() -> [[Int]] {
    var result: [[Int]] = []
    for component in stronglyConnectedComponents() {
      let members = Set(component)
      guard component.count > 1 || parents[component[0]].contains(component[0]) else { continue }
      guard let start = component.min(), let path = cyclePath(from: start, within: members) else {
        continue
      }
      result.append(path)
    }
    return result.sorted { $0[0] < $1[0] }
  }

  /// A shortest closed path from `start` back to itself through `members`, following edges
  /// from a node to the nodes it depends on (the order users read `ref` chains in).
  private func cyclePath(from start: Int, within members: Set<Int>) -> [Int]? {
    var previous: [Int: Int] = [:]
    var queue = [start]
    var head = 0
    while head < queue.count {
      let node = queue[head]
      head += 1
      for next in parents[node] where members.contains(next) {
        if next == start {
          var path = [start]
          var cursor = node
          while cursor != start {
            path.append(cursor)
            cursor = previous[cursor] ?? start
          }
          // `path` is start followed by the chain walked backwards; put it in edge order.
          return [start] + Array(path[1...].reversed()) + [start]
        }
        if previous[next] == nil, next != start {
          previous[next] = node
          queue.append(next)
        }
      }
    }
    return nil
  }

  /// Tarjan's algorithm, iterative so deep graphs cannot overflow the stack.
  private func stronglyConnectedComponents() -> [[Int]] {
    var indexOf = [Int](repeating: -1, count: count)
    var lowLink = [Int](repeating: 0, count: count)
    var onStack = [Bool](repeating: false, count: count)
    var stack: [Int] = []
    var components: [[Int]] = []
    var nextIndex = 0
    for root in ids.indices where indexOf[root] == -1 {
      var work: [(node: Int, edge: Int)] = [(root, 0)]
      indexOf[root] = nextIndex
      lowLink[root] = nextIndex
      nextIndex += 1
      stack.append(root)
      onStack[root] = true
      while let (node, edge) = work.last {
        if edge < parents[node].count {
          work[work.count - 1].edge += 1
          let next = parents[node][edge]
          if indexOf[next] == -1 {
            indexOf[next] = nextIndex
            lowLink[next] = nextIndex
            nextIndex += 1
            stack.append(next)
            onStack[next] = true
            work.append((next, 0))
          } else if onStack[next] {
            lowLink[node] = min(lowLink[node], indexOf[next])
          }
          continue
        }
        work.removeLast()
        if let caller = work.last?.node { lowLink[caller] = min(lowLink[caller], lowLink[node]) }
        if lowLink[node] == indexOf[node] {
          var component: [Int] = []
          while let member = stack.popLast() {
            onStack[member] = false
            component.append(member)
            if member == node { break }
          }
          components.append(component.sorted())
        }
      }
    }
    return components
  }

  /// The nodes outside `members` that lie on a path from one member to another (a member's
  /// descendant and a member's ancestor), ascending; two linear passes, whatever the selection.
  public func nodesBetween(_ members: [Bool]) -> [Int] {
    let below = reached(from: members, along: children)
    let above = reached(from: members, along: parents)
    return ids.indices.filter { !members[$0] && below[$0] && above[$0] }
  }

  /// Which non-members are reachable from any member along `edges`.
  private func reached(from members: [Bool], along edges: [[Int]]) -> [Bool] {
    var seen = [Bool](repeating: false, count: count)
    var stack = ids.indices.filter { members[$0] }
    while let node = stack.popLast() {
      // A member's own edges are followed once, from the initial stack.
      for next in edges[node] where !seen[next] && !members[next] {
        seen[next] = true
        stack.append(next)
      }
    }
    return seen
  }

  /// Nodes reachable by following `parents` (ancestors) up to `depth` steps (nil: unlimited).
  public func ancestors(of start: Int, depth: Int? = nil) -> Set<Int> {
    reachable(from: start, depth: depth, along: parents)
  }

  /// Nodes reachable by following `children` (descendants) up to `depth` steps.
  public func descendants(of start: Int, depth: Int? = nil) -> Set<Int> {
    reachable(from: start, depth: depth, along: children)
  }

  private func reachable(from start: Int, depth: Int?, along edges: [[Int]]) -> Set<Int> {
    var seen: Set<Int> = []
    var frontier = [start]
    var level = 0
    while !frontier.isEmpty, depth.map({ level < $0 }) ?? true {
      var next: [Int] = []
      for node in frontier {
        for neighbour in edges[node] where seen.insert(neighbour).inserted {
          next.append(neighbour)
        }
      }
      frontier = next
      level += 1
    }
    seen.remove(start)
    return seen
  }
}
