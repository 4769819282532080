package import Compiler
package import Diagnostics
import Project
import Template

/// Config keys that mean something on one engine only: the other engines warn that they have
/// no effect there, so that nothing configured is silently ignored.
package enum EngineConfigChecks {
  /// dbt-spark's table options.
  package static let sparkOnlyKeys = [
    "file_format", "partition_by", "clustered_by", "buckets", "location_root", "tblproperties",
  ]
  /// dbt-postgres's table options.
  package static let postgresOnlyKeys = ["indexes", "unlogged"]

  /// A warning for each of `keys` the node sets, naming the engine it has no meaning on.
  package static func inapplicable(
    _ keys: [String], of node: CompiledNode, engine: String, hint: String
  ) -> [Diagnostic] {
    keys.filter { key in
      guard let value = node.config[key] else { return false }
      // An empty list or mapping (`indexes: []`, `grants: {}`) or `false` asks for nothing.
      switch value {
      case .list(let items): return !items.isEmpty
      case .dict(let entries): return entries.contains { _ in true }
      case .none, .bool(false): return false
      default: return true
      }
    }.map { key in
      .warning(
        "run.inapplicable-config",
        "`\(key)` of `\(node.name)` has no effect on \(engine)", path: node.originalFilePath,
        hint: hint)
    }
  }
}
