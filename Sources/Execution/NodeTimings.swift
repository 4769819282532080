import Diagnostics
import Foundation

/// Each node's execution time in the runs so far (`target/node_timings.json`), for the status
/// line's estimate of the time left. Kept apart from `run_results.json`, which the next
/// command replaces: a `test` after a `run` must not forget how long the models took.
public enum NodeTimings {
  public static let fileName = "node_timings.json"

  /// The seconds per `unique_id`; empty when the file is missing or not what we wrote.
  public static func parse(_ bytes: [UInt8]) -> [String: Double] {
    guard
      let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
      let seconds = object["seconds"] as? [String: Any]
    else { return [:] }
    return seconds.compactMapValues { ($0 as? NSNumber)?.doubleValue }
  }

  /// The earlier timings with this run's nodes replaced: only nodes that ran (a skipped
  /// node's zero says nothing about how long it takes).
  public static func merged(_ earlier: [String: Double], with results: [NodeResult]) -> [String:
    Double]
  {
    var timings = earlier
    for result in results where result.status != .skipped {
      timings[result.uniqueID] = result.executionTime
    }
    return timings
  }

  public static func serialize(_ timings: [String: Double]) -> String {
    let entries = timings.sorted { $0.key < $1.key }.map { key, seconds in
      "    " + DiagnosticRenderer.jsonString(key) + ": " + String(format: "%.3f", seconds)
    }
    return "{\n  \"version\": 1,\n  \"seconds\": {\n" + entries.joined(separator: ",\n")
      + "\n  }\n}\n"
  }
}
