import Compiler
import Diagnostics
import Execution
import Foundation
import Project

/// Prints one line per node as it finishes, then a summary, in text or JSON lines.
struct ProgressPrinter: Sendable {
  let console: Console
  let compilation: Compilation

  /// A node waiting for another session's lock: text, or a `lock_wait` JSON event.
  func report(_ wait: LockWait) {
    let node = compilation.nodes[wait.index]
    let seconds = wait.waited.components.seconds
    switch console.format {
    case .text:
      console.info(
        "\(node.resourceType.rawValue) `\(node.name)`: \(wait.description), \(seconds)s so far")
    case .json:
      let fields = [
        "\"level\":\"warn\"", "\"event\":\"lock_wait\"",
        "\"unique_id\":\(JSONLine.string(node.uniqueID))",
        "\"relation\":\(JSONLine.string(wait.relation))",
        "\"blocking_pid\":\(wait.blockerPID)",
        "\"blocking_user\":\(JSONLine.string(wait.blockerUser))",
        "\"blocking_application\":\(JSONLine.string(wait.blockerApplication))",
        "\"blocking_query_start\":\(JSONLine.string(wait.blockerQueryStart))",
        "\"waited_seconds\":\(seconds)",
        "\"message\":\(JSONLine.string(wait.description))",
      ]
      console.err("{" + fields.joined(separator: ",") + "}\n")
    }
  }

  func handle(_ event: RunEvent) {
    switch event {
    case .notice(let message): console.info(message)
    case .lockWait(let wait): report(wait)
    case .finished(let result, let position, let total):
      let node = compilation.nodes[result.index]
      let seconds = String(format: "%.2fs", result.executionTime)
      switch console.format {
      case .json:
        var fields = [
          "\"level\":\(result.status == .error ? "\"error\"" : "\"info\"")",
          "\"event\":\"node_finished\"",
          "\"unique_id\":\(JSONLine.string(result.uniqueID))",
          "\"status\":\"\(result.status.rawValue)\"",
          "\"index\":\(position)", "\"total\":\(total)",
          "\"execution_time\":\(String(format: "%.4f", result.executionTime))",
          "\"message\":\(JSONLine.string(result.message))",
        ]
        if let failures = result.failures { fields.append("\"failures\":\(failures)") }
        if !result.commandTag.isEmpty {
          fields.append("\"adapter_response\":\(JSONLine.string(result.commandTag))")
        }
        if let relation = result.relationName {
          fields.append("\"relation_name\":\(JSONLine.string(relation))")
        }
        console.err("{" + fields.joined(separator: ",") + "}\n")
        console.report(result.diagnostics)
      case .text:
        let prefix = "\(position) of \(total)"
        let line: String
        switch result.status {
        case .pass, .warn, .fail:
          let word = result.status.rawValue.uppercased()
          let count = result.status == .pass ? "" : " \(result.failures ?? 0)"
          line = "\(prefix) \(word)\(count) \(node.name) [\(word)\(count) in \(seconds)]"
        case .error:
          line =
            "\(prefix) ERROR \(node.resourceType.rawValue) `\(node.name)` [ERROR in \(seconds)]"
        case .partialSuccess:
          line =
            "\(prefix) PARTIAL SUCCESS \(result.message) [PARTIAL SUCCESS in \(seconds)]"
        case .skipped:
          line = "\(prefix) SKIP \(node.resourceType.rawValue) `\(node.name)`: \(result.message)"
        default:
          let tag = result.commandTag.isEmpty ? "OK" : result.commandTag
          line = "\(prefix) OK \(result.message) [\(tag) in \(seconds)]"
        }
        console.err(line + "\n")
        for detail in result.details { console.err(detail + "\n") }
        console.report(result.diagnostics)
      }
    }
  }

  func summary(_ results: [NodeResult], elapsed: Duration) {
    let count = { (status: NodeStatus) in results.filter { $0.status == status }.count }
    let errors = count(.error) + count(.fail) + count(.partialSuccess)
    let warnings = results.reduce(0) { total, result in
      total + result.diagnostics.filter { $0.severity == .warning }.count
    }
    let passed = count(.success) + count(.pass)
    console.info("")
    console.info(
      "Finished \(results.count) node\(results.count == 1 ? "" : "s") in "
        + Seconds.format(elapsed) + ".")
    if errors == 0 {
      console.info("Completed successfully")
    } else {
      console.info("Completed with \(errors) error\(errors == 1 ? "" : "s")")
      for result in results
      where result.status == .error || result.status == .fail || result.status == .partialSuccess {
        let node = compilation.nodes[result.index]
        console.info("  \(node.originalFilePath): \(result.message)")
      }
    }
    console.info(
      "Done. PASS=\(passed) WARN=\(warnings + count(.warn)) ERROR=\(errors) "
        + "SKIP=\(count(.skipped)) TOTAL=\(results.count)")
  }
}
