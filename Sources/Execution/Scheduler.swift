public import Adapter
import Foundation
import HeapModule

/// Runs jobs over a pool of connections, each on a thread of its own (libpq blocks, so the
/// cooperative pool is never used). A job starts as soon as all its parents are done, not
/// layer by layer; when one fails its descendants are skipped while independent branches go
/// on; `cancel()` cancels the running statements and starts nothing new.
public final class Scheduler: @unchecked Sendable {
  /// How a job ended.
  public enum Status: Sendable, Equatable {
    case succeeded
    /// Failed: its descendants are skipped.
    case failed
  }

  /// Why a job did not run.
  public enum SkipReason: Sendable, Equatable {
    /// An ancestor (job index) failed.
    case ancestorFailed(Int)
    /// The run was cancelled first.
    case cancelled
  }

  private let parents: [[Int]]
  private var children: [[Int]]
  private let condition = NSCondition()
  // Guarded by `condition`:
  private var waitingParents: [Int]
  private var ready = Heap<Int>()
  private var finished = 0
  private var isCancelled = false
  private var skipped: [Bool]
  private var cancellers: [Int: any StatementCanceller] = [:]

  /// Creates a scheduler; `parents[i]` are the jobs job `i` waits for. Among ready jobs the
  /// lowest index runs first, so indices should follow a topological order.
  public init(parents: [[Int]]) {
    self.parents = parents
    var children = [[Int]](repeating: [], count: parents.count)
    for (job, jobParents) in parents.enumerated() {
      for parent in jobParents { children[parent].append(job) }
    }
    self.children = children
    self.waitingParents = parents.map(\.count)
    self.skipped = [Bool](repeating: false, count: parents.count)
  }

  /// Runs every job on `connections.count` threads; `work` gets the job and a connection of
  /// its own; `skip` is called for every job that will not run. Returns when all are done.
  public func run(
    connections: [any DatabaseConnection],
    work: @escaping @Sendable (Int, any DatabaseConnection, _ worker: Int) -> Status,
    skip: @escaping @Sendable (Int, SkipReason) -> Void
  ) {
    condition.lock()
    for job in parents.indices where waitingParents[job] == 0 { ready.insert(job) }
    condition.unlock()
    let group = DispatchGroup()
    for (worker, connection) in connections.enumerated() {
      group.enter()
      let box = ConnectionBox(connection)
      let thread = Thread { [self] in
        self.workLoop(worker: worker, connection: box.connection, work: work, skip: skip)
        group.leave()
      }
      thread.name = "swdbt-worker-\(worker + 1)"
      thread.start()
    }
    group.wait()
  }

  /// Cancels running statements and skips everything not yet started.
  public func cancel() {
    condition.lock()
    isCancelled = true
    let running = Array(cancellers.values)
    condition.broadcast()
    condition.unlock()
    for canceller in running { canceller.cancel() }
  }

  /// Whether `cancel()` was called.
  public var wasCancelled: Bool {
    condition.lock()
    defer { condition.unlock() }
    return isCancelled
  }

  private func workLoop(
    worker: Int, connection: any DatabaseConnection,
    work: @Sendable (Int, any DatabaseConnection, Int) -> Status,
    skip: @Sendable (Int, SkipReason) -> Void
  ) {
    let canceller = connection.makeCanceller()
    while true {
      condition.lock()
      while ready.isEmpty, finished < parents.count, !isCancelled { condition.wait() }
      if isCancelled {
        skipRemaining(skip)
        condition.broadcast()
        condition.unlock()
        return
      }
      guard let job = ready.popMin() else {
        // Everything is done.
        condition.broadcast()
        condition.unlock()
        return
      }
      cancellers[worker] = canceller
      condition.unlock()

      let status = work(job, connection, worker)

      condition.lock()
      cancellers[worker] = nil
      finished += 1
      if status == .failed {
        for descendant in descendants(of: job) where !skipped[descendant] {
          skipped[descendant] = true
          finished += 1
          skip(descendant, .ancestorFailed(job))
        }
      } else {
        for child in children[job] {
          waitingParents[child] -= 1
          if waitingParents[child] == 0, !skipped[child] { ready.insert(child) }
        }
      }
      condition.broadcast()
      condition.unlock()
    }
  }

  /// Called with the lock held once cancelled: everything not started is skipped, once.
  private func skipRemaining(_ skip: (Int, SkipReason) -> Void) {
    while let job = ready.popMin() {
      skipped[job] = true
      finished += 1
      skip(job, .cancelled)
    }
    for job in parents.indices where waitingParents[job] > 0 && !skipped[job] {
      skipped[job] = true
      finished += 1
      skip(job, .cancelled)
    }
  }

  private func descendants(of job: Int) -> [Int] {
    var seen = Set<Int>()
    var stack = children[job]
    var result: [Int] = []
    while let next = stack.popLast() {
      guard seen.insert(next).inserted else { continue }
      result.append(next)
      stack.append(contentsOf: children[next])
    }
    return result.sorted()
  }
}

/// Hands a connection to the one thread that will use it.
private struct ConnectionBox: @unchecked Sendable {
  let connection: any DatabaseConnection
  init(_ connection: any DatabaseConnection) { self.connection = connection }
}
