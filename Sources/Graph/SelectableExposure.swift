/// What selectors may look at on an exposure, which is not a node of the graph (nothing
/// builds it) but is selected by `exposure:sales`, `resource_type:exposure`, its name, tags
/// and path, and whose parents `+exposure:sales` adds.
public struct SelectableExposure: Sendable {
  /// `exposure.shop.sales`.
  public var id: String
  /// `sales`.
  public var name: String
  /// The project (package) it belongs to.
  public var package: String
  /// `[project, folders..., name]`, as dbt's.
  public var fqn: [String]
  public var tags: [String]
  /// The properties file it is declared in, relative to the project root.
  public var path: String
  /// The graph indices of the nodes it reads.
  public var parents: [Int]

  /// Creates a selectable exposure.
  public init(
    id: String, name: String, package: String, fqn: [String], tags: [String], path: String,
    parents: [Int]
  ) {
    self.id = id
    self.name = name
    self.package = package
    self.fqn = fqn
    self.tags = tags
    self.path = path
    self.parents = parents
  }

  /// A node view of the exposure, for the methods nodes and exposures share.
  var view: Selectable {
    Selectable(id: id, name: name, resourceType: "exposure", tags: tags, path: path, fqn: fqn)
  }
}

extension Selection {
  /// The exposures a selection keeps (`select` nil: every one), as indices into `exposures`:
  /// those an atom matches itself, not through graph operators.
  public func selectedExposures(select: Selector?, exclude: Selector?) -> [Int] {
    exposures.indices.filter { index in
      (select.map { matches($0, exposures[index]) } ?? true)
        && !(exclude.map { matches($0, exposures[index]) } ?? false)
    }
  }

  private func matches(_ selector: Selector, _ exposure: SelectableExposure) -> Bool {
    selector.union.contains { intersection in
      intersection.allSatisfy { exposureMatches($0, exposure) }
    }
  }

  /// Whether an atom names the exposure itself; `exposure:` takes `name` or `package.name`.
  func exposureMatches(_ atom: SelectorAtom, _ exposure: SelectableExposure) -> Bool {
    switch atom.method {
    case .exposure:
      let parts = atom.value.split(separator: ".", maxSplits: 1).map(String.init)
      return parts.count == 1
        ? Selection.glob(parts[0], exposure.name)
        : Selection.glob(parts[0], exposure.package) && Selection.glob(parts[1], exposure.name)
    case .fqn, .tag, .path, .file, .resourceType, .package:
      return matches(atom, exposure.view)
    default:
      return false
    }
  }

  /// The nodes an atom reaches through the exposures it matches: with `+`, their parents
  /// and those parents' ancestors (to the depth given, an exposure's parents being depth 1).
  func nodesThroughExposures(_ atom: SelectorAtom) -> Set<Int> {
    guard atom.parents || atom.childrensParents, atom.parentDepth != 0 else { return [] }
    var result: Set<Int> = []
    for exposure in exposures where exposureMatches(atom, exposure) {
      for parent in exposure.parents {
        result.insert(parent)
        result.formUnion(graph.ancestors(of: parent, depth: atom.parentDepth.map { $0 - 1 }))
      }
    }
    return result
  }
}
