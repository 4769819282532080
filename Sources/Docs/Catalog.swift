public import Adapter
public import Compiler
import Project
import Template

/// `target/catalog.json` in dbt's shape: every built relation's columns and types, read from
/// the engine's catalog (`CatalogReading`) in one query.
public enum Catalog {
  /// One column of a relation, as the database has it.
  public struct Column: Sendable, Equatable {
    /// The column name.
    public var name: String
    /// The type as `format_type` prints it (`numeric(14,2)`).
    public var type: String
    /// 1-based position.
    public var index: Int
    /// The column comment, if any.
    public var comment: String?
  }

  /// One relation.
  public struct Relation: Sendable {
    /// `BASE TABLE`, `VIEW` or `MATERIALIZED VIEW`, as dbt-postgres's catalog writes them.
    public var type: String
    /// The owning role.
    public var owner: String
    /// The relation comment, if any.
    public var comment: String?
    /// Columns in order.
    public var columns: [Column]
  }

  /// Relations of the compilation's nodes that exist, keyed by unique id.
  public static func read(
    _ compilation: Compilation, engine: any CatalogReading, connection: any DatabaseConnection
  ) throws(DatabaseError) -> [String: Relation] {
    // "schema\u{0}identifier" -> unique ids: a seed and a source may name one table, and dbt
    // lists it under both.
    var wanted: [String: [String]] = [:]
    for node in compilation.nodes {
      guard let relation = node.relation, node.resourceType != .test else { continue }
      wanted[relation.schema + "\u{0}" + relation.identifier, default: []].append(node.uniqueID)
    }
    let schemas = Set(wanted.keys.map { String($0.split(separator: "\u{0}").first ?? "") })
    guard !schemas.isEmpty else { return [:] }
    var relations: [String: Relation] = [:]
    for row in try engine.catalogColumns(inSchemas: schemas, on: connection) {
      guard let uniqueIDs = wanted[row.schema + "\u{0}" + row.relation] else { continue }
      let entry = Column(
        name: row.column, type: row.columnType, index: row.index, comment: row.columnComment)
      for uniqueID in uniqueIDs {
        if relations[uniqueID] == nil {
          relations[uniqueID] = Relation(
            type: row.relationType, owner: row.owner, comment: row.relationComment,
            columns: [])
        }
        relations[uniqueID]?.columns.append(entry)
      }
    }
    return relations
  }

  /// The catalog as JSON bytes.
  public static func json(
    _ relations: [String: Relation], compilation: Compilation, metadata: Manifest.Metadata
  ) -> [UInt8] {
    var writer = JSONWriter()
    writer.beginObject()
    metadata.write(schema: "https://schemas.getdbt.com/dbt/catalog/v1.json", into: &writer)
    for section in ["nodes", "sources"] {
      writer.key(section)
      writer.beginObject()
      for uniqueID in relations.keys.sorted()
      where uniqueID.hasPrefix("source.") == (section == "sources") {
        guard let relation = relations[uniqueID], let node = compilation.node(uniqueID),
          let name = node.relation
        else { continue }
        writer.key(uniqueID)
        writer.beginObject()
        writer.key("unique_id")
        writer.string(uniqueID)
        writer.key("metadata")
        writer.beginObject()
        writer.key("type")
        writer.string(relation.type)
        writer.key("schema")
        writer.string(name.schema)
        writer.key("name")
        writer.string(name.identifier)
        writer.key("database")
        writer.string(name.database)
        writer.key("comment")
        writer.string(relation.comment)
        writer.key("owner")
        writer.string(relation.owner)
        writer.endObject()
        writer.key("columns")
        writer.beginObject()
        for column in relation.columns {
          writer.key(column.name)
          writer.beginObject()
          writer.key("type")
          writer.string(column.type)
          writer.key("index")
          writer.integer(column.index)
          writer.key("name")
          writer.string(column.name)
          writer.key("comment")
          writer.string(column.comment)
          writer.endObject()
        }
        writer.endObject()
        writer.key("stats")
        writer.beginObject()
        writer.endObject()
        writer.endObject()
      }
      writer.endObject()
    }
    writer.key("errors")
    writer.null()
    writer.endObject()
    return writer.bytes
  }
}
