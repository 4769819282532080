/// What a data test found.
package struct TestOutcome: Sendable {
  package var status: NodeStatus
  package var failures: Int
  /// The first failing rows, as a small text table.
  package var sample: String?
  /// Where failing rows were stored (`store_failures`).
  package var storedIn: String?

  /// Creates an outcome.
  package init(status: NodeStatus, failures: Int, sample: String? = nil, storedIn: String? = nil) {
    self.status = status
    self.failures = failures
    self.sample = sample
    self.storedIn = storedIn
  }
}
