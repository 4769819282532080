import Diagnostics
import Graph
import Project

/// Adds the project's unit tests to a compilation as test nodes `unit_test.<project>.<model>.<name>`.
///
/// A unit test reads what its model reads (its parents are the model's). The model is not its
/// child in the graph: `swdbt build` makes the model wait for it (`Executor.nodeParents`), so a
/// failure skips the model and its descendants, as in dbt, while `swdbt test` runs each unit
/// test whatever another's outcome. Ids starting `unit_test.` sort after every other node's, so the
/// nodes are appended and existing indices stay valid.
enum UnitTestNodes {
  /// Returns false when the graph cannot take them (a unit test naming an unknown model is an
  /// error emitted to `sink`, and the test is left out).
  static func attach(to compilation: inout Compilation, sink: any DiagnosticSink) -> Bool {
    let project = compilation.project
    var graph = compilation.graph
    var parents = graph.ids.indices.map { graph.parents[$0] }
    var ids = graph.ids
    var added: [CompiledNode] = []
    var seen: Set<String> = []
    let modelNames = project.models.filter { $0.resourceType == .model }.map(\.name)
    for spec in project.unitTests where spec.config.enabled {
      let id = spec.uniqueID(project: project.name)
      guard seen.insert(id).inserted else {
        sink.emit(
          .error(
            "unit.duplicate", "unit test `\(spec.name)` of model `\(spec.model)` is defined twice",
            at: spec.range))
        continue
      }
      guard let model = graph.index(of: "model.\(project.name).\(spec.model)") else {
        sink.emit(
          .error(
            "unit.unknown-model", "unit test `\(spec.name)` tests unknown model `\(spec.model)`",
            at: spec.range, hint: Suggestions.didYouMean(spec.model, in: modelNames)))
        continue
      }
      let index = ids.count
      ids.append(id)
      parents.append(graph.parents[model])
      added.append(
        CompiledNode(
          uniqueID: id, resourceType: .test, name: spec.name,
          originalFilePath: spec.originalFilePath, fqn: [project.name, spec.model, spec.name],
          sql: nil, relation: nil, config: spec.config,
          dependsOn: [compilation.nodes[model].uniqueID], genericTest: nil, unitTest: spec))
    }
    guard !added.isEmpty else { return true }
    // Appending keeps the ids sorted only while every other id sorts before `unit_test.`.
    guard let last = graph.ids.last, last < "unit_test." else { return false }
    graph = DependencyGraph(sortedIDs: ids, parents: parents)
    guard let order = graph.topologicalOrder() else { return false }
    compilation.appendUnitTests(added, graph: graph, order: order)
    return true
  }
}

extension Compilation {
  /// The compilation with unit test nodes appended and the graph and order that include them.
  mutating func appendUnitTests(_ added: [CompiledNode], graph: DependencyGraph, order: [Int]) {
    nodes += added
    self.graph = graph
    self.order = order
  }
}
