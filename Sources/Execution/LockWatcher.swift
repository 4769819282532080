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

  /// Creates a lock wait.
  package init(
    index: Int, relation: String, blockerPID: Int, blockerUser: String,
    blockerApplication: String, blockerQueryStart: String, waited: Duration
  ) {
    self.index = index
    self.relation = relation
    self.blockerPID = blockerPID
    self.blockerUser = blockerUser
    self.blockerApplication = blockerApplication
    self.blockerQueryStart = blockerQueryStart
    self.waited = waited
  }

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
  private let engine: any Engine
  private let threshold: Duration
  private let repeatEvery: Duration
  private let onWait: @Sendable (LockWait) -> Void
  private let stopSignal = DispatchSemaphore(value: 0)
  private let stopped = DispatchSemaphore(value: 0)
  private let clock = ContinuousClock()

  /// Creates a watcher asking on `connection`, which nobody else may use until `stop()`.
  package init(
    connection: any DatabaseConnection, engine: any Engine, after threshold: Duration = .seconds(3),
    repeatEvery: Duration = .seconds(30), onWait: @escaping @Sendable (LockWait) -> Void
  ) {
    self.connection = Connection(connection)
    self.engine = engine
    self.threshold = threshold
    self.repeatEvery = repeatEvery
    self.onWait = onWait
  }

  /// Worker `worker` starts running node `index` on `connection`.
  package func begin(worker: Int, connection: any DatabaseConnection, index: Int) {
    guard let pid = connection.backendPID else { return }
    let now = clock.now
    slots.withLock {
      $0[worker] = Slot(pid: pid, index: index, since: now, nextCheck: now + threshold)
    }
  }

  /// Worker `worker` finished its node.
  package func end(worker: Int) {
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
      found = try engine.lockWaits(of: due, on: connection.base)
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
}
