/// How long a run still has to go, from earlier runs' execution times per node: nodes never
/// timed count as the median of those that were, nodes running count what they have left,
/// and the total is shared among the threads.
public struct TimeLeftEstimate: Sendable {
  /// Expected seconds per node index of this run.
  private let expected: [Int: Double]
  private let threads: Int

  /// nil when no node of this run was timed before: there is nothing to estimate from.
  public init?(earlier: [String: Double], nodes: [(index: Int, uniqueID: String)], threads: Int) {
    let known = nodes.compactMap { node in earlier[node.uniqueID].map { (node.index, $0) } }
    guard !known.isEmpty else { return nil }
    let median = TimeLeftEstimate.median(known.map(\.1))
    var expected: [Int: Double] = [:]
    for node in nodes { expected[node.index] = earlier[node.uniqueID] ?? median }
    self.expected = expected
    self.threads = max(1, threads)
  }

  /// Seconds left: the nodes not started, plus what the running ones have left (a node
  /// already past its earlier time counts nothing more), over the threads; never less than
  /// the longest that one running node still needs.
  public func secondsLeft(finished: Set<Int>, running: [Int: Double]) -> Double {
    var total = 0.0
    var longestRunning = 0.0
    for (index, seconds) in expected where !finished.contains(index) {
      if let elapsed = running[index] {
        let left = max(0, seconds - elapsed)
        total += left
        longestRunning = max(longestRunning, left)
      } else {
        total += seconds
      }
    }
    return max(total / Double(threads), longestRunning)
  }

  static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }

  /// `about 2m 05s left`, `about 40s left`, `under 1s left`.
  public static func describe(_ seconds: Double) -> String {
    let whole = Int(seconds.rounded())
    guard whole >= 1 else { return "under 1s left" }
    if whole < 60 { return "about \(whole)s left" }
    let minutes = whole / 60
    let rest = whole % 60
    if minutes < 60 { return "about \(minutes)m \(rest < 10 ? "0" : "")\(rest)s left" }
    let remainder = minutes % 60
    return "about \(minutes / 60)h \(remainder < 10 ? "0" : "")\(remainder)m left"
  }
}
