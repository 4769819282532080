import Adapter
import Compiler
import Diagnostics
import Execution
import Testing

@testable import SparkEngine

/// Unit tests' Spark SQL, without a server: catalog look-ups, type names, text comparison.
@Suite struct SparkUnitTestSQLTests {
  /// Runs statements on `connection` as the unit test runner does.
  static func running(_ connection: ScriptedSparkConnection) -> UnitTestQuery {
    { (sql: String) throws(Diagnostic) -> QueryResult in
      do throws(DatabaseError) {
        return try connection.execute(sql)
      } catch {
        throw .error("unit.failed", error.message)
      }
    }
  }

  @Test func catalogColumnsComeFromDescribeOnlyWhenTheTableExists() throws {
    let connection = ScriptedSparkConnection(tables: ["s.orders"])
    let sql = SparkUnitTestSQL()
    let columns = try sql.catalogColumns(
      of: RelationName(schema: "s", identifier: "orders"), running: Self.running(connection))
    #expect(
      columns == [UnitTestColumn(name: "id", type: "bigint"), .init(name: "day", type: "date")])
    #expect(connection.statements.last == "describe table `s`.`orders`")
    connection.statements = []
    let missing = try sql.catalogColumns(
      of: RelationName(schema: "s", identifier: "absent"), running: Self.running(connection))
    #expect(missing.isEmpty)
    #expect(!connection.statements.contains { $0.hasPrefix("describe") })
  }

  @Test func typesAndComparisonAreSparks() {
    let sql = SparkUnitTestSQL()
    #expect(sql.typeName(.decimal) == "double")
    #expect(sql.typeName(.string) == "string")
    #expect(SparkUnitTestSQL.unbounded("varchar(10)") == "string")
    #expect(sql.comparedText("`a`", type: "int") == "cast(`a` as string)")
    #expect(sql.comparedText("`a`", type: "decimal(10,2)").hasPrefix("regexp_replace("))
    #expect(sql.quoteLiteral("it's") == "'it\\'s'")
  }
}
