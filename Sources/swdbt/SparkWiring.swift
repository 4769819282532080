import Adapter
import Diagnostics
import Foundation
import OrderedCollections
import Project
import SparkConnect
import Template

/// A `type: spark` target: dbt-spark's `method: connect` settings, and the Spark Connect
/// client when this swdbt was built with the `Spark` trait.
enum SparkWiring {
  /// dbt-spark's other connection methods, which swdbt does not speak.
  static let otherMethods = ["thrift", "http", "odbc", "session"]

  /// The target's `method` is `connect` (or absent).
  static func check(_ target: TargetConfig) throws(Diagnostic) {
    guard let method = target.settings["method"]?.stringValue, method != "connect" else {
      return
    }
    throw .error(
      "target.spark-method",
      "target `\(target.name)` has `method: \(method)`; swdbt talks to Spark only over Spark "
        + "Connect", at: target.typeRange,
      hint: otherMethods.contains(method)
        ? "dbt-spark's `\(method)` method is unsupported (as are "
          + otherMethods.filter { $0 != method }.joined(separator: ", ")
          + "); start a Spark Connect server and set `method: connect`"
        : "set `method: connect`")
  }

  /// The adapter for a spark target.
  static func adapter(for target: TargetConfig) throws(Diagnostic) -> any DatabaseAdapter {
    let settings = try target.resolvedSettings(environment: ProcessInfo.processInfo.environment)
    #if Spark
      var port = 15002
      if let text = settings["port"] {
        guard let number = Int(text) else {
          throw .error(
            "target.spark-port", "target `\(target.name)` has port `\(text)`, not a number",
            at: target.typeRange)
        }
        port = number
      }
      let spark = SparkTarget(
        host: settings["host"] ?? "localhost", port: port, token: settings["token"],
        useSSL: ["true", "yes", "1"].contains(settings["use_ssl"]?.lowercased() ?? ""),
        schema: target.schema, catalog: settings["catalog"])
      return SparkAdapter(target: spark)
    #else
      _ = settings
      throw .error(
        "target.spark-unavailable",
        "target `\(target.name)` has type `spark`, but this swdbt was built without Spark "
          + "support: swift build --traits Spark", at: target.typeRange,
        hint: "rebuild with `swift build --traits Spark`")
    #endif
  }
}
