package import Adapter
package import Execution

/// The run lock (an advisory lock) and who holds what, from `pg_locks`.
extension PostgresEngine {
  package func databaseIdentity(on connection: any DatabaseConnection) throws(DatabaseError)
    -> String
  {
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

  package func lock(
    key: Int64, targetName: String, on connection: any DatabaseConnection,
    notice: (String) -> Void
  ) throws(DatabaseError) {
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

  package func lockWaits(of sessions: [Int32], on connection: any DatabaseConnection)
    throws(DatabaseError) -> [Int32: LockWait]
  {
    let list = sessions.map(String.init).joined(separator: ", ")
    let result = try connection.execute(
      """
      select w.pid, \(Self.lockedRelationName("w")), b.pid, \(Self.sessionFields) from pg_locks w \
      left join pg_class c on c.oid = w.relation \
      left join pg_namespace n on n.oid = c.relnamespace \
      cross join lateral unnest(pg_blocking_pids(w.pid)) as blocker(pid) \
      join pg_stat_activity b on b.pid = blocker.pid \
      where not w.granted and w.pid in (\(list)) order by w.pid, b.pid
      """)
    var waits: [Int32: LockWait] = [:]
    for row in result.rows {
      guard let pid = row[0].flatMap({ Int32($0) }), waits[pid] == nil,
        let wait = Self.lockWait(row.dropFirst())
      else { continue }
      waits[pid] = wait
    }
    return waits
  }

  package func lockHolder(of relation: String, on connection: any DatabaseConnection)
    -> LockWait?
  {
    let result = try? connection.execute(
      """
      select \(SQLQuoting.literal(relation)), b.pid, \(Self.sessionFields) from pg_locks l \
      join pg_stat_activity b on b.pid = l.pid \
      where l.granted and l.relation = to_regclass(\(SQLQuoting.literal(relation))) \
      and l.pid <> pg_backend_pid() order by b.query_start limit 1
      """)
    return result?.rows.first.flatMap { Self.lockWait($0[...]) }
  }

  /// 55P03: lock_not_available (`lock_timeout`).
  package func isLockTimeout(_ error: DatabaseError) -> Bool { error.sqlState == "55P03" }

  private static func lockedRelationName(_ lock: String) -> String {
    // Always quoted, as swdbt names relations everywhere else.
    "coalesce('\"' || replace(n.nspname, '\"', '\"\"') || '\".\"' "
      + "|| replace(c.relname, '\"', '\"\"') || '\"', \(lock).locktype)"
  }

  private static let sessionFields =
    "coalesce(b.usename, ''), coalesce(b.application_name, ''), "
    + "coalesce(to_char(b.query_start, 'YYYY-MM-DD HH24:MI:SS TZ'), '')"

  /// relation, pid, user, application, query start.
  private static func lockWait(_ row: ArraySlice<String?>) -> LockWait? {
    let fields = Array(row)
    guard fields.count >= 5, let pid = fields[1].flatMap({ Int($0) }) else { return nil }
    return LockWait(
      index: 0, relation: fields[0] ?? "?", blockerPID: pid, blockerUser: fields[2] ?? "",
      blockerApplication: fields[3] ?? "", blockerQueryStart: fields[4] ?? "", waited: .zero)
  }
}
