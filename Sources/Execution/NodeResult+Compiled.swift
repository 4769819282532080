public import Compiler
public import Foundation
import Project
import Runtime

extension NodeResult {
  /// What `docs generate` reports in `run_results.json`, as dbt's compile step does: a
  /// success for each compiled model and test.
  public static func compiled(_ compilation: Compilation, at date: Date) -> [NodeResult] {
    let dialect = RelationDialect(adapterType: compilation.project.target.type)
    return compilation.nodes.indices.compactMap { index -> NodeResult? in
      let node = compilation.nodes[index]
      guard node.sql != nil, node.resourceType == .model || node.resourceType == .test else {
        return nil
      }
      return NodeResult(
        uniqueID: node.uniqueID, index: index, status: .success, commandTag: "",
        rowsAffected: nil, message: "compiled", failures: nil, diagnostics: [],
        startedAt: date, completedAt: date, executionTime: 0, threadID: "Thread-1",
        relationName: node.relation?.rendered(in: dialect))
    }
  }
}
