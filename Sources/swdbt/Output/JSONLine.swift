import Compiler
import Diagnostics
import Docs
import Exposures
import Project
import Runtime
import Template

/// One node as a single JSON object, in the shape of `dbt ls --output json`.
enum JSONLine {
  static func node(_ node: CompiledNode, compilation: Compilation) -> String {
    var fields: [(String, String)] = [
      ("name", string(node.name)),
      ("resource_type", string(node.resourceType.rawValue)),
      ("package_name", string(compilation.project.name)),
      ("original_file_path", string(node.originalFilePath)),
      ("unique_id", string(node.uniqueID)),
      ("fqn", "[" + node.fqn.map(string).joined(separator: ",") + "]"),
      ("tags", "[" + node.config.tags.map(string).joined(separator: ",") + "]"),
      ("depends_on", "{\"nodes\":[" + node.dependsOn.map(string).joined(separator: ",") + "]}"),
      (
        "config",
        "{"
          + node.config.values.map { string($0.key) + ":" + value($0.value) }.joined(separator: ",")
          + "}"
      ),
    ]
    if let relation = node.relation {
      fields.append(
        (
          "relation_name",
          string(
            relation.rendered(in: RelationDialect(adapterType: compilation.project.target.type)))
        ))
      fields.append(("schema", string(relation.schema)))
      fields.append(("alias", string(relation.identifier)))
    }
    return "{" + fields.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
  }

  /// An exposure in the same shape (`dbt ls --resource-type exposure --output json`).
  static func exposure(_ exposure: Exposure, package: String) -> String {
    let fields: [(String, String)] = [
      ("name", string(exposure.name)),
      ("resource_type", string("exposure")),
      ("package_name", string(package)),
      ("original_file_path", string(exposure.path)),
      ("unique_id", string(exposure.uniqueID)),
      ("fqn", "[" + exposure.fqn.map(string).joined(separator: ",") + "]"),
      ("tags", "[" + exposure.tags.map(string).joined(separator: ",") + "]"),
      (
        "depends_on",
        "{\"nodes\":[" + exposure.dependsOnNodes.map(string).joined(separator: ",") + "]}"
      ),
      ("config", "{\"enabled\":true}"),
    ]
    return "{" + fields.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
  }

  static func string(_ text: String) -> String { DiagnosticRenderer.jsonString(text) }

  static func value(_ value: Value) -> String {
    var writer = JSONWriter(capacity: 64)
    writer.value(value)
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}
