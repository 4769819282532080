/// How a node is built: the closed set of swdbt's materializations. `materialized` is checked
/// against it when the project loads (an unknown name or a custom `{% materialization %}`
/// block is a located error there), so execution switches over cases, not strings.
public enum Materialization: String, Sendable, CaseIterable {
  case view
  case table
  case incremental
  case ephemeral
  case materializedView = "materialized_view"
  case snapshot
  case seed
}

extension NodeConfig {
  /// The node's materialization; a name the loader let through but no case names (none
  /// today) builds as a view, dbt's default.
  public var materialization: Materialization {
    Materialization(rawValue: materialized) ?? .view
  }
}
