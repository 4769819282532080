public import Adapter
public import Foundation
public import Project

/// `source freshness` for one source table: the age of its newest row against its
/// `warn_after` / `error_after`, as dbt-postgres measures it (`max(loaded_at_field)` and
/// `now()`, both in UTC).
public struct SourceFreshnessCheck: Sendable {
  /// What a check found.
  public struct Outcome: Sendable {
    /// `pass`, `warn`, `error` or `runtime error`, as dbt's `sources.json`.
    public var status: String
    /// ISO 8601 times (UTC), nil after a runtime error.
    public var maxLoadedAt: String?
    public var snapshottedAt: String?
    /// Seconds between the newest row and now.
    public var age: Double?
    /// Why a runtime error happened.
    public var error: String?
    public var started: Date
    public var completed: Date
  }

  public let relation: String
  public let loadedAtField: String
  public let freshness: SourceFreshness

  /// Creates a check of a quoted relation.
  public init(relation: String, loadedAtField: String, freshness: SourceFreshness) {
    self.relation = relation
    self.loadedAtField = loadedAtField
    self.freshness = freshness
  }

  /// Runs the query and judges the age.
  package func run(on connection: any DatabaseConnection, engine: any FreshnessQuerying)
    -> Outcome
  {
    let started = Date()
    let sql = engine.freshnessQuery(
      relation: relation, loadedAtField: loadedAtField, filter: freshness.filter)
    do throws(DatabaseError) {
      let row = try connection.execute(sql).rows.first ?? []
      let completed = Date()
      guard row.count == 3, let newest = row[0], let age = row[2].flatMap(Double.init) else {
        return Outcome(
          status: "runtime error", error: "\(relation) has no rows with a `\(loadedAtField)`",
          started: started, completed: completed)
      }
      var status = "pass"
      if let error = freshness.errorAfter, age > Double(error.seconds) {
        status = "error"
      } else if let warn = freshness.warnAfter, age > Double(warn.seconds) {
        status = "warn"
      }
      return Outcome(
        status: status, maxLoadedAt: newest, snapshottedAt: row[1], age: age,
        started: started, completed: completed)
    } catch {
      return Outcome(
        status: "runtime error", error: error.message, started: started, completed: Date())
    }
  }
}
