import Adapter
import Diagnostics
import Execution
import OrderedCollections
import Project
import Template
import Testing

@testable import Compiler
@testable import SparkEngine

/// A connection holding one existing table `s.x` and the new rows' view, answering `describe`
/// from scripted columns and recording every statement.
final class SchemaScriptedConnection: DatabaseConnection, @unchecked Sendable {
  typealias Columns = [(name: String, type: String)]
  var statements: [String] = []
  let provider: String
  var table: Columns
  let incoming: Columns
  /// The table's columns once altered (Spark puts added columns before partition columns).
  let altered: Columns?

  init(provider: String = "parquet", table: Columns, incoming: Columns, altered: Columns? = nil) {
    self.provider = provider
    self.table = table
    self.incoming = incoming
    self.altered = altered
  }

  func execute(_ sql: String) throws(DatabaseError) -> QueryResult {
    statements.append(sql)
    if sql.hasPrefix("show schemas like") {
      return QueryResult(columns: ["namespace"], rows: [["s"]], commandTag: "SELECT 1")
    }
    if sql.hasPrefix("show tables in") {
      return QueryResult(
        columns: ["namespace", "tableName", "isTemporary"], rows: [["s", "x", "false"]])
    }
    if sql.hasPrefix("show views in") {
      return QueryResult(columns: ["namespace", "viewName", "isTemporary"], rows: [])
    }
    if sql.hasPrefix("alter table `s`.`x` add columns"), let altered { table = altered }
    if sql.hasPrefix("describe table") {
      let columns = sql.contains("__swdbt_new") ? incoming : table
      var rows: [[String?]] = columns.map { [$0.name, $0.type, nil] }
      if sql.hasPrefix("describe table extended") {
        rows += [
          ["", "", ""], ["# Detailed Table Information", "", ""], ["Provider", provider, ""],
        ]
      }
      return QueryResult(columns: ["col_name", "data_type", "comment"], rows: rows)
    }
    return QueryResult(commandTag: "OK")
  }

  func copyIn(
    _ sql: String,
    produce: (_ send: (UnsafeRawBufferPointer) throws(DatabaseError) -> Void) throws(DatabaseError)
      -> Void
  ) throws(DatabaseError) -> Int { 0 }

  func makeCanceller() -> any StatementCanceller { NoCanceller() }
  var serverVersion: String { "4.0.0" }
  func close() {}

  /// The statements that change something (not look-ups).
  var writes: [String] {
    statements.filter {
      !$0.hasPrefix("show") && !$0.hasPrefix("describe") && !$0.hasPrefix("drop view")
        && !$0.hasPrefix("create or replace temporary view")
    }
  }
}

@Suite struct SparkSchemaChangeSQLTests {
  func build(
    _ config: OrderedDictionary<String, Value>, on connection: SchemaScriptedConnection
  ) throws(StatementFailure) -> BuildOutcome {
    var all: OrderedDictionary<String, Value> = ["materialized": .string("incremental")]
    all.merge(config) { _, new in new }
    let node = CompiledNode(
      uniqueID: "model.p.x", resourceType: .model, name: "x", originalFilePath: "models/x.sql",
      fqn: ["p", "x"], sql: "select 1 as id", relation: RelationName(schema: "s", identifier: "x"),
      config: NodeConfig(all), dependsOn: [], genericTest: nil)
    return try SparkModelBuilder(
      node: node, relation: RelationName(schema: "s", identifier: "x"), fullRefresh: false,
      hooks: nil, connection: connection
    ).build()
  }

  @Test func ignoreLooksUpOnlyTheTable() throws {
    let connection = SchemaScriptedConnection(
      table: [("id", "int"), ("a", "string")], incoming: [("id", "int"), ("b", "string")])
    _ = try build([:], on: connection)
    #expect(connection.statements.filter { $0.hasPrefix("describe") } == ["describe table `s`.`x`"])
    #expect(connection.writes == ["insert into table `s`.`x` select `id`, `a` from `x__swdbt_new`"])
  }

