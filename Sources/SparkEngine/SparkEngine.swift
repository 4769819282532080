package import Adapter
package import Compiler
package import Diagnostics
package import Execution
package import Project
package import Runtime

/// Apache Spark behind the engine seam. Spark has no transactions: a table is built under a
/// temporary name, then the old one is dropped and the new one renamed (leftovers are
/// cleaned at the start of every run); views are `create or replace`; `merge` and
/// `delete+insert` need a file format with row-level writes; seeds load with batched
/// `insert ... values`; the run lock is a file lock in the project's target folder.
///
/// The engine sends SQL over any `DatabaseConnection`, so it is compiled (and unit-tested)
/// without the `Spark` trait; only the Spark Connect client behind a real connection needs
/// it.
package struct SparkEngine: Engine {
  /// Where the run lock's file lives (the project's target folder).
  package let lockDirectory: String

  /// An engine whose run lock lives in `lockDirectory`.
  package init(lockDirectory: String) {
    self.lockDirectory = lockDirectory
  }

  package var type: String { "spark" }

  /// The file formats whose tables take `merge` and `delete+insert`.
  package static let mergeFileFormats: Set<String> = ["delta", "iceberg", "hudi"]

  package var capabilities: EngineCapabilities {
    EngineCapabilities(
      transactionalDDL: false, replacesViews: true, mergeFileFormats: Self.mergeFileFormats,
      hasRunLock: false, bulkLoad: false)
  }

  // MARK: Models

  package func build(_ request: ModelBuild) throws(StatementFailure) -> BuiltModel {
    let builder = SparkModelBuilder(
      node: request.node, relation: request.relation, fullRefresh: request.fullRefresh,
      hooks: request.hooks, connection: request.connection)
    let outcome = try builder.build()
    return BuiltModel(outcome: outcome, statement: builder.runner.record.statement)
  }

  package func microbatchProblem(of node: CompiledNode) -> (message: String, hint: String)? {
    (
      "microbatch model `\(node.name)`: the microbatch strategy is not supported on Spark yet",
      "use `incremental_strategy: insert_overwrite` with `partition_by` on the event-time day"
    )
  }

  // MARK: Seeds

  package func loadSeed(_ request: SeedLoad) throws(SeedLoadFailure) -> BuildOutcome {
    try SparkSeedLoader(request: request).load()
  }

  package func previewSeed(
    _ relation: String, limit: Int, on connection: any DatabaseConnection
  ) throws(DatabaseError) -> QueryResult {
    try connection.execute("select * from \(relation) limit \(limit)")
  }

  // MARK: Tests

  package func runTest(
    _ node: CompiledNode, target: TargetConfig, on connection: any DatabaseConnection
  ) throws(StatementFailure) -> TestOutcome {
    try SparkTestRunner(node: node, target: target, connection: connection).run()
  }

  package func judgeTest(
    _ node: CompiledNode, failures: Int, target: TargetConfig,
    on connection: any DatabaseConnection
  ) throws(StatementFailure) -> TestOutcome {
    try SparkTestRunner(node: node, target: target, connection: connection)
      .judge(failures: failures)
  }

  package func runUnitTest(
    _ spec: UnitTestSpec, compilation: Compilation, secondPass: SecondPass,
    on connection: any DatabaseConnection, into result: inout NodeResult
  ) {
    UnitTestRunner(
      spec: spec, compilation: compilation, secondPass: secondPass, connection: connection,
      introspector: SparkIntrospector(connection: connection), sql: SparkUnitTestSQL()
    ).run(into: &result)
  }

  // MARK: Source freshness

  package func freshnessQuery(relation: String, loadedAtField: String, filter: String?)
    -> String
  {
    let newest = "cast(max(\(loadedAtField)) as timestamp)"
    let format = "'yyyy-MM-dd\\'T\\'HH:mm:ss.SSSSSS\\'+00:00\\''"
    return """
      select date_format(to_utc_timestamp(\(newest), current_timezone()), \(format)) \
      as max_loaded_at,
        date_format(to_utc_timestamp(current_timestamp(), current_timezone()), \(format)) \
      as snapshotted_at,
        cast(unix_micros(current_timestamp()) - unix_micros(\(newest)) as double) / 1000000 as age
      from \(relation)\(filter.map { "\nwhere \($0)" } ?? "")
      """
  }

  // MARK: Templates

  package func introspector(on connection: any DatabaseConnection) -> any Introspector {
    SparkIntrospector(connection: connection)
  }

  // MARK: Dialect

  package func quoteIdentifier(_ name: String) -> String { SparkSQLText.identifier(name) }

  package func quoteLiteral(_ value: String) -> String { SparkSQLText.literal(value) }

  package var stringType: String { "string" }
}

/// Spark SQL's quoting.
package enum SparkSQLText {
  /// `` `name` ``, a backtick doubled.
  package static func identifier(_ name: String) -> String {
    "`" + name.replacing("`", with: "``") + "`"
  }

  /// `` `schema`.`name` ``.
  package static func relation(_ schema: String, _ name: String) -> String {
    identifier(schema) + "." + identifier(name)
  }

  /// A relation name quoted for Spark (the catalog part left to the session's catalog).
  package static func relation(_ relation: RelationName) -> String {
    Self.relation(relation.schema, relation.identifier)
  }

  /// A string literal: Spark's strings take backslash escapes, so both `\` and `'` are escaped.
  package static func literal(_ value: String) -> String {
    "'" + value.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
  }
}
