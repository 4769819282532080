public import Adapter
public import Compiler
import Diagnostics
public import Foundation
import Project

/// `swdbt clone`, as dbt-postgres runs it: PostgreSQL has no zero-copy table clone, so each
/// selected node becomes a view in the target reading the relation the state built
/// (`create or replace view <target> as select * from <state relation>`).
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
  public static func run(
    _ items: [Item], compilation: Compilation, connection: any DatabaseConnection,
    fullRefresh: Bool, log: (String) -> Void
  ) -> [NodeResult] {
    items.map { item in
      let started = Date()
      let node = compilation.nodes[item.index]
      var status = NodeStatus.success
      var message: String
      var diagnostics: [Diagnostic] = []
      do throws(DatabaseError) {
        let kind = try relationKind(item.target, connection)
        if item.target == item.source {
          log("skipping clone for relation \(item.target.quoted): it is the state's own relation")
          message = "No-op"
        } else if kind != nil, !fullRefresh {
          message = "No-op"
        } else {
          _ = try connection.execute(
            "create schema if not exists \(SQLQuoting.identifier(item.target.schema))")
          if let kind, kind != "v" {
            _ = try connection.execute(
              "drop \(kind == "m" ? "materialized view" : "table") if exists "
                + "\(item.target.quoted) cascade")
          }
          _ = try connection.execute(
            "create or replace view \(item.target.quoted) as select * from \(item.source.quoted)"
          )
          message = "CREATE VIEW"
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
        commandTag: message == "CREATE VIEW" ? "CREATE VIEW" : "", rowsAffected: nil,
        message: message, failures: nil, diagnostics: diagnostics, startedAt: started,
        completedAt: completed, executionTime: completed.timeIntervalSince(started),
        threadID: "Thread-1", relationName: item.target.quoted)
    }
  }

  /// `r`, `v`, `m`, ... for a relation that exists, nil otherwise.
  static func relationKind(_ relation: RelationName, _ connection: any DatabaseConnection)
    throws(DatabaseError) -> String?
  {
    try connection.execute(
      "select c.relkind from pg_catalog.pg_class c join pg_catalog.pg_namespace n "
        + "on n.oid = c.relnamespace where n.nspname = \(SQLQuoting.literal(relation.schema)) "
        + "and c.relname = \(SQLQuoting.literal(relation.identifier))"
    ).scalar
  }
}
