public import Compiler
public import Foundation
import Project

/// `target/run_results.json` in dbt's run-results v6 shape.
public enum RunResults {
  /// The artifact as JSON bytes; `args` are the command's flags, as dbt records them.
  public static func json(
    _ results: [NodeResult], compilation: Compilation, elapsed: Double, command: String,
    invocationID: String, generatedAt: Date = Date(), args: [String: Any] = [:]
  ) -> [UInt8] {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let sorted = results.sorted { $0.index < $1.index }
    let items: [[String: Any]] = sorted.map { result in
      let node = compilation.nodes[result.index]
      var item: [String: Any] = [
        "unique_id": result.uniqueID,
        "status": result.status.rawValue,
        "thread_id": result.threadID,
        "execution_time": (result.executionTime * 1e6).rounded() / 1e6,
        "message": result.message,
        "failures": result.failures.map { $0 as Any } ?? NSNull(),
        "compiled": node.sql != nil,
        "compiled_code": node.sql.map { $0 as Any } ?? NSNull(),
        "relation_name": result.relationName.map { $0 as Any } ?? NSNull(),
        "adapter_response":
          result.commandTag.isEmpty
          ? [String: Any]()
          : [
            "_message": result.commandTag,
            "code": result.commandTag.split(separator: " ").first.map(String.init) ?? "",
            "rows_affected": result.rowsAffected.map { $0 as Any } ?? NSNull(),
          ] as [String: Any],
        "timing":
          result.status == .skipped
          ? [[String: Any]]()
          : [
            [
              "name": "execute",
              "started_at": formatter.string(from: result.startedAt),
              "completed_at": formatter.string(from: result.completedAt),
            ]
          ],
      ]
      if result.status == .skipped { item["adapter_response"] = [String: Any]() }
      if let batches = result.batches {
        // dbt's shape: each batch a `[start, end]` pair of ISO times.
        let pairs = { (ranges: [(start: BatchTime, end: BatchTime)]) in
          ranges.map { [$0.start.iso8601, $0.end.iso8601] }
        }
        item["batch_results"] = [
          "successful": pairs(batches.successful), "failed": pairs(batches.failed),
        ]
      }
      return item
    }
    let document: [String: Any] = [
      "metadata": [
        "dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json",
        "dbt_version": "swdbt-0.1.0",
        "generated_at": formatter.string(from: generatedAt),
        "invocation_id": invocationID,
        "env": [String: Any](),
      ] as [String: Any],
      "results": items,
      "elapsed_time": (elapsed * 1e6).rounded() / 1e6,
      // What `retry` needs to repeat the command (dbt's `args`), plus the command's own.
      "args": args.merging(["which": command, "project_name": compilation.project.name]) {
        _, fixed in fixed
      },
    ]
    let data =
      (try? JSONSerialization.data(
        withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
      ?? Data("{}".utf8)
    return Array(data) + [UInt8(ascii: "\n")]
  }
}
