import Exposures
import OrderedCollections
import Template

extension RuntimeGraph {
  /// `graph.exposures`: each exposure as the manifest has it, keyed by unique id
  /// (dbt_project_evaluator reads `depends_on.nodes`, `owner`, `maturity`, `url`, ...).
  static func exposureEntries(_ exposures: [Exposure]) -> OrderedDictionary<String, Value> {
    var entries = OrderedDictionary<String, Value>()
    for exposure in exposures { entries[exposure.uniqueID] = .dict(entry(exposure)) }
    return entries
  }

  static func entry(_ exposure: Exposure) -> OrderedDictionary<String, Value> {
    let optional: (String?) -> Value = { $0.map { .string($0) } ?? .none }
    let tags = Value.list(exposure.tags.map { .string($0) })
    // dbt's `path`: the file below its model path (the fqn's folders).
    let file = exposure.path.split(separator: "/").last.map(String.init) ?? exposure.path
    let path = (exposure.fqn.dropFirst().dropLast() + [file]).joined(separator: "/")
    return [
      "name": .string(exposure.name), "resource_type": .string("exposure"),
      "package_name": .string(exposure.packageName), "path": .string(path),
      "original_file_path": .string(exposure.path), "unique_id": .string(exposure.uniqueID),
      "fqn": .list(exposure.fqn.map { .string($0) }), "type": .string(exposure.type),
      "owner": .dict(
        ["email": optional(exposure.ownerEmail), "name": optional(exposure.ownerName)]),
      "description": .string(exposure.description), "label": .string(exposure.label),
      "maturity": optional(exposure.maturity), "meta": exposure.meta, "tags": tags,
      "config": .dict(["enabled": .bool(true), "meta": exposure.meta, "tags": tags]),
      "unrendered_config": .dict([:]), "url": optional(exposure.url),
      "depends_on": dependsOn(exposure.dependsOnNodes, macros: []),
      "refs": .list(
        exposure.dependsOn.map {
          .dict(["name": .string($0), "package": .none, "version": .none])
        }),
      "sources": .list(
        exposure.dependsOnSources.map { source in
          .list(source.split(separator: ".", maxSplits: 1).map { .string(String($0)) })
        }),
      "metrics": .list(exposure.metrics.map { .list([.string($0)]) }),
    ]
  }
}
