/// One column of a relation in the target's catalog, as `docs generate` reads it.
public struct CatalogColumnRow: Sendable, Equatable {
  public var schema: String
  public var relation: String
  /// `BASE TABLE`, `VIEW` or `MATERIALIZED VIEW`, as dbt's catalogs write them.
  public var relationType: String
  public var owner: String
  public var relationComment: String?
  public var column: String
  /// The type as the engine prints it (`numeric(14,2)`, `decimal(14,2)`).
  public var columnType: String
  /// 1-based position.
  public var index: Int
  public var columnComment: String?

  /// Creates a row.
  public init(
    schema: String, relation: String, relationType: String, owner: String,
    relationComment: String?, column: String, columnType: String, index: Int,
    columnComment: String?
  ) {
    self.schema = schema
    self.relation = relation
    self.relationType = relationType
    self.owner = owner
    self.relationComment = relationComment
    self.column = column
    self.columnType = columnType
    self.index = index
    self.columnComment = columnComment
  }
}

/// The engine's catalog: every column of every relation in some schemas. It lives here, below
/// `Docs`, which reads it for `catalog.json`; each engine implements it.
public protocol CatalogReading: Sendable {
  /// The columns of the relations in `schemas`, ordered by schema, relation and position.
  func catalogColumns(inSchemas schemas: Set<String>, on connection: any DatabaseConnection)
    throws(DatabaseError) -> [CatalogColumnRow]
}
