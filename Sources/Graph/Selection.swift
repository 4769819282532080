/// Evaluates selectors against a graph whose nodes have selectable views.
public struct Selection: Sendable {
  /// The graph.
  public let graph: DependencyGraph
  /// Views parallel to `graph.ids`.
  public let nodes: [Selectable]
  /// What comparing with `--state` found, by unique id: `new`, `modified.body`,
  /// `result:error`, `source_status:fresher`, ... (nil without `--state`).
  public let stateLabels: [String: Set<String>]?
  /// The project's exposures, outside the graph.
  public let exposures: [SelectableExposure]

  /// Creates a selection context; `nodes` must be parallel to `graph.ids`.
  public init(
    graph: DependencyGraph, nodes: [Selectable], stateLabels: [String: Set<String>]? = nil,
    exposures: [SelectableExposure] = []
  ) {
    precondition(nodes.count == graph.count, "one selectable per graph node")
    self.graph = graph
    self.nodes = nodes
    self.stateLabels = stateLabels
    self.exposures = exposures
  }

  /// The nodes a command works on: `select` (everything when nil) minus `exclude`; tests
  /// attached to a selected node are added ("eager" indirect selection, dbt's default).
  public func resolve(select: Selector?, exclude: Selector?, indirectTests: Bool = true) -> Set<Int>
  {
    var selected = select.map(evaluate) ?? Set(graph.ids.indices)
    if indirectTests {
      for index in graph.ids.indices
      where nodes[index].resourceType == "test" && !selected.contains(index) {
        if touches(index, selected) { selected.insert(index) }
      }
    }
    if let exclude {
      var excluded = evaluate(exclude)
      if indirectTests {
        // `--exclude x` means "leave x alone": every test that touches x goes too.
        for index in graph.ids.indices
        where nodes[index].resourceType == "test" && !excluded.contains(index) {
          if touches(index, excluded) { excluded.insert(index) }
        }
      }
      selected.subtract(excluded)
    }
    return selected
  }

  /// Whether the test at `index` tests a node of `members`: a parent, or for a unit test its
  /// model (which is not among its parents: those are the model's).
  private func touches(_ index: Int, _ members: Set<Int>) -> Bool {
    guard nodes[index].group == "unit" else {
      return graph.parents[index].contains(where: members.contains)
    }
    guard let model = nodes[index].config["unit_test_model"]?.first,
      let modelIndex = graph.index(of: model)
    else { return false }
    return members.contains(modelIndex)
  }

  /// The nodes a selector matches, graph operators applied.
  public func evaluate(_ selector: Selector) -> Set<Int> {
    var result: Set<Int> = []
    for intersection in selector.union {
      var members: Set<Int>?
      for atom in intersection {
        let matched = evaluate(atom)
        members = members.map { $0.intersection(matched) } ?? matched
      }
      result.formUnion(members ?? [])
    }
    return result
  }

  /// The nodes one atom matches, graph operators applied.
  public func evaluate(_ atom: SelectorAtom) -> Set<Int> {
    let direct = Set(graph.ids.indices.filter { matches(atom, nodes[$0]) })
    var result = direct
    if !exposures.isEmpty { result.formUnion(nodesThroughExposures(atom)) }
    for index in direct {
      if atom.parents { result.formUnion(graph.ancestors(of: index, depth: atom.parentDepth)) }
      if atom.children { result.formUnion(graph.descendants(of: index, depth: atom.childDepth)) }
      if atom.childrensParents {
        let descendants = graph.descendants(of: index)
        result.formUnion(descendants)
        for descendant in descendants.union([index]) {
          result.formUnion(graph.ancestors(of: descendant))
        }
      }
    }
    return result
  }

  func matches(_ atom: SelectorAtom, _ node: Selectable) -> Bool {
    let value = atom.value
    switch atom.method {
    case .fqn:
      if Selection.glob(value, node.name) { return true }
      // `staging` or `shop.staging.stg_orders`: a dotted fqn prefix, project name optional.
      let parts = value.split(separator: ".").map(String.init)
      for candidate in [node.fqn, Array(node.fqn.dropFirst())] where parts.count <= candidate.count
      {
        if zip(parts, candidate).allSatisfy({ Selection.glob($0, $1) }) { return true }
      }
      return false
    case .tag:
      return node.tags.contains { Selection.glob(value, $0) }
    case .path:
      let trimmed = value.hasSuffix("/") ? String(value.dropLast()) : value
      return node.path == trimmed || node.path.hasPrefix(trimmed + "/")
        || Selection.glob(trimmed, node.path)
    case .file:
      let fileName = node.path.split(separator: "/").last.map(String.init) ?? node.path
      return Selection.glob(value, fileName)
        || Selection.glob(value, fileName.split(separator: ".").first.map(String.init) ?? "")
    case .config:
      guard let key = atom.configKey, let values = node.config[key] else { return false }
      return values.contains { Selection.glob(value, $0) }
    case .resourceType:
      return node.resourceType == value
        || (value == "unit_test" && node.resourceType == "test" && node.group == "unit")
    case .source:
      guard node.resourceType == "source", let sourceName = node.group else { return false }
      let parts = value.split(separator: ".", maxSplits: 1).map(String.init)
      return Selection.glob(parts[0], sourceName)
        && (parts.count == 1 || Selection.glob(parts[1], node.name))
    case .testType:
      return node.resourceType == "test" && node.group == value
    case .unitTest:
      return node.resourceType == "test" && node.group == "unit" && Selection.glob(value, node.name)
    case .testName:
      // A unit test's name; a generic test's `test_name` (`unique`, ...) from its config.
      guard node.resourceType == "test" else { return false }
      return node.group == "unit"
        ? Selection.glob(value, node.name)
        : (node.config["test_name"] ?? []).contains { Selection.glob(value, $0) }
    case .package:
      return node.fqn.first == value
    case .state:
      return stateLabels?[node.id]?.contains(value) ?? false
    case .result:
      return stateLabels?[node.id]?.contains("result:" + value) ?? false
    case .sourceStatus:
      return stateLabels?[node.id]?.contains("source_status:" + value) ?? false
    case .exposure:
      return false  // Exposures are matched by `exposureMatches`.
    }
  }

  /// Shell-style matching with `*` and `?`.
  static func glob(_ pattern: String, _ text: String) -> Bool {
    if !pattern.contains("*") && !pattern.contains("?") { return pattern == text }
    let p = Array(pattern)
    let t = Array(text)
    var pi = 0
    var ti = 0
    var star = -1
    var mark = 0
    while ti < t.count {
      if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
        pi += 1
        ti += 1
      } else if pi < p.count, p[pi] == "*" {
        star = pi
        mark = ti
        pi += 1
      } else if star >= 0 {
        pi = star + 1
        mark += 1
        ti = mark
      } else {
        return false
      }
    }
    while pi < p.count, p[pi] == "*" { pi += 1 }
    return pi == p.count
  }
}
