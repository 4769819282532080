import Graph
import Testing

/// Exposures in selection: outside the graph, matched by `exposure:`, `resource_type:`, tags
/// and fqn, their parents added by `+` to the depth given.
@Suite struct ExposureSelectionTests {
  /// raw -> stg -> mart; `sales` reads mart, `ops` reads stg.
  let selection: Selection = {
    let ids = ["model.p.mart", "model.p.stg", "seed.p.raw"]
    let graph = DependencyGraph(
      ids: ids,
      edges: [
        (child: "model.p.mart", parent: "model.p.stg"),
        (child: "model.p.stg", parent: "seed.p.raw"),
      ])
    let nodes = ids.map { id in
      let name = String(id.split(separator: ".").last ?? "")
      return Selectable(
        id: id, name: name, resourceType: String(id.split(separator: ".")[0]), tags: [],
        path: "models/\(name).sql", fqn: ["p", name])
    }
    let exposures = [
      SelectableExposure(
        id: "exposure.p.sales", name: "sales", package: "p", fqn: ["p", "marts", "sales"],
        tags: ["kpi"], path: "models/marts/_exposures.yml", parents: [0]),
      SelectableExposure(
        id: "exposure.p.ops", name: "ops", package: "p", fqn: ["p", "ops"], tags: [],
        path: "models/_ops.yml", parents: [1]),
    ]
    return Selection(graph: graph, nodes: nodes, exposures: exposures)
  }()

  @Test(arguments: [
    ("+exposure:sales", ["mart", "raw", "stg"]),
    ("1+exposure:sales", ["mart"]),
    ("2+exposure:p.sales", ["mart", "stg"]),
    ("exposure:sales", []),
    ("+resource_type:exposure", ["mart", "raw", "stg"]),
    ("+exposure:ops", ["raw", "stg"]),
    ("+tag:kpi", ["mart", "raw", "stg"]),
    ("+exposure:sales,tag:none", []),
  ])
  func parentsOfExposures(select: String, expected: [String]) throws {
    let selected = selection.evaluate(try Selector.parse([select]))
    #expect(selected.map { selection.nodes[$0].name }.sorted() == expected)
  }

  @Test(
    arguments: [
      ("exposure:sales", nil, ["sales"]),
      ("exposure:p.*", nil, ["ops", "sales"]),
      ("resource_type:exposure", "tag:kpi", ["ops"]),
      ("marts", nil, ["sales"]),
      ("path:models/marts", nil, ["sales"]),
      ("+exposure:sales", nil, ["sales"]),
      ("mart", nil, []),
    ] as [(String, String?, [String])])
  func exposuresASelectionKeeps(select: String, exclude: String?, expected: [String]) throws {
    let kept = selection.selectedExposures(
      select: try Selector.parse([select]), exclude: try exclude.map { try Selector.parse([$0]) })
    #expect(kept.map { selection.exposures[$0].name }.sorted() == expected)
  }
}
