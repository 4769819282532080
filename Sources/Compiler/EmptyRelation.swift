import Runtime

/// `--empty`: a relation read as dbt reads it then, an empty subquery with its columns.
enum EmptyRelation {
  /// `(select * from <name> where false limit 0) _dbt_limit_subq_<identifier>`, dbt's form
  /// (PostgreSQL requires the alias); an alias that would need quotes is quoted.
  static func subquery(
    _ quotedName: String, identifier: String, dialect: RelationDialect
  ) -> String {
    let alias = "_dbt_limit_subq_" + identifier
    let plain = alias.utf8.allSatisfy {
      ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z"))
        || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_")
    }
    let quotedAlias = plain ? alias : dialect.quote(alias)
    return "(select * from \(quotedName) where false limit 0) \(quotedAlias)"
  }
}
