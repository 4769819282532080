package import Adapter
import Execution
import Foundation

/// `docs generate`'s catalog: `SHOW TABLES` per schema, then `DESCRIBE TABLE EXTENDED` per
/// relation (Spark has no catalog view answering it in one query).
extension SparkEngine {
  package func catalogColumns(
    inSchemas schemas: Set<String>, on connection: any DatabaseConnection
  ) throws(DatabaseError) -> [CatalogColumnRow] {
    var rows: [CatalogColumnRow] = []
    for schema in schemas.sorted() where try Self.schemaExists(schema, on: connection) {
      let relations = try Self.relations(inSchema: schema, on: connection)
      for (name, kind) in relations.sorted(by: { $0.name < $1.name }) {
        let described = try connection.execute(
          "describe table extended \(SparkSQLText.relation(schema, name))")
        let table = DescribedTable(described.rows)
        let relationType = kind == .view || table.type == "VIEW" ? "VIEW" : "BASE TABLE"
        for (index, column) in table.columns.enumerated() {
          rows.append(
            CatalogColumnRow(
              schema: schema, relation: name, relationType: relationType, owner: table.owner,
              relationComment: table.comment, column: column.name, columnType: column.type,
              index: index + 1, columnComment: column.comment))
        }
      }
    }
    return rows
  }
}

/// What `DESCRIBE TABLE EXTENDED` prints: the columns (name, type, comment) until a blank or
/// `#` line, then `# Partition Information` (the partition columns again) and
/// `# Detailed Table Information` (key and value rows: `Owner`, `Type`, `Comment`, ...).
package struct DescribedTable: Sendable, Equatable {
  package struct Column: Sendable, Equatable {
    package var name: String
    package var type: String
    package var comment: String?
  }

  package var columns: [Column] = []
  package var owner = ""
  /// `MANAGED`, `EXTERNAL` or `VIEW`.
  package var type = ""
  package var comment: String?
  /// The table's format (`parquet`, `delta`, `hive`, ...), from `describe table extended`.
  package var provider: String?

  /// Reads the rows of `describe table [extended]`.
  package init(_ rows: [[String?]]) {
    var inColumns = true
    var inDetails = false
    for row in rows {
      let key = (row.first ?? nil)?.trimmingCharacters(in: .whitespaces) ?? ""
      let value = row.count > 1 ? row[1] : nil
      if key.isEmpty || key.hasPrefix("#") {
        inColumns = false
        if key == "# Detailed Table Information" { inDetails = true }
        continue
      }
      if inColumns {
        let comment = row.count > 2 ? row[2] : nil
        columns.append(
          Column(name: key, type: value ?? "", comment: comment?.isEmpty == true ? nil : comment))
      } else if inDetails {
        switch key {
        case "Owner": owner = value ?? ""
        case "Type": type = value ?? ""
        case "Comment": comment = value
        case "Provider": provider = value?.lowercased()
        default: break
        }
      }
    }
  }
}
