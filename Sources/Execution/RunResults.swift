public import Compiler
public import Foundation
import Project
import Template

/// `target/run_results.json` in dbt's run-results v6 shape.
///
/// Written with `JSONWriter`, not through `[String: Any]` and JSONSerialization, which took
/// four of the five seconds of `docs generate` at 10,000 models.
public enum RunResults {
  /// ISO 8601 times with milliseconds; the last one is kept, because every result of a
  /// compile-only command (`docs generate`) has the same time and formatting is most of the cost.
  struct Timestamps {
    private let formatter: ISO8601DateFormatter = {
      let formatter = ISO8601DateFormatter()
      formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
      return formatter
    }()
    private var last: (date: Date, text: String)?

    mutating func string(from date: Date) -> String {
      if let last, last.date == date { return last.text }
      let text = formatter.string(from: date)
      last = (date, text)
      return text
    }
  }

  /// The artifact as JSON bytes; `args` are the command's flags, as dbt records them.
  public static func json(
    _ results: [NodeResult], compilation: Compilation, elapsed: Double, command: String,
    invocationID: String, generatedAt: Date = Date(), args: [String: Any] = [:]
  ) -> [UInt8] {
    var formatter = Timestamps()
    var writer = JSONWriter(capacity: 256 * (results.count + 8))
    writer.beginObject()
    writer.key("metadata")
    writer.beginObject()
    for (key, value) in [
      ("dbt_schema_version", "https://schemas.getdbt.com/dbt/run-results/v6.json"),
      ("dbt_version", "swdbt-0.1.0"), ("generated_at", formatter.string(from: generatedAt)),
      ("invocation_id", invocationID),
    ] {
      writer.key(key)
      writer.string(value)
    }
    writer.key("env")
    writer.beginObject()
    writer.endObject()
    writer.endObject()
    writer.key("results")
    writer.beginArray()
    for result in results.sorted(by: { $0.index < $1.index }) {
      write(result, sql: compilation.nodes[result.index].sql, &formatter, into: &writer)
    }
    writer.endArray()
    writer.key("elapsed_time")
    writer.double((elapsed * 1e6).rounded() / 1e6)
    // What `retry` needs to repeat the command (dbt's `args`), plus the command's own.
    writer.key("args")
    writeAny(
      args.merging(["which": command, "project_name": compilation.project.name]) { _, fixed in
        fixed
      }, into: &writer)
    writer.endObject()
    return writer.bytes + [UInt8(ascii: "\n")]
  }

  private static func write(
    _ result: NodeResult, sql: String?, _ formatter: inout Timestamps,
    into writer: inout JSONWriter
  ) {
    writer.beginObject()
    for (key, value) in [
      ("unique_id", result.uniqueID), ("status", result.status.rawValue),
      ("thread_id", result.threadID), ("message", result.message),
    ] {
      writer.key(key)
      writer.string(value)
    }
    writer.key("execution_time")
    writer.double((result.executionTime * 1e6).rounded() / 1e6)
    writer.key("failures")
    if let failures = result.failures { writer.integer(failures) } else { writer.null() }
    writer.key("compiled")
    writer.bool(sql != nil)
    writer.key("compiled_code")
    writer.string(sql)
    writer.key("relation_name")
    writer.string(result.relationName)
    writer.key("adapter_response")
    writer.beginObject()
    if !result.commandTag.isEmpty, result.status != .skipped {
      writer.key("_message")
      writer.string(result.commandTag)
      writer.key("code")
      writer.string(result.commandTag.split(separator: " ").first.map(String.init) ?? "")
      writer.key("rows_affected")
      if let rows = result.rowsAffected { writer.integer(rows) } else { writer.null() }
    }
    writer.endObject()
    writer.key("timing")
    writer.beginArray()
    if result.status != .skipped {
      writer.beginObject()
      writer.key("name")
      writer.string("execute")
      writer.key("started_at")
      writer.string(formatter.string(from: result.startedAt))
      writer.key("completed_at")
      writer.string(formatter.string(from: result.completedAt))
      writer.endObject()
    }
    writer.endArray()
    if let batches = result.batches {
      // dbt's shape: each batch a `[start, end]` pair of ISO times.
      writer.key("batch_results")
      writer.beginObject()
      for (key, ranges) in [("successful", batches.successful), ("failed", batches.failed)] {
        writer.key(key)
        writer.beginArray()
        for range in ranges { writer.strings([range.start.iso8601, range.end.iso8601]) }
        writer.endArray()
      }
      writer.endObject()
    }
    writer.endObject()
  }

  /// The command's `args` (strings, numbers, flags, lists and mappings), keys sorted so the
  /// file is the same for the same command.
  private static func writeAny(_ value: Any, into writer: inout JSONWriter) {
    switch value {
    case let text as String: writer.string(text)
    case let flag as Bool: writer.bool(flag)
    case let number as Int: writer.integer(number)
    case let number as Double: writer.double(number)
    case let items as [Any]:
      writer.beginArray()
      for item in items { writeAny(item, into: &writer) }
      writer.endArray()
    case let entries as [String: Any]:
      writer.beginObject()
      for key in entries.keys.sorted() {
        writer.key(key)
        if let item = entries[key] { writeAny(item, into: &writer) }
      }
      writer.endObject()
    default: writer.null()
    }
  }
}
