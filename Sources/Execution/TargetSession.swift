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

  /// Wraps an open connection.
  public init(connection: any DatabaseConnection) { self.connection = connection }

  /// The comment swdbt puts on the intermediate relations of a swap, so that only relations
  /// carrying it are ever dropped as leftovers.
  public static let intermediateMarker = "swdbt: intermediate relation of a swap"

  /// What names the target's database whatever the connection settings say: the server's
  /// system identifier (or, when the role may not read it, its address and port) and the
  /// database's name, as the server reports them.
  public func databaseIdentity() throws(DatabaseError) -> String {
    let server: String
    do {
      server =
        try connection.execute(
          "select system_identifier::text from pg_catalog.pg_control_system()"
        ).scalar ?? ""
    } catch {
      // pg_control_system() is for superusers and pg_monitor; an address and port name
      // the server as well for every client that reaches it over TCP.
      server =
        try connection.execute(
          "select coalesce(host(inet_server_addr()), 'socket') || ':' "
            + "|| current_setting('port')"
        ).scalar ?? ""
    }
    let database = try connection.execute("select current_database()").scalar ?? ""
    return server + "/" + database
  }

  /// A 63-bit lock key for a target: the same database and schema give the same key.
  public static func lockKey(database: String, schema: String) -> Int64 {
    Int64(bitPattern: StableHash.fnv1a("swdbt:\(database):\(schema)") & 0x7fff_ffff_ffff_ffff)
  }

  /// Takes the target's advisory lock; when another run holds it, reports who and waits.
  public func lock(key: Int64, targetName: String, notice: (String) -> Void) throws(DatabaseError) {
    let taken = try connection.execute("select pg_try_advisory_lock(\(key))").scalar
    if taken == "t" { return }
    let holder = try connection.execute(
      """
      select a.pid, coalesce(a.application_name, ''), \
      extract(epoch from now() - a.backend_start)::int from pg_locks l \
      join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' \
      and l.granted and ((l.classid::bigint << 32) | l.objid::bigint) = \(key) limit 1
      """)
    let row = holder.rows.first
    let who =
      row.map { "process \($0[0] ?? "?") (\($0[1] ?? ""), connected \($0[2] ?? "?")s ago)" }
      ?? "another session"
    notice(
      "another swdbt run on target `\(targetName)` holds its lock (\(who)); waiting for it to "
        + "finish")
    _ = try connection.execute("select pg_advisory_lock(\(key))")
  }

  /// Every relation outside the system schemas, as `schema.identifier`.
  public func existingRelations() throws(DatabaseError) -> Set<String> {
    let result = try connection.execute(
      """
      select n.nspname, c.relname from pg_catalog.pg_class c \
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace \
      where c.relkind in ('r', 'v', 'm', 'p', 'f') and n.nspname not like 'pg\\_%' \
      and n.nspname <> 'information_schema'
      """)
    var names: Set<String> = []
    for row in result.rows {
      if let schema = row[0], let name = row[1] { names.insert(schema + "." + name) }
    }
    return names
  }

  /// Creates schemas that do not exist yet.
  public func createSchemas(_ schemas: Set<String>) throws(DatabaseError) {
    for schema in schemas.sorted() {
      do {
        _ = try connection.execute(
          "create schema if not exists \(SQLQuoting.identifier(schema))")
      } catch {
        // `if not exists` is checked after the database's create privilege, so a role without
        // it fails even on a schema that exists; asked only then, so it costs nothing else.
        let exists = try? connection.execute(
          "select 1 from pg_catalog.pg_namespace where nspname = \(SQLQuoting.literal(schema))")
        guard error.sqlState == "42501" else { throw error }
        guard exists?.rows.isEmpty == false else {
          var refused = error
          refused.message = "cannot create schema `\(schema)`: \(error.message)"
          refused.hint =
            "create it once as a role that may (`create schema \(SQLQuoting.identifier(schema)) "
            + "authorization <target user>`), or grant the target's user create on the database"
          throw refused
        }
      }
    }
  }

  /// Drops `__swdbt_tmp` / `__swdbt_backup` relations a crashed run left in these schemas;
  /// returns their names. Only relations carrying swdbt's marker comment are leftovers: a
  /// user's relation of such a name is never touched. Swaps are transactional, so this is a
  /// safety net, not a habit.
  public func dropLeftovers(inSchemas schemas: Set<String>) throws(DatabaseError) -> [String] {
    guard !schemas.isEmpty else { return [] }
    let list = schemas.sorted().map(SQLQuoting.literal).joined(separator: ", ")
    let result = try connection.execute(
      """
      select n.nspname, c.relname, c.relkind from pg_catalog.pg_class c \
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace \
      where n.nspname in (\(list)) and c.relkind in ('r', 'v', 'm') \
      and (c.relname like '%\\_\\_swdbt\\_tmp' or c.relname like '%\\_\\_swdbt\\_backup') \
      and pg_catalog.obj_description(c.oid, 'pg_class') = \(SQLQuoting.literal(Self.intermediateMarker))
      """)
    var dropped: [String] = []
    for row in result.rows {
      guard let schema = row[0], let name = row[1], let kind = row[2]?.first else { continue }
      let keyword = kind == "v" ? "view" : kind == "m" ? "materialized view" : "table"
      let relation = SQLQuoting.relation(schema, name)
      _ = try connection.execute("drop \(keyword) if exists \(relation)")
      dropped.append(relation)
    }
    return dropped
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
