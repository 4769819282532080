package import Adapter

/// `docs generate`'s catalog from `pg_class` and `pg_attribute`, in one query.
extension PostgresEngine {
  package func catalogColumns(
    inSchemas schemas: Set<String>, on connection: any DatabaseConnection
  ) throws(DatabaseError) -> [CatalogColumnRow] {
    let result = try connection.execute(
      """
      select n.nspname, c.relname,
        case c.relkind when 'v' then 'VIEW' when 'm' then 'MATERIALIZED VIEW' else 'BASE TABLE' end,
        pg_get_userbyid(c.relowner), obj_description(c.oid, 'pg_class'),
        a.attname, format_type(a.atttypid, a.atttypmod), a.attnum::text,
        col_description(c.oid, a.attnum)
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where c.relkind in ('r', 'p', 'v', 'm', 'f')
        and n.nspname in (\(schemas.sorted().map(SQLQuoting.literal).joined(separator: ", ")))
      order by n.nspname, c.relname, a.attnum
      """)
    return result.rows.compactMap { row in
      guard row.count == 9, let schema = row[0], let name = row[1], let column = row[5] else {
        return nil
      }
      return CatalogColumnRow(
        schema: schema, relation: name, relationType: row[2] ?? "", owner: row[3] ?? "",
        relationComment: row[4], column: column, columnType: row[6] ?? "",
        index: Int(row[7] ?? "") ?? 0, columnComment: row[8])
    }
  }
}
