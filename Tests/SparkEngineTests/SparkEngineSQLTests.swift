import Adapter
import Diagnostics
import Execution
import OrderedCollections
import Project
import Template
import Testing

@testable import Compiler
@testable import SparkEngine

/// A connection answering Spark's `show` look-ups from a fixed list of relations and
/// recording every statement.
final class ScriptedSparkConnection: DatabaseConnection, @unchecked Sendable {
  var statements: [String] = []
  /// `schema.name` of tables and of views.
  var tables: Set<String>
  var views: Set<String>

  init(tables: Set<String> = [], views: Set<String> = []) {
    self.tables = tables
    self.views = views
  }

  func execute(_ sql: String) throws(DatabaseError) -> QueryResult {
    statements.append(sql)
    if sql.hasPrefix("show schemas like") {
      return QueryResult(columns: ["namespace"], rows: [["s"]], commandTag: "SELECT 1")
    }
    if sql.hasPrefix("show tables in") || sql.hasPrefix("show views in") {
      let names = sql.hasPrefix("show views") ? views : tables.union(views)
      let rows = names.sorted().map { name -> [String?] in
        ["s", String(name.split(separator: ".")[1]), "false"]
      }
      return QueryResult(columns: ["namespace", "tableName", "isTemporary"], rows: rows)
    }
    if sql.hasPrefix("describe table") {
      return QueryResult(
        columns: ["col_name", "data_type", "comment"],
        rows: [["id", "bigint", nil], ["day", "date", nil], ["", "", ""]])
    }
    return QueryResult(commandTag: "OK")
  }

  func copyIn(
    _ sql: String,
    produce: (_ send: (UnsafeRawBufferPointer) throws(DatabaseError) -> Void) throws(DatabaseError)
      -> Void
  ) throws(DatabaseError) -> Int { 0 }

  func makeCanceller() -> any StatementCanceller { NoCanceller() }
  var serverVersion: String { "4.3.0" }
  func close() {}
}

struct NoCanceller: StatementCanceller {
  func cancel() {}
}

@Suite struct SparkEngineSQLTests {
  func node(_ config: OrderedDictionary<String, Value>) -> CompiledNode {
    CompiledNode(
      uniqueID: "model.p.x", resourceType: .model, name: "x", originalFilePath: "models/x.sql",
      fqn: ["p", "x"], sql: "select 1 as id", relation: RelationName(schema: "s", identifier: "x"),
      config: NodeConfig(config), dependsOn: [], genericTest: nil)
  }

  func build(
    _ node: CompiledNode, on connection: ScriptedSparkConnection, fullRefresh: Bool = false
  )
    throws(StatementFailure) -> BuildOutcome
  {
    try SparkModelBuilder(
      node: node, relation: RelationName(schema: "s", identifier: "x"), fullRefresh: fullRefresh,
      hooks: nil, connection: connection
    ).build()
  }

