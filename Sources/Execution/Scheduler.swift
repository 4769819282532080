public import Adapter
import Foundation
import HeapModule

/// Runs jobs over a pool of connections, each on a thread of its own (libpq blocks, so the
/// cooperative pool is never used). A job starts as soon as all its parents are done, not
/// layer by layer; when one fails its descendants are skipped while independent branches go
/// on; `cancel()` cancels the running statements and starts nothing new. A pass-through job
/// (an unselected node between selected ones) runs nothing: it is done as soon as its parents
/// are, so that order reaches through it.
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
    /// A job (index) failed and `failFast` starts nothing after a failure.
    case failFast(Int)
  }

  private let parents: [[Int]]
  private var children: [[Int]]
  private let passThrough: [Bool]
  private let condition = NSCondition()
  // Guarded by `condition`:
  private var waitingParents: [Int]
  private var ready = Heap<Int>()
  private var finished = 0
  private var isCancelled = false
  private var skipped: [Bool]
  private var cancellers: [Int: any StatementCanceller] = [:]
  /// The job whose failure stopped the run under `failFast`.
  private var stoppedBy: Int? = nil
  /// `--fail-fast`: after the first failure no job starts; running ones finish. Set before
  /// `run`.
  public var failFast = false

  /// Creates a scheduler; `parents[i]` are the jobs job `i` waits for. Among ready jobs the
  /// lowest index runs first, so indices should follow a topological order. Jobs flagged in
  /// `passThrough` are never handed to `work` or `skip`.
  public init(parents: [[Int]], passThrough: [Bool] = []) {
    self.parents = parents
    self.passThrough =
      passThrough.count == parents.count
      ? passThrough : [Bool](repeating: false, count: parents.count)
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
    // Roots first: a pass-through root releases children that must not be queued twice.
    let roots = parents.indices.filter { waitingParents[$0] == 0 }
    for job in roots { makeReady(job) }
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
      while ready.isEmpty, finished < parents.count, !isCancelled, stoppedBy == nil {
        condition.wait()
      }
      if isCancelled || stoppedBy != nil {
        skipRemaining(skip, reason: stoppedBy.map { .failFast($0) } ?? .cancelled)
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
          if !passThrough[descendant] { skip(descendant, .ancestorFailed(job)) }
        }
        if failFast, stoppedBy == nil { stoppedBy = job }
      } else {
        release(job)
      }
      condition.broadcast()
      condition.unlock()
    }
  }

  /// Called with the lock held when `job` can start: queued, or, for a pass-through job,
  /// done at once.
  private func makeReady(_ job: Int) {
    guard passThrough[job] else {
      ready.insert(job)
      return
    }
    finished += 1
    release(job)
  }

  /// Called with the lock held when `job` succeeded: children whose parents are all done
  /// become ready. A worklist, not recursion: a chain of pass-through jobs can be long.
  private func release(_ job: Int) {
    var done = [job]
    while let next = done.popLast() {
      for child in children[next] {
        waitingParents[child] -= 1
        guard waitingParents[child] == 0, !skipped[child] else { continue }
        if passThrough[child] {
          finished += 1
          done.append(child)
        } else {
          ready.insert(child)
        }
      }
    }
  }

  /// Called with the lock held once cancelled or stopped: everything not started is
  /// skipped, once.
  private func skipRemaining(_ skip: (Int, SkipReason) -> Void, reason: SkipReason) {
    while let job = ready.popMin() {
      skipped[job] = true
      finished += 1
      skip(job, reason)
    }
    for job in parents.indices where waitingParents[job] > 0 && !skipped[job] {
      skipped[job] = true
      finished += 1
      if !passThrough[job] { skip(job, reason) }
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
