public import Project
import Template

/// The batch window of a `microbatch` model: its inputs that configure `event_time` are read
/// through `(select * from x where <event_time> >= '<start>' and <event_time> < '<end>')`, as
/// dbt filters a ref during batch rendering. The model is rendered once: its batch SQL holds
/// markers that each batch replaces with its bounds (`sql(_:start:end:)`).
public enum MicrobatchWindow {
  /// Stands for the batch's start in `CompiledNode.batchSQL`.
  static let startMarker = "\u{E000}event_time_start\u{E001}"
  /// Stands for the batch's end.
  static let endMarker = "\u{E000}event_time_end\u{E001}"

  /// Whether a node's config asks for microbatches.
  public static func isMicrobatch(_ config: NodeConfig) -> Bool {
    config.materialization == .incremental
      && config["incremental_strategy"]?.stringValue == "microbatch"
  }

  /// A batch's SQL: the markers of `batchSQL` replaced by the bounds, as dbt writes them.
  public static func sql(_ batchSQL: String, start: BatchTime, end: BatchTime) -> String {
    batchSQL.replacing(startMarker, with: start.description)
      .replacing(endMarker, with: end.description)
  }

  /// The model's rendered text with every input that has an `event_time` filtered to the
  /// window; `{{ this }}` (the model itself) is not filtered.
  static func batchText(
    _ rendered: String, names: [String], relations: [RelationName?], targets: [Int],
    index: Int, nodes: [CompiledNode]
  ) -> String {
    var filtered = names
    for position in names.indices {
      let target = position < targets.count ? targets[position] : -1
      guard target >= 0, target != index,
        let eventTime = nodes[target].config["event_time"]?.stringValue, !eventTime.isEmpty
      else { continue }
      let alias = nodes[target].relation?.identifier ?? nodes[target].name
      // An unquoted column, as dbt writes it; PostgreSQL needs an alias on a subquery.
      filtered[position] =
        "(select * from \(names[position]) where \(eventTime) >= '\(startMarker)' "
        + "and \(eventTime) < '\(endMarker)') "
        + RelationName.quote("_dbt_et_filter_subq_" + alias)
    }
    return PlaceholderSubstitution.apply(rendered, names: filtered, relations: relations)
  }
}
