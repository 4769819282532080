package import Compiler
import Project
import Template

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

extension TestOutcome {
  /// dbt's verdict on a test that found `failures` rows: `fail` when its severity is `error`
  /// and `error_if` holds, else `warn` when `warn_if` holds, else `pass`; a failing or warning
  /// test shows its first rows, read from `source` (every engine words this the same way).
  package static func judged(
    _ node: CompiledNode, failures: Int, shouldWarn: Bool, shouldError: Bool, source: String,
    storedIn: String?, runner: StatementRunner
  ) throws(StatementFailure) -> TestOutcome {
    let severity = (node.config["severity"]?.stringValue ?? "error").lowercased()
    let status: NodeStatus =
      if severity == "error", shouldError {
        .fail
      } else if shouldWarn {
        .warn
      } else {
        .pass
      }
    var sample: String?
    if status != .pass, failures > 0 {
      let rows = try runner.run("select * from \(source) limit 5")
      sample = TextTable.render(rows, total: failures)
    }
    return TestOutcome(status: status, failures: failures, sample: sample, storedIn: storedIn)
  }
}
