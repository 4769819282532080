package import Adapter
package import Compiler
package import Diagnostics
package import Project
package import Runtime

/// What one kind of database (PostgreSQL, Spark) answers for a run: Execution's scheduler,
/// results, retries, events and hooks speak only through it, and each engine target
/// (`PostgresEngine`, `SparkEngine`) owns its SQL. The CLI picks one from the target's
/// `type` (see `Wiring.makeEngine`).
package protocol Engine: RelationLookup, ModelBuilding, SeedLoading, TestQuerying, RunLocking,
  CloneBuilding, FreshnessQuerying, CatalogReading, IntrospectorMaking, SQLDialect
{
  /// The target `type` it serves (`postgres`), which is also the adapter type macros
  /// dispatch on (`postgres__dateadd`, `spark__dateadd`).
  var type: String { get }
  /// What the engine can do atomically, and which statements it has.
  var capabilities: EngineCapabilities { get }
}

/// What an engine can promise; the engine's builders choose their statement sequence by it,
/// and messages say what is and is not atomic.
package struct EngineCapabilities: Sendable, Equatable {
  /// DDL inside transactions: a failed build leaves the old relation and nothing else
  /// (PostgreSQL); without it a table is built under a temporary name, then dropped and
  /// renamed, and leftovers are cleaned at the start of every run (Spark).
  package var transactionalDDL: Bool
  /// `create or replace view` exists.
  package var replacesViews: Bool
  /// The `file_format`s whose tables take `merge` and `delete+insert` (nil: every table).
  package var mergeFileFormats: Set<String>?
  /// The run lock lives in the engine (an advisory lock); false: the caller keeps it.
  package var hasRunLock: Bool
  /// Seeds stream in bulk (`COPY`); false: typed `create table` and batched inserts.
  package var bulkLoad: Bool

  /// Creates capabilities.
  package init(
    transactionalDDL: Bool, replacesViews: Bool, mergeFileFormats: Set<String>?,
    hasRunLock: Bool, bulkLoad: Bool
  ) {
    self.transactionalDDL = transactionalDDL
    self.replacesViews = replacesViews
    self.mergeFileFormats = mergeFileFormats
    self.hasRunLock = hasRunLock
    self.bulkLoad = bulkLoad
  }

  /// Whether an incremental `merge` / `delete+insert` may run on a table of `fileFormat`.
  package func merges(fileFormat: String?) -> Bool {
    guard let mergeFileFormats else { return true }
    return fileFormat.map { mergeFileFormats.contains($0.lowercased()) } ?? false
  }
}

/// The kind of an existing relation.
package enum RelationKind: Sendable, Equatable {
  case table
  case view
  case materializedView
  /// Anything else the engine lists (a foreign table), by the engine's own name.
  case other(String)
}

/// Relations in the target: which exist, their kinds, schemas, and what an interrupted build
/// left behind.
package protocol RelationLookup: Sendable {
  /// Every relation outside the system schemas, as `schema.identifier` (for
  /// `is_incremental()`), in one query.
  func existingRelations(on connection: any DatabaseConnection) throws(DatabaseError)
    -> Set<String>
  /// The kind of `relation`, nil when it does not exist.
  func kind(of relation: RelationName, on connection: any DatabaseConnection)
    throws(DatabaseError) -> RelationKind?
  /// Creates the schemas that do not exist yet.
  func createSchemas(_ schemas: Set<String>, on connection: any DatabaseConnection)
    throws(DatabaseError)
  /// Drops what interrupted builds left in these schemas (only relations swdbt marked as its
  /// own intermediates); returns their quoted names.
  func dropLeftovers(inSchemas schemas: Set<String>, on connection: any DatabaseConnection)
    throws(DatabaseError) -> [String]
}

/// One model (or snapshot, or one microbatch batch) to build.
package struct ModelBuild {
  /// The node, its SQL final (a microbatch batch's SQL carries its window).
  package var node: CompiledNode
  /// Where it goes.
  package var relation: RelationName
  /// The whole compilation (contracts, docs, the target).
  package var compilation: Compilation
  /// `--full-refresh` (a microbatch model's later batches never).
  package var fullRefresh: Bool
  /// What the node's hooks see.
  package var hooks: HookContext
  /// The worker's connection.
  package var connection: any DatabaseConnection

  /// Creates a build request.
  package init(
    node: CompiledNode, relation: RelationName, compilation: Compilation, fullRefresh: Bool,
    hooks: HookContext, connection: any DatabaseConnection
  ) {
    self.node = node
    self.relation = relation
    self.compilation = compilation
    self.fullRefresh = fullRefresh
    self.hooks = hooks
    self.connection = connection
  }
}

/// What building sent last, for `target/run/` and error positions.
package struct BuiltModel: Sendable {
  /// What the build did.
  package var outcome: BuildOutcome
  /// The main statement (the `create ... as` carrying the model's SQL), if one was sent.
  package var statement: String?

  /// Creates a built model.
  package init(outcome: BuildOutcome, statement: String?) {
    self.outcome = outcome
    self.statement = statement
  }
}

