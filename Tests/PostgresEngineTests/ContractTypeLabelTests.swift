import Testing

@testable import PostgresEngine

/// Contract errors name types as dbt-postgres does: PostgreSQL's name upper-cased, with the
/// driver's name (what dbt prints) where it differs.
@Suite struct ContractTypeLabelTests {
  @Test(arguments: [
    ("integer", 23, "INTEGER"),
    ("text", 25, "TEXT (dbt: STRING)"),
    ("boolean", 16, "BOOLEAN"),
    ("timestamp with time zone", 1184, "TIMESTAMP WITH TIME ZONE (dbt: DATETIMETZ)"),
    ("timestamp without time zone", 1114, "TIMESTAMP WITHOUT TIME ZONE (dbt: DATETIME)"),
    ("text[]", 1009, "TEXT[] (dbt: STRINGARRAY)"),
    ("integer[]", 1007, "INTEGER[] (dbt: INTEGERARRAY)"),
    ("numeric", 1700, "NUMERIC (dbt: DECIMAL)"),
    ("json", 114, "JSON"),
    ("uuid", 2950, "UUID"),
  ])
  func typesAreUpperCasedWithDbtsNameWhereItDiffers(name: String, oid: Int, label: String) {
    #expect(Contract.typeLabel(name, oid: oid) == label)
  }
}
