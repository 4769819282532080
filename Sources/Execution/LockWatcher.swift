public import Adapter
import Dispatch
import Foundation
import Synchronization

/// A lock a node's statement waits for, and the session that holds it.
public struct LockWait: Sendable {
  /// The waiting node's index in the compilation.
  public var index: Int
  /// The locked relation, quoted (`"marts"."x"`), or the kind of lock when it is no relation.
  public var relation: String
  /// The blocking session's server process.
  public var blockerPID: Int
  /// Its database user.
  public var blockerUser: String
  /// Its `application_name`.
  public var blockerApplication: String
  /// When its current (or last) query started.
  public var blockerQueryStart: String
  /// How long the node's statement has waited so far.
  public var waited: Duration

  /// `held by pid 1234 (user u, application psql, query started ...)`.
  public var holder: String {
    let application = blockerApplication.isEmpty ? "-" : blockerApplication
    return "pid \(blockerPID) (user \(blockerUser), application \(application), "
      + "query started \(blockerQueryStart))"
  }

  /// `waiting for a lock on "marts"."x" held by pid 1234 (...)`.
  public var description: String { "waiting for a lock on \(relation) held by \(holder)" }
}

/// Watches the statements of a run's workers: when one has run for a few seconds, it asks the
/// server (on the idle control connection) whether it waits for a lock and who holds it, and
/// reports that once, then every 30 seconds. Statements that end sooner cost no query.
public final class LockWatcher: Sendable {
  private struct Slot {
    var pid: Int32
    var index: Int
    var since: ContinuousClock.Instant
    var nextCheck: ContinuousClock.Instant
    var reported: ContinuousClock.Instant?
  }

  /// The control connection, used only by the watcher's thread while the run goes on.
  private final class Connection: @unchecked Sendable {
    let base: any DatabaseConnection
    init(_ base: any DatabaseConnection) { self.base = base }
  }

  private let slots = Mutex<[Int: Slot]>([:])
  private let connection: Connection
  private let threshold: Duration
  private let repeatEvery: Duration
  private let onWait: @Sendable (LockWait) -> Void
  private let stopSignal = DispatchSemaphore(value: 0)
  private let stopped = DispatchSemaphore(value: 0)
  private let clock = ContinuousClock()

  /// Creates a watcher asking on `connection`, which nobody else may use until `stop()`.
  public init(
    connection: any DatabaseConnection, after threshold: Duration = .seconds(3),
    repeatEvery: Duration = .seconds(30), onWait: @escaping @Sendable (LockWait) -> Void
  ) {
    self.connection = Connection(connection)
    self.threshold = threshold
    self.repeatEvery = repeatEvery
    self.onWait = onWait
  }

  /// Worker `worker` starts running node `index` on `connection`.
  func begin(worker: Int, connection: any DatabaseConnection, index: Int) {
    guard let pid = connection.backendPID else { return }
    let now = clock.now
    slots.withLock {
      $0[worker] = Slot(pid: pid, index: index, since: now, nextCheck: now + threshold)
    }
  }

  /// Worker `worker` finished its node.
  func end(worker: Int) {
    _ = slots.withLock { $0.removeValue(forKey: worker) }
  }

  /// Starts watching on a thread of its own (libpq blocks).
  public func start() {
    let thread = Thread { [self] in
      while stopSignal.wait(timeout: .now() + .milliseconds(500)) == .timedOut {
        check()
      }
      stopped.signal()
    }
    thread.name = "swdbt-lock-watcher"
    thread.start()
  }

  /// Stops watching and waits until the control connection is free again.
  public func stop() {
    stopSignal.signal()
    stopped.wait()
  }

  private func check() {
    let now = clock.now
    let due = slots.withLock { slots in
      slots.filter { now >= $0.value.nextCheck }.map(\.value.pid)
    }
    guard !due.isEmpty else { return }
    let found: [Int32: LockWait]
    do {
      found = try LockWatcher.waits(of: due, on: connection.base)
    } catch {
      return
    }
    let reports = slots.withLock { slots in
      var reports: [LockWait] = []
      for (worker, var slot) in slots where due.contains(slot.pid) {
        slot.nextCheck = now + .seconds(2)
        if var wait = found[slot.pid],
          slot.reported.map({ now - $0 >= repeatEvery }) ?? true
        {
          slot.reported = now
          wait.index = slot.index
          wait.waited = now - slot.since
          reports.append(wait)
        }
        slots[worker] = slot
      }
      return reports
    }
    for wait in reports { onWait(wait) }
  }

  /// For each of these server processes that waits for a lock, the lock and one holder.
  static func waits(of pids: [Int32], on connection: any DatabaseConnection)
    throws(DatabaseError) -> [Int32: LockWait]
  {
    let list = pids.map(String.init).joined(separator: ", ")
    let result = try connection.execute(
      """
      select w.pid, \(relationName("w")), b.pid, \(sessionFields) from pg_locks w \
      left join pg_class c on c.oid = w.relation \
      left join pg_namespace n on n.oid = c.relnamespace \
      cross join lateral unnest(pg_blocking_pids(w.pid)) as blocker(pid) \
      join pg_stat_activity b on b.pid = blocker.pid \
      where not w.granted and w.pid in (\(list)) order by w.pid, b.pid
      """)
    var waits: [Int32: LockWait] = [:]
    for row in result.rows {
      guard let pid = row[0].flatMap({ Int32($0) }), waits[pid] == nil,
        let wait = lockWait(row.dropFirst())
      else { continue }
      waits[pid] = wait
    }
    return waits
  }

  /// Another session holding a lock on `relation` (quoted), asked after a lock timeout.
  static func holder(of relation: String, on connection: any DatabaseConnection) -> LockWait? {
    let result = try? connection.execute(
      """
      select \(SQLQuoting.literal(relation)), b.pid, \(sessionFields) from pg_locks l \
      join pg_stat_activity b on b.pid = l.pid \
      where l.granted and l.relation = to_regclass(\(SQLQuoting.literal(relation))) \
      and l.pid <> pg_backend_pid() order by b.query_start limit 1
      """)
    return result?.rows.first.flatMap { lockWait($0[...]) }
  }

  private static func relationName(_ lock: String) -> String {
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
