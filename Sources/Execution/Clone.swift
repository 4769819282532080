public import Adapter
public import Compiler
import Diagnostics
public import Foundation
import Project

/// `swdbt clone`: each selected node gets the engine's cheapest copy of the relation the
/// state built (see `CloneBuilding`).
public enum Clone {
  /// One node to clone: its index, where it goes, what it reads.
  public struct Item: Sendable {
    public var index: Int
    public var target: RelationName
    public var source: RelationName

    /// Creates an item.
    public init(index: Int, target: RelationName, source: RelationName) {
      self.index = index
      self.target = target
      self.source = source
    }
  }

  /// Clones every item on one connection, in order. An existing target is left alone
  /// ("No-op") unless `fullRefresh`; a table in the way of the view is dropped first.
  package static func run(
    _ items: [Item], compilation: Compilation, engine: any Engine,
    connection: any DatabaseConnection,
    fullRefresh: Bool, log: (String) -> Void
  ) -> [NodeResult] {
    items.map { item in
      let started = Date()
      let node = compilation.nodes[item.index]
      var status = NodeStatus.success
      var message: String
      var diagnostics: [Diagnostic] = []
      do throws(DatabaseError) {
        if item.target == item.source {
          log("skipping clone for relation \(item.target.quoted): it is the state's own relation")
          message = "No-op"
        } else {
          message = try engine.clone(
            item.target, from: item.source, fullRefresh: fullRefresh, on: connection)
        }
      } catch {
        status = .error
        message = error.message
        diagnostics = [
          .error(
            "clone.failed", "cannot clone \(node.name) from \(item.source.quoted): \(error.message)"
          )
        ]
      }
      let completed = Date()
      return NodeResult(
        uniqueID: node.uniqueID, index: item.index, status: status,
        commandTag: message == "No-op" ? "" : message, rowsAffected: nil,
        message: message, failures: nil, diagnostics: diagnostics, startedAt: started,
        completedAt: completed, executionTime: completed.timeIntervalSince(started),
        threadID: "Thread-1", relationName: item.target.quoted)
    }
  }
}