/// Builds models: view, table, incremental (with its strategies), materialized view,
/// snapshot; hooks, grants, indexes, contracts and persisted docs are part of each build.
/// Ephemeral models are never built.
package protocol ModelBuilding: Sendable {
  /// Builds one model with its hooks and grants, as atomically as the engine allows.
  func build(_ request: ModelBuild) throws(StatementFailure) -> BuiltModel
  /// The microbatch strategy's own checks before any batch runs (PostgreSQL merges on
  /// `unique_key`); nil when the model may run.
  func microbatchProblem(of node: CompiledNode) -> (message: String, hint: String)?
}

/// One seed to load.
package struct SeedLoad {
  /// The seed node.
  package var node: CompiledNode
  /// Where it goes.
  package var relation: RelationName
  /// The file's path on disk, and as printed.
  package var path: String
  package var displayPath: String
  /// The target (column quoting, schema).
  package var target: TargetConfig
  /// `--empty`: the table without rows.
  package var empty: Bool
  /// What the seed's hooks see.
  package var hooks: HookContext
  /// The worker's connection.
  package var connection: any DatabaseConnection

  /// Creates a seed load.
  package init(
    node: CompiledNode, relation: RelationName, path: String, displayPath: String,
    target: TargetConfig, empty: Bool, hooks: HookContext, connection: any DatabaseConnection
  ) {
    self.node = node
    self.relation = relation
    self.path = path
    self.displayPath = displayPath
    self.target = target
    self.empty = empty
    self.hooks = hooks
    self.connection = connection
  }
}

/// Why a seed did not load: its file, or a statement.
package enum SeedLoadFailure: Error {
  case file(Diagnostic)
  case statement(StatementFailure)
}

/// Loads seeds (CSV, JSON, NDJSON) into typed tables.
package protocol SeedLoading: Sendable {
  /// Replaces the seed's table with the file's rows.
  func loadSeed(_ request: SeedLoad) throws(SeedLoadFailure) -> BuildOutcome
  /// The first `limit` rows of a loaded seed (`seed --show`).
  func previewSeed(_ relation: String, limit: Int, on connection: any DatabaseConnection)
    throws(DatabaseError) -> QueryResult
}

/// Runs data tests and unit tests.
package protocol TestQuerying: Sendable {
  /// Runs one data test's query and judges its count (severity, thresholds,
  /// `store_failures`).
  func runTest(
    _ node: CompiledNode, target: TargetConfig, on connection: any DatabaseConnection
  ) throws(StatementFailure) -> TestOutcome
  /// Judges a test whose failures a batch query already counted.
  func judgeTest(
    _ node: CompiledNode, failures: Int, target: TargetConfig,
    on connection: any DatabaseConnection
  ) throws(StatementFailure) -> TestOutcome
  /// Runs a unit test (fixtures, the model's SQL, the comparison) into `result`.
  func runUnitTest(
    _ spec: UnitTestSpec, compilation: Compilation, secondPass: SecondPass,
    on connection: any DatabaseConnection, into result: inout NodeResult)
}

/// The run lock and who holds what, on engines that have locks.
package protocol RunLocking: Sendable {
  /// What names the target's database whatever the connection settings say.
  func databaseIdentity(on connection: any DatabaseConnection) throws(DatabaseError) -> String
  /// Takes the run lock `key`; when another run holds it, reports who through `notice` and
  /// waits.
  func lock(
    key: Int64, targetName: String, on connection: any DatabaseConnection,
    notice: (String) -> Void) throws(DatabaseError)
  /// For each of these server sessions that waits for a lock, the lock and one holder.
  func lockWaits(of sessions: [Int32], on connection: any DatabaseConnection)
    throws(DatabaseError) -> [Int32: LockWait]
  /// Another session holding a lock on `relation` (quoted), asked after a lock timeout.
  func lockHolder(of relation: String, on connection: any DatabaseConnection) -> LockWait?
  /// Whether `error` is the engine's lock timeout.
  func isLockTimeout(_ error: DatabaseError) -> Bool
}

/// `swdbt clone`: each node becomes what the engine's cheapest copy of the state's relation
/// is (a view on PostgreSQL).
package protocol CloneBuilding: Sendable {
  /// Clones `source` into `target`; returns the command tag, or "No-op" when nothing was
  /// done.
  func clone(
    _ target: RelationName, from source: RelationName, fullRefresh: Bool,
    on connection: any DatabaseConnection
  ) throws(DatabaseError) -> String
}

/// `swdbt source freshness`.
package protocol FreshnessQuerying: Sendable {
  /// One row: the newest `loadedAtField` and now, as UTC ISO 8601 text, and the age in
  /// seconds, of the rows of `relation` (quoted) that pass `filter`.
  func freshnessQuery(relation: String, loadedAtField: String, filter: String?) -> String
}

/// What templates' `run_query`, `statement` and `adapter` look-ups go through on a
/// connection: values typed as dbt's agate tables hold them, look-ups in the engine's catalog.
package protocol IntrospectorMaking: Sendable {
  /// The introspector over `connection`, which the caller owns.
  func introspector(on connection: any DatabaseConnection) -> any Introspector
}

/// Quoting and type names.
package protocol SQLDialect: Sendable {
  /// An identifier quoted (`"x"` on PostgreSQL, `` `x` `` on Spark).
  func quoteIdentifier(_ name: String) -> String
  /// A string literal.
  func quoteLiteral(_ value: String) -> String
  /// The type of text columns (`text`, `string`).
  var stringType: String { get }
}
