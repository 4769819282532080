import Compiler
import Diagnostics
import Execution
import Foundation
import Project

/// Prints a START line per node as it starts and a result line as it finishes, then a
/// summary, on stdout, in text or JSON lines with dbt's event names.
struct ProgressPrinter: Sendable {
  let console: Console
  let compilation: Compilation
  /// The nodes running now, for the status line; nil when none is shown.
  var status: RunStatus? = nil

  /// A node waiting for another session's lock: text, or a `lock_wait` JSON event (stderr).
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
    case .started(let index, let position, let total):
      let node = compilation.nodes[index]
      status?.started(index, name: node.name)
      let line = ProgressPrinter.dotted(
        "\(position) of \(total) START \(ProgressPrinter.describe(node))", "[RUN]")
      print {
        console.progress(
          line, event: "LogStartLine", uniqueID: node.uniqueID,
          fields: ["\"index\":\(position)", "\"total\":\(total)"])
      }
    case .finished(let result, let position, let total):
      status?.finished(result.index)
      print { finished(result, position: position, total: total) }
    }
  }

  /// Prints with the status line out of the way.
  private func print(_ body: () -> Void) {
    if let status { status.around(body) } else { body() }
  }

  private func finished(_ result: NodeResult, position: Int, total: Int) {
    let node = compilation.nodes[result.index]
    let seconds = String(format: "%.2fs", result.executionTime)
    let failed = [.error, .fail, .partialSuccess].contains(result.status)
    let prefix = "\(position) of \(total)"
    let line: String
    switch result.status {
    case .pass, .warn, .fail:
      let word = result.status.rawValue.uppercased()
      let count = result.status == .pass ? "" : " \(result.failures ?? 0)"
      line = "\(prefix) \(word)\(count) \(node.name) [\(word)\(count) in \(seconds)]"
    case .error:
      line = "\(prefix) ERROR \(node.resourceType.rawValue) `\(node.name)` [ERROR in \(seconds)]"
    case .partialSuccess:
      line = "\(prefix) PARTIAL SUCCESS \(result.message) [PARTIAL SUCCESS in \(seconds)]"
    case .skipped:
      line = "\(prefix) SKIP \(node.resourceType.rawValue) `\(node.name)`: \(result.message)"
    default:
      let tag = result.commandTag.isEmpty ? "OK" : result.commandTag
      line = "\(prefix) OK \(result.message) [\(tag) in \(seconds)]"
    }
    switch console.format {
    case .json:
      var fields = [
        "\"status\":\"\(result.status.rawValue)\"",
        "\"index\":\(position)", "\"total\":\(total)",
        "\"execution_time\":\(String(format: "%.4f", result.executionTime))",
        "\"result_message\":\(JSONLine.string(result.message))",
      ]
      if let failures = result.failures { fields.append("\"failures\":\(failures)") }
      if !result.commandTag.isEmpty {
        fields.append("\"adapter_response\":\(JSONLine.string(result.commandTag))")
      }
      if let relation = result.relationName {
        fields.append("\"relation_name\":\(JSONLine.string(relation))")
      }
      console.progress(
        line, event: ProgressPrinter.resultEvent(node, status: result.status),
        level: failed ? "error" : result.status == .warn ? "warn" : "info",
        uniqueID: result.uniqueID, fields: fields, quietToo: true)
    case .text:
      console.progress(line, event: "", quietToo: true)
      for detail in result.details { console.progress(detail, event: "", quietToo: true) }
    }
    console.report(result.diagnostics)
  }

  func summary(_ results: [NodeResult], elapsed: Duration) {
    let count = { (status: NodeStatus) in results.filter { $0.status == status }.count }
    let errors = count(.error) + count(.fail) + count(.partialSuccess)
    let warnings = results.reduce(0) { total, result in
      total + result.diagnostics.filter { $0.severity == .warning }.count
    }
    let passed = count(.success) + count(.pass)
    func line(_ text: String, quietToo: Bool = false) {
      console.progress(text, event: "StatsLine", quietToo: quietToo)
    }
    if console.format == .text { line("") }
    line(
      "Finished \(results.count) node\(results.count == 1 ? "" : "s") in "
        + Seconds.format(elapsed) + ".")
    if errors == 0 {
      line("Completed successfully")
    } else {
      line("Completed with \(errors) error\(errors == 1 ? "" : "s")", quietToo: true)
      for result in results
      where result.status == .error || result.status == .fail || result.status == .partialSuccess {
        let node = compilation.nodes[result.index]
        line("  \(node.originalFilePath): \(result.message)", quietToo: true)
      }
    }
    line(
      "Done. PASS=\(passed) WARN=\(warnings + count(.warn)) ERROR=\(errors) "
        + "SKIP=\(count(.skipped)) TOTAL=\(results.count)", quietToo: true)
  }

  /// What a START line says a node is, as dbt: `sql table model schema.name`.
  static func describe(_ node: CompiledNode) -> String {
    let relation = node.relation.map { "\($0.schema).\($0.identifier)" } ?? node.name
    switch node.resourceType {
    case .model: return "sql \(node.config.materialized) model \(relation)"
    case .seed: return "seed file \(relation)"
    case .snapshot: return "snapshot \(relation)"
    case .test: return "test \(node.name)"
    default: return "\(node.resourceType.rawValue) \(relation)"
    }
  }

  /// dbt's line: the text, dots up to column 80, then the status in brackets.
  static func dotted(_ text: String, _ status: String) -> String {
    let dots = max(3, 80 - text.count - status.count - 2)
    return text + " " + String(repeating: ".", count: dots) + " " + status
  }

  /// dbt's event name for a node's result.
  static func resultEvent(_ node: CompiledNode, status: NodeStatus) -> String {
    if status == .skipped { return "SkippingDetails" }
    switch node.resourceType {
    case .test: return "LogTestResult"
    case .seed: return "LogSeedResult"
    case .snapshot: return "LogSnapshotResult"
    default: return "LogModelResult"
    }
  }
}
