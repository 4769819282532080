import Foundation
import Testing

@testable import Execution

/// The status line's estimate of the time left, from earlier runs' times per node.
@Suite struct TimeLeftEstimateTests {
  let nodes = [(index: 0, uniqueID: "model.p.a"), (1, "model.p.b"), (2, "model.p.c")]

  @Test func noEarlierTimeForAnyNodeMeansNoEstimate() {
    #expect(TimeLeftEstimate(earlier: ["model.p.other": 5], nodes: nodes, threads: 1) == nil)
  }

  @Test func untimedNodesCountAsTheMedianOfTheTimedOnes() throws {
    let estimate = try #require(
      TimeLeftEstimate(earlier: ["model.p.a": 10, "model.p.b": 30], nodes: nodes, threads: 1))
    // a 10 + b 30 + c (median of 10 and 30) 20.
    #expect(estimate.secondsLeft(finished: [], running: [:]) == 60)
    #expect(estimate.secondsLeft(finished: [0], running: [:]) == 50)
  }

  @Test func runningNodesCountWhatTheyHaveLeftAndNeverBelowZero() throws {
    let estimate = try #require(
      TimeLeftEstimate(
        earlier: ["model.p.a": 10, "model.p.b": 30, "model.p.c": 5], nodes: nodes, threads: 1))
    #expect(estimate.secondsLeft(finished: [0], running: [1: 12]) == 18 + 5)
    // b has run past its earlier 30 s: it counts nothing more.
    #expect(estimate.secondsLeft(finished: [0], running: [1: 45]) == 5)
  }

  @Test func threadsShareTheWorkButNotALongRunningNode() throws {
    let estimate = try #require(
      TimeLeftEstimate(
        earlier: ["model.p.a": 40, "model.p.b": 4, "model.p.c": 4], nodes: nodes, threads: 4))
    // (40 + 4 + 4) / 4 = 12, but a alone still needs 40.
    #expect(estimate.secondsLeft(finished: [], running: [0: 0]) == 40)
    #expect(estimate.secondsLeft(finished: [0], running: [:]) == 2)
  }

  @Test func describesTheTimeLeftRoughly() {
    #expect(TimeLeftEstimate.describe(0.3) == "under 1s left")
    #expect(TimeLeftEstimate.describe(42.4) == "about 42s left")
    #expect(TimeLeftEstimate.describe(125) == "about 2m 05s left")
    #expect(TimeLeftEstimate.describe(3 * 3600 + 7 * 60) == "about 3h 07m left")
  }

  @Test func timingsMergeThisRunAndSkipWhatDidNotRun() throws {
    let now = Date()
    var ran = ShowQuery.result(
      uniqueID: "model.p.a", index: 0, rows: 0, startedAt: now, completedAt: now)
    ran.executionTime = 2.5
    var skipped = ran
    skipped.uniqueID = "model.p.b"
    skipped.status = .skipped
    let merged = NodeTimings.merged(
      ["model.p.a": 9, "model.p.b": 7, "model.p.c": 1], with: [ran, skipped])
    #expect(merged == ["model.p.a": 2.5, "model.p.b": 7, "model.p.c": 1])
    #expect(NodeTimings.parse(Array(NodeTimings.serialize(merged).utf8)) == merged)
    #expect(NodeTimings.parse(Array("not json".utf8)).isEmpty)
  }
}