  @Test func failNamesEveryChangeAndAltersNothing() {
    let connection = SchemaScriptedConnection(
      table: [("id", "int"), ("a", "string"), ("n", "int")],
      incoming: [("ID", "int"), ("b", "string"), ("n", "bigint")])
    #expect {
      _ = try build(["on_schema_change": .string("fail")], on: connection)
    } throws: { error in
      guard let failure = error as? StatementFailure else { return false }
      return failure.error.message
        == "the columns of `s`.`x` changed (new `b`; removed `a`; retyped `n`) and "
        + "on_schema_change is `fail`"
        && failure.error.hint?.contains("--full-refresh") == true
    }
    #expect(connection.writes.isEmpty)
  }

  @Test func failWithoutChangesInserts() throws {
    let connection = SchemaScriptedConnection(
      table: [("id", "int")], incoming: [("id", "int")])
    _ = try build(["on_schema_change": .string("fail")], on: connection)
    #expect(connection.writes == ["insert into table `s`.`x` select `id` from `x__swdbt_new`"])
  }

  @Test func appendNewColumnsAddsThemAndNullsRemovedOnes() throws {
    let connection = SchemaScriptedConnection(
      table: [("id", "int"), ("a", "string"), ("day", "date")],
      incoming: [("id", "int"), ("b", "decimal(10,2)"), ("c", "string"), ("day", "date")],
      altered: [
        ("id", "int"), ("a", "string"), ("b", "decimal(10,2)"), ("c", "string"),
        ("day", "date"),
      ])
    _ = try build(
      [
        "on_schema_change": .string("append_new_columns"),
        "incremental_strategy": .string("insert_overwrite"), "partition_by": .string("day"),
      ], on: connection)
    #expect(
      connection.writes == [
        "alter table `s`.`x` add columns (`b` decimal(10,2), `c` string)",
        "set spark.sql.sources.partitionOverwriteMode = DYNAMIC",
        "insert overwrite table `s`.`x` partition (`day`) select `id`, cast(null as string), "
          + "`b`, `c`, `day` from `x__swdbt_new`",
      ])
  }

  @Test func syncAllColumnsOnParquetRefusesRemovalBeforeAltering() {
    let connection = SchemaScriptedConnection(
      table: [("id", "int"), ("a", "string"), ("n", "int")],
      incoming: [("id", "int"), ("b", "string"), ("n", "bigint")])
    #expect {
      _ = try build(["on_schema_change": .string("sync_all_columns")], on: connection)
    } throws: { error in
      guard let diagnostic = (error as? StatementFailure)?.diagnostic else { return false }
      return diagnostic.message.contains("remove `a` and change the type of `n` to bigint")
        && diagnostic.message.contains("`parquet` tables on Spark cannot drop or retype")
        && diagnostic.hint?.contains("file_format: delta") == true
    }
    #expect(connection.writes.isEmpty)
  }

  @Test func syncAllColumnsOnParquetAddsNewColumns() throws {
    let connection = SchemaScriptedConnection(
      table: [("id", "int")], incoming: [("id", "int"), ("b", "string")],
      altered: [("id", "int"), ("b", "string")])
    _ = try build(["on_schema_change": .string("sync_all_columns")], on: connection)
    #expect(
      connection.writes == [
        "alter table `s`.`x` add columns (`b` string)",
        "insert into table `s`.`x` select `id`, `b` from `x__swdbt_new`",
      ])
  }

  @Test func syncAllColumnsOnDeltaDropsRetypesThenAdds() throws {
    let connection = SchemaScriptedConnection(
      provider: "delta", table: [("id", "int"), ("a", "string"), ("n", "int")],
      incoming: [("id", "int"), ("b", "string"), ("n", "bigint")],
      altered: [("id", "int"), ("n", "bigint"), ("b", "string")])
    _ = try build(["on_schema_change": .string("sync_all_columns")], on: connection)
    #expect(
      connection.writes == [
        "alter table `s`.`x` drop columns (`a`)",
        "alter table `s`.`x` alter column `n` type bigint",
        "alter table `s`.`x` add columns (`b` string)",
        "insert into table `s`.`x` select `id`, `n`, `b` from `x__swdbt_new`",
      ])
  }
}
