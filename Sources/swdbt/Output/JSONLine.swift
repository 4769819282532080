import Compiler
import Diagnostics
import Docs
import Project
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
      fields.append(("relation_name", string(relation.quoted)))
      fields.append(("schema", string(relation.schema)))
      fields.append(("alias", string(relation.identifier)))
    }
    return "{" + fields.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
  }

  static func string(_ text: String) -> String { DiagnosticRenderer.jsonString(text) }

  static func value(_ value: Value) -> String {
    var writer = JSONWriter(capacity: 64)
    writer.value(value)
    return String(decoding: writer.bytes, as: UTF8.self)
  }
}
