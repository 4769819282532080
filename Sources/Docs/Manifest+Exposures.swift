import Compiler
import Exposures
import Foundation
import Graph
import Metrics
import OrderedCollections
import Template

extension Manifest {
  /// The `exposures` object: each exposure with dbt's fields (v12), keyed by unique id. Its
  /// charts, which dbt's schema has no field for, are under `meta.swdbt.charts` (`meta` takes
  /// any value), next to the user's own `meta`.
  static func writeExposures(_ compilation: Compilation, into writer: inout JSONWriter) {
    writer.key("exposures")
    writer.beginObject()
    // dbt stamps the parse time; so does swdbt, once per manifest.
    let createdAt = Date().timeIntervalSince1970
    for exposure in compilation.exposures {
      writer.key(exposure.uniqueID)
      write(exposure, createdAt: createdAt, into: &writer)
    }
    writer.endObject()
  }

  /// `parent_map` and `child_map` with the exposures: an exposure's parents are the nodes it
  /// reads, and it is their child.
  static func writeMapsWithExposures(
    _ compilation: Compilation, sorted: [Int], into writer: inout JSONWriter
  ) {
    let ids = compilation.graph.ids
    var parents: [String: [String]] = [:]
    var children: [String: [String]] = [:]
    for index in sorted {
      parents[ids[index]] = compilation.graph.parents[index].map { ids[$0] }
      children[ids[index]] = compilation.graph.children[index].map { ids[$0] }
    }
    for exposure in compilation.exposures {
      parents[exposure.uniqueID] = exposure.dependsOnNodes
      children[exposure.uniqueID] = []
      for node in exposure.dependsOnNodes where children[node] != nil {
        children[node, default: []].append(exposure.uniqueID)
      }
    }
    for (name, map) in [("parent_map", parents), ("child_map", children)] {
      writer.key(name)
      writer.beginObject()
      for key in map.keys.sorted() {
        writer.key(key)
        writer.strings((map[key] ?? []).sorted())
      }
      writer.endObject()
    }
  }

  private static func write(
    _ exposure: Exposure, createdAt: Double, into writer: inout JSONWriter
  ) {
    writer.beginObject()
    for (key, value) in [
      ("name", exposure.name), ("resource_type", "exposure"),
      ("package_name", exposure.packageName), ("path", modelPathRelative(exposure)),
      ("original_file_path", exposure.path), ("unique_id", exposure.uniqueID),
      ("type", exposure.type), ("description", exposure.description),
      ("label", exposure.label),
    ] {
      writer.key(key)
      writer.string(value)
    }
    writer.key("fqn")
    writer.strings(exposure.fqn)
    writer.key("owner")
    writer.beginObject()
    writer.key("email")
    writer.string(exposure.ownerEmail)
    writer.key("name")
    writer.string(exposure.ownerName)
    writer.endObject()
    writer.key("maturity")
    writer.string(exposure.maturity)
    writer.key("url")
    writer.string(exposure.url)
    writer.key("meta")
    writer.value(meta(of: exposure))
    writer.key("tags")
    writer.strings(exposure.tags)
    writer.key("config")
    writer.beginObject()
    writer.key("enabled")
    writer.bool(true)
    writer.key("meta")
    writer.value(exposure.meta)
    writer.key("tags")
    writer.strings(exposure.tags)
    writer.endObject()
    writer.key("unrendered_config")
    writer.beginObject()
    writer.endObject()
    writer.key("depends_on")
    writer.beginObject()
    writer.key("macros")
    writer.strings([])
    writer.key("nodes")
    writer.strings(exposure.dependsOnNodes)
    writer.endObject()
    writer.key("refs")
    writer.beginArray()
    for model in exposure.dependsOn {
      writer.beginObject()
      writer.key("name")
      writer.string(model)
      writer.key("package")
      writer.string(nil)
      writer.key("version")
      writer.string(nil)
      writer.endObject()
    }
    writer.endArray()
    writer.key("sources")
    writer.beginArray()
    for source in exposure.dependsOnSources {
      writer.strings(source.split(separator: ".", maxSplits: 1).map(String.init))
    }
    writer.endArray()
    writer.key("metrics")
    writer.beginArray()
    for metric in exposure.metrics { writer.strings([metric]) }
    writer.endArray()
    writer.key("created_at")
    writer.double(createdAt)
    writer.endObject()
  }

  /// The file's path below its model path, as dbt's `path` (`marts/_dashboards.yml`).
  private static func modelPathRelative(_ exposure: Exposure) -> String {
    let folders = exposure.fqn.dropFirst().dropLast()
    let file = exposure.path.split(separator: "/").last.map(String.init) ?? exposure.path
    return (folders + [file]).joined(separator: "/")
  }

  /// The user's `meta`, with the charts under `swdbt.charts` when there are any.
  private static func meta(of exposure: Exposure) -> Value {
    guard !exposure.charts.isEmpty, case .dict(var entries) = exposure.meta else {
      return exposure.meta
    }
    let charts: [Value] = exposure.charts.map { chart in
      var fields: [(String, Value)] = [
        ("title", .string(chart.title)), ("kind", .string(chart.kind.rawValue)),
        ("format", .string(chart.format.rawValue)),
      ]
      if !chart.columnFormats.isEmpty {
        fields.append(
          (
            "formats",
            .dict(
              .init(
                uniqueKeysWithValues: chart.columnFormats.sorted { $0.key < $1.key }.map {
                  ($0.key, Value.string($0.value.rawValue))
                }))
          ))
      }
      switch chart.source {
      case .metrics(let request):
        fields.append(("metrics", .list(request.metrics.map(Value.string))))
        fields.append(("group_by", .list(request.groupBy.map(Value.string))))
      case .model(let name, let x, let y, _, _, _, _):
        fields += [
          ("model", .string(name)), ("x", .string(x)), ("y", .list(y.map(Value.string))),
        ]
      }
      return .dict(.init(uniqueKeysWithValues: fields))
    }
    var swdbt = OrderedDictionary<String, Value>()
    if case .dict(let existing) = entries["swdbt"] { swdbt = existing }
    swdbt["charts"] = .list(charts)
    entries["swdbt"] = .dict(swdbt)
    return .dict(entries)
  }
}
