public import Adapter

/// `swdbt seed --show`: the first rows of a loaded seed, as dbt prints them after loading.
public enum SeedPreview {
  /// How many rows are shown.
  public static let rowLimit = 5

  /// The first rows of `relation` (quoted) as an aligned text table under a title line.
  package static func text(
    of relation: String, engine: any SeedLoading, connection: any DatabaseConnection
  ) throws(DatabaseError) -> String {
    let result = try engine.previewSeed(relation, limit: rowLimit, on: connection)
    return "First rows of \(relation):\n" + TextTable.render(result, total: result.rows.count)
  }
}