  @Test func tableIsBuiltUnderTemporaryNameThenSwapped() throws {
    let connection = ScriptedSparkConnection(tables: ["s.x"])
    _ = try build(
      node([
        "materialized": .string("table"), "partition_by": .list([.string("day")]),
        "tblproperties": .dict(["k": .string("v")]),
      ]), on: connection)
    let writes = connection.statements.filter { !$0.hasPrefix("show") }
    #expect(
      writes == [
        "drop table if exists `s`.`x__swdbt_tmp`",
        "create table `s`.`x__swdbt_tmp` using parquet partitioned by (`day`) tblproperties "
          + "('k' = 'v', 'swdbt.intermediate' = 'true') as\nselect 1 as id",
        "drop table if exists `s`.`x`",
        "alter table `s`.`x__swdbt_tmp` rename to `s`.`x`",
        "alter table `s`.`x` unset tblproperties if exists ('swdbt.intermediate')",
      ])
  }

  @Test func mergeOnParquetIsRefusedNamingTheFormat() {
    let connection = ScriptedSparkConnection(tables: ["s.x"])
    #expect {
      _ = try build(
        node([
          "materialized": .string("incremental"), "incremental_strategy": .string("merge"),
          "unique_key": .string("id"),
        ]),
        on: connection)
    } throws: { error in
      let message = (error as? StatementFailure)?.diagnostic?.message ?? ""
      return message.contains("`merge`") && message.contains("`parquet` tables take only")
    }
    #expect(connection.statements.isEmpty)
  }

  @Test func insertOverwriteReplacesOnlyTouchedPartitions() throws {
    let connection = ScriptedSparkConnection(tables: ["s.x"])
    _ = try build(
      node([
        "materialized": .string("incremental"), "incremental_strategy": .string("insert_overwrite"),
        "partition_by": .string("day"),
      ]), on: connection)
    #expect(
      connection.statements.contains("set spark.sql.sources.partitionOverwriteMode = DYNAMIC"))
    #expect(
      connection.statements.contains(
        "insert overwrite table `s`.`x` partition (`day`) select `id`, `day` from `x__swdbt_new`"))
  }

  @Test func postgresOnlyKeysWarn() throws {
    let connection = ScriptedSparkConnection()
    let outcome = try build(
      node([
        "materialized": .string("view"),
        "indexes": .list([.dict(["columns": .list([.string("id")])])]),
      ]),
      on: connection)
    #expect(outcome.warnings.map { $0.message } == ["`indexes` of `x` has no effect on Spark"])
    #expect(connection.statements.last == "create or replace view `s`.`x` as\nselect 1 as id")
  }

  @Test func csvTypesFollowAgateInference() throws {
    let csv = try SparkCSV.parse(
      Array(
        "id,price,ok,day,at,name\n1,1.5,true,2024-01-02,2024-01-02 03:04:05,\"a,b\"\n2,,false,,,\n"
          .utf8),
      delimiter: UInt8(ascii: ","))
    let types = csv.header.indices.map { SparkCSV.inferType(csv.rows, column: $0) }
    #expect(types == ["bigint", "double", "boolean", "date", "timestamp", "string"])
    #expect(csv.rows[0][5] == "a,b")
    #expect(csv.rows[1][1] == nil)
    #expect(SparkCSV.literal("it's", type: "string") == "'it\\'s'")
  }
}

/// `show schemas` lists a schema that another session drops before its `show views` runs.
final class VanishingSchemaConnection: DatabaseConnection, @unchecked Sendable {
  func execute(_ sql: String) throws(DatabaseError) -> QueryResult {
    if sql == "show schemas" {
      return QueryResult(columns: ["namespace"], rows: [["gone"], ["s"]])
    }
    if sql.hasSuffix("in `gone`") {
      throw DatabaseError(
        .statement, "[SCHEMA_NOT_FOUND] The schema `spark_catalog`.`gone` cannot be found.",
        sqlState: "42704")
    }
    if sql.hasPrefix("show tables in") {
      return QueryResult(
        columns: ["namespace", "tableName", "isTemporary"], rows: [["s", "orders", "false"]])
    }
    return QueryResult(columns: ["namespace", "viewName", "isTemporary"], rows: [])
  }

  func copyIn(
    _ sql: String,
    produce: (_ send: (UnsafeRawBufferPointer) throws(DatabaseError) -> Void) throws(DatabaseError)
      -> Void
  ) throws(DatabaseError) -> Int { 0 }

  func makeCanceller() -> any StatementCanceller { NoCanceller() }
  var serverVersion: String { "4.3.0" }
  func close() {}
}

@Suite struct SparkRelationListingTests {
  /// Tests running side by side drop their schemas; a run listing relations meanwhile skips
  /// the schema that vanished instead of failing (seen in CI: SCHEMA_NOT_FOUND).
  @Test func aSchemaDroppedWhileListingHasNoRelations() throws {
    let engine = SparkEngine(lockDirectory: "/tmp")
    let names = try engine.existingRelations(on: VanishingSchemaConnection())
    #expect(names == ["s.orders"])
  }
}
