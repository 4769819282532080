package import Adapter
package import Compiler
package import Diagnostics
package import Execution
package import Project
package import Runtime
import Template

/// PostgreSQL behind the engine seam: transactional DDL (every build is one transaction, the
/// table swapped in by rename), `create or replace view`, `merge` on every table, seeds by
/// `COPY`, the run lock as an advisory lock.
package struct PostgresEngine: Engine {
  /// Creates the engine.
  package init() {}

  package var type: String { "postgres" }

  package var capabilities: EngineCapabilities {
    EngineCapabilities(
      transactionalDDL: true, replacesViews: true, mergeFileFormats: nil, hasRunLock: true,
      bulkLoad: true)
  }

  // MARK: Models

  package func build(_ request: ModelBuild) throws(StatementFailure) -> BuiltModel {
    let node = request.node
    let compilation = request.compilation
    var builder = ModelBuilder(
      node: node, relation: request.relation, target: compilation.project.target,
      fullRefresh: request.fullRefresh, connection: request.connection)
    // Looked up only for models that ask for comments: most do not.
    if PersistDocs.isRequested(node.config),
      let patch = compilation.project.models.first(where: { $0.uniqueID == node.uniqueID })?
        .patch
    {
      builder.documentation = PersistDocs(patch: patch, docs: compilation.project.docs)
    }
    builder.contract = Contract.of(node, in: compilation)
    builder.hooks = request.hooks
    if node.config.materialization == .incremental,
      node.config["incremental_strategy"]?.stringValue == "insert_overwrite"
    {
      var failure = StatementFailure(
        error: DatabaseError(.statement, "insert_overwrite"), statement: "",
        action: builder.runner.action)
      failure.diagnostic = .error(
        "run.unsupported-strategy",
        "incremental strategy `insert_overwrite` of `\(node.name)` is dbt-spark's; PostgreSQL "
          + "has no partition overwrite", path: node.originalFilePath,
        hint: "use `append`, `delete+insert` or `merge` on PostgreSQL")
      throw failure
    }
    var outcome = try builder.build()
    outcome.warnings += EngineConfigChecks.inapplicable(
      EngineConfigChecks.sparkOnlyKeys, of: node, engine: "PostgreSQL",
      hint: "it is a dbt-spark table option; remove it for PostgreSQL targets")
    return BuiltModel(outcome: outcome, statement: builder.runner.record.statement)
  }

  package func microbatchProblem(of node: CompiledNode) -> (message: String, hint: String)? {
    guard node.config["unique_key"] == nil else { return nil }
    return (
      "microbatch model `\(node.name)` has no `unique_key`, which PostgreSQL's microbatch "
        + "merges on, as dbt-postgres does",
      "set `unique_key` to the column (or columns) identifying a row"
    )
  }

  // MARK: Seeds

  package func loadSeed(_ request: SeedLoad) throws(SeedLoadFailure) -> BuildOutcome {
    var loader = SeedLoader(
      node: request.node, relation: request.relation, path: request.path,
      displayPath: request.displayPath, target: request.target,
      connection: request.connection, empty: request.empty)
    loader.hooks = request.hooks
    return try loader.load()
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
    try TestRunner(node: node, target: target, connection: connection).run()
  }

  package func judgeTest(
    _ node: CompiledNode, failures: Int, target: TargetConfig,
    on connection: any DatabaseConnection
  ) throws(StatementFailure) -> TestOutcome {
    try TestRunner(node: node, target: target, connection: connection).judge(failures: failures)
  }

  package func runUnitTest(
    _ spec: UnitTestSpec, compilation: Compilation, secondPass: SecondPass,
    on connection: any DatabaseConnection, into result: inout NodeResult
  ) {
    UnitTestRunner(
      spec: spec, compilation: compilation, secondPass: secondPass, connection: connection,
      introspector: PostgresIntrospector(connection: connection), sql: PostgresUnitTestSQL()
    ).run(into: &result)
  }

  // MARK: Source freshness

  package func freshnessQuery(relation: String, loadedAtField: String, filter: String?)
    -> String
  {
    let newest = "max(\(loadedAtField))::timestamptz"
    let format = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"'"
    return """
      select to_char(\(newest) at time zone 'UTC', \(format)) as max_loaded_at,
        to_char(now() at time zone 'UTC', \(format)) as snapshotted_at,
        extract(epoch from now() - \(newest))::float8 as age
      from \(relation)\(filter.map { "\nwhere \($0)" } ?? "")
      """
  }

  // MARK: Templates

  package func introspector(on connection: any DatabaseConnection) -> any Introspector {
    PostgresIntrospector(connection: connection)
  }

  // MARK: Dialect

  package func quoteIdentifier(_ name: String) -> String { SQLQuoting.identifier(name) }

  package func quoteLiteral(_ value: String) -> String { SQLQuoting.literal(value) }

  package var stringType: String { "text" }
}
