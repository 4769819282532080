public import Adapter
import Compiler
import Foundation
public import Project
public import Template

/// The control connection of a run: the advisory lock that keeps two runs on one target
/// apart, the relations that exist (for `is_incremental()`), schemas, leftovers, run hooks.
public final class TargetSession {
  /// The connection that holds the lock for the whole run.
  public let connection: any DatabaseConnection
  /// What the target's database answers.
  package let engine: any Engine

  /// Wraps an open connection to an engine.
  package init(connection: any DatabaseConnection, engine: any Engine) {
    self.connection = connection
    self.engine = engine
  }

  /// The comment swdbt puts on the intermediate relations of a swap, so that only relations
  /// carrying it are ever dropped as leftovers.
  public static let intermediateMarker = "swdbt: intermediate relation of a swap"

  /// What names the target's database whatever the connection settings say (see
  /// `RunLocking.databaseIdentity`).
  public func databaseIdentity() throws(DatabaseError) -> String {
    try engine.databaseIdentity(on: connection)
  }

  /// A 63-bit lock key for a target: the same database and schema give the same key.
  public static func lockKey(database: String, schema: String) -> Int64 {
    Int64(bitPattern: StableHash.fnv1a("swdbt:\(database):\(schema)") & 0x7fff_ffff_ffff_ffff)
  }

  /// Takes the target's run lock; when another run holds it, reports who and waits.
  public func lock(key: Int64, targetName: String, notice: (String) -> Void) throws(DatabaseError) {
    try engine.lock(key: key, targetName: targetName, on: connection, notice: notice)
  }

  /// Every relation outside the system schemas, as `schema.identifier`.
  public func existingRelations() throws(DatabaseError) -> Set<String> {
    try engine.existingRelations(on: connection)
  }

  /// Creates schemas that do not exist yet.
  public func createSchemas(_ schemas: Set<String>) throws(DatabaseError) {
    try engine.createSchemas(schemas, on: connection)
  }

  /// Drops `__swdbt_tmp` / `__swdbt_backup` relations a crashed run left in these schemas;
  /// returns their names.
  public func dropLeftovers(inSchemas schemas: Set<String>) throws(DatabaseError) -> [String] {
    try engine.dropLeftovers(inSchemas: schemas, on: connection)
  }

  /// Renders (`{{ target.schema }}`, project macros) and runs `on-run-start` / `on-run-end`.
  public func runHooks(_ statements: [String], context: HookContext, what: String)
    throws(DatabaseError)
  {
    for statement in statements {
      let sql: String
      do {
        sql = try Hooks.render(
          statement, this: nil, context: context, what: what, connection: connection)
      } catch {
        throw error.error
      }
      _ = try connection.execute(sql)
    }
  }

  /// Releases the lock and closes the connection.
  public func close() {
    connection.close()
  }
}
