import Adapter
import Foundation
import Synchronization
import Testing

@testable import Execution

/// A connection that runs nothing; the scheduler only needs something to hand out.
final class IdleConnection: DatabaseConnection, @unchecked Sendable {
  func execute(_ sql: String) throws(DatabaseError) -> QueryResult { QueryResult() }
  func copyIn(
    _ sql: String,
    produce: (_ send: (UnsafeRawBufferPointer) throws(DatabaseError) -> Void) throws(DatabaseError)
      -> Void
  ) throws(DatabaseError) -> Int { 0 }
  func makeCanceller() -> any StatementCanceller { NoCanceller() }
  var serverVersion: String { "test" }
  func close() {}
}

struct NoCanceller: StatementCanceller {
  func cancel() {}
}

@Suite struct SchedulerTests {
  /// 0 -> 1 -> 3, 0 -> 2, 4 alone.
  static let parents = [[], [0], [0], [1], []]

  @Test func everyJobRunsAfterItsParents() {
    let finished = Mutex<[Int]>([])
    Scheduler(parents: Self.parents).run(
      connections: [IdleConnection(), IdleConnection()],
      work: { job, _, _ in
        finished.withLock { $0.append(job) }
        return .succeeded
      },
      skip: { _, _ in Issue.record("nothing should be skipped") })
    let order = finished.withLock { $0 }
    #expect(order.sorted() == [0, 1, 2, 3, 4])
    for (job, jobParents) in Self.parents.enumerated() {
      for parent in jobParents {
        #expect((order.firstIndex(of: parent) ?? .max) < (order.firstIndex(of: job) ?? .min))
      }
    }
  }

  @Test func failureSkipsDescendantsOnlyAndIndependentBranchesGoOn() {
    let ran = Mutex<Set<Int>>([])
    let skipped = Mutex<[Int: Scheduler.SkipReason]>([:])
    Scheduler(parents: Self.parents).run(
      connections: [IdleConnection()],
      work: { job, _, _ in
        ran.withLock { _ = $0.insert(job) }
        return job == 1 ? .failed : .succeeded
      },
      skip: { job, reason in skipped.withLock { $0[job] = reason } })
    #expect(ran.withLock { $0 } == [0, 1, 2, 4])
    #expect(skipped.withLock { $0 } == [3: .ancestorFailed(1)])
  }

  @Test func failFastStartsNothingAfterAFailure() {
    let scheduler = Scheduler(parents: Self.parents)
    scheduler.failFast = true
    let ran = Mutex<Set<Int>>([])
    let skipped = Mutex<[Int: Scheduler.SkipReason]>([:])
    scheduler.run(
      connections: [IdleConnection()],
      work: { job, _, _ in
        ran.withLock { _ = $0.insert(job) }
        return job == 1 ? .failed : .succeeded
      },
      skip: { job, reason in skipped.withLock { $0[job] = reason } })
    // One worker takes the lowest ready job first: 0, then 1, which fails.
    #expect(ran.withLock { $0 } == [0, 1])
    #expect(
      skipped.withLock { $0 } == [3: .ancestorFailed(1), 2: .failFast(1), 4: .failFast(1)])
    #expect(!scheduler.wasCancelled)
  }

  @Test func cancelSkipsWhatHasNotStarted() {
    let scheduler = Scheduler(parents: Self.parents)
    let skipped = Mutex<Set<Int>>([])
    scheduler.run(
      connections: [IdleConnection()],
      work: { job, _, _ in
        if job == 0 { scheduler.cancel() }
        return .succeeded
      },
      skip: { job, reason in
        #expect(reason == .cancelled)
        skipped.withLock { _ = $0.insert(job) }
      })
    #expect(scheduler.wasCancelled)
    #expect(skipped.withLock { $0 } == [1, 2, 3, 4])
  }

  /// 0 -> 1 -> 2 -> 3 where 1 and 2 are pass-through (unselected nodes between selected ones):
  /// 3 still waits for 0, and only 0 and 3 reach `work`.
  @Test func passThroughJobsKeepOrderWithoutRunning() {
    let chain = [[], [0], [1], [2]]
    let finished = Mutex<[Int]>([])
    Scheduler(parents: chain, passThrough: [false, true, true, false]).run(
      connections: [IdleConnection(), IdleConnection()],
      work: { job, _, _ in
        // Job 0 takes long enough that a job not waiting for it would finish first.
        if job == 0 { Thread.sleep(forTimeInterval: 0.2) }
        finished.withLock { $0.append(job) }
        return .succeeded
      },
      skip: { _, _ in Issue.record("nothing should be skipped") })
    #expect(finished.withLock { $0 } == [0, 3])
  }

  @Test func failureSkipsDescendantsThroughPassThroughJobs() {
    let skipped = Mutex<[Int: Scheduler.SkipReason]>([:])
    Scheduler(parents: [[], [0], [1], [2]], passThrough: [false, true, true, false]).run(
      connections: [IdleConnection()],
      work: { _, _, _ in .failed },
      skip: { job, reason in skipped.withLock { $0[job] = reason } })
    #expect(skipped.withLock { $0 } == [3: .ancestorFailed(0)])
  }
}
