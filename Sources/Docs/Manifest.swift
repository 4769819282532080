public import Compiler
import Diagnostics
import Graph
import OrderedCollections
import Project
import Template

/// `target/manifest.json` in the shape of dbt's manifest (v12), limited to what downstream
/// tools read: metadata, nodes, sources, parent and child maps.
public enum Manifest {
  /// What describes one invocation in `metadata`.
  public struct Metadata: Sendable {
    /// ISO 8601 time of generation.
    public var generatedAt: String
    /// The invocation's id.
    public var invocationID: String
    /// The target's adapter type (`postgres`).
    public var adapterType: String

    /// Creates metadata.
    public init(generatedAt: String, invocationID: String, adapterType: String) {
      self.generatedAt = generatedAt
      self.invocationID = invocationID
      self.adapterType = adapterType
    }

    /// The `metadata` object every dbt artifact starts with.
    func write(
      schema: String, into writer: inout JSONWriter, extra: [(String, String)] = []
    ) {
      writer.key("metadata")
      writer.beginObject()
      for (name, value) in [
        ("dbt_schema_version", schema), ("dbt_version", "swdbt-0.1.0"),
        ("generated_at", generatedAt), ("invocation_id", invocationID),
      ] + extra {
        writer.key(name)
        writer.string(value)
      }
      writer.key("env")
      writer.beginObject()
      writer.endObject()
      writer.endObject()
    }
  }

  /// The manifest as JSON bytes. Generic tests' `compiled_code` is whatever the compilation
  /// carries (the DataTests stage fills it in).
  public static func json(_ compilation: Compilation, metadata: Metadata) -> [UInt8] {
    let project = compilation.project
    let documented = Documentation(compilation)
    var writer = JSONWriter(capacity: 4096 + compilation.nodes.count * 2048)
    writer.beginObject()
    metadata.write(
      schema: "https://schemas.getdbt.com/dbt/manifest/v12.json", into: &writer,
      extra: [("project_name", project.name), ("adapter_type", metadata.adapterType)])

    let sorted = compilation.graph.ids.indices.sorted {
      compilation.graph.ids[$0] < compilation.graph.ids[$1]
    }
    writer.key("nodes")
    writer.beginObject()
    for index in sorted where compilation.nodes[index].resourceType != .source {
      writer.key(compilation.nodes[index].uniqueID)
      writeNode(index, compilation: compilation, documented: documented, into: &writer)
    }
    writer.endObject()
    writer.key("sources")
    writer.beginObject()
    for index in sorted where compilation.nodes[index].resourceType == .source {
      writer.key(compilation.nodes[index].uniqueID)
      writeNode(index, compilation: compilation, documented: documented, into: &writer)
    }
    writer.endObject()
    for (name, edges) in [
      ("parent_map", compilation.graph.parents), ("child_map", compilation.graph.children),
    ] {
      writer.key(name)
      writer.beginObject()
      for index in sorted {
        writer.key(compilation.graph.ids[index])
        writer.strings(edges[index].map { compilation.graph.ids[$0] }.sorted())
      }
      writer.endObject()
    }
    for empty in [
      "macros", "docs", "exposures", "metrics", "groups", "selectors", "disabled", "group_map",
      "saved_queries", "semantic_models", "unit_tests",
    ] {
      writer.key(empty)
      writer.beginObject()
      writer.endObject()
    }
    writer.endObject()
    return writer.bytes
  }

  private static func writeNode(
    _ index: Int, compilation: Compilation, documented: Documentation, into writer: inout JSONWriter
  ) {
    let node = compilation.nodes[index]
    let details = documented.details[node.uniqueID]
    writer.beginObject()
    writer.key("unique_id")
    writer.string(node.uniqueID)
    writer.key("resource_type")
    writer.string(node.resourceType.rawValue)
    writer.key("name")
    writer.string(node.name)
    writer.key("package_name")
    // `model.<package>.<name>`: an installed package's nodes carry its name.
    writer.string(
      node.uniqueID.split(separator: ".", maxSplits: 2).dropFirst().first.map(String.init)
        ?? compilation.project.name)
    writer.key("fqn")
    writer.strings(node.fqn)
    // Relative to the node's own project, a package's to the package's folder, as dbt.
    let originalFilePath =
      compilation.project.packages.isEmpty
      ? node.originalFilePath
      : String(compilation.project.packageRelative(node.originalFilePath).path)
    writer.key("path")
    writer.string(details?.path ?? originalFilePath)
    writer.key("original_file_path")
    writer.string(originalFilePath)
    // dbt's loader requires `database`, `schema`, `alias` (`identifier` for sources) and
    // `checksum` on every node: a node without a relation (a test) gets its name in the
    // target's schema, as dbt does.
    let target = compilation.project.target
    writer.key("database")
    writer.string(node.relation?.database)
    writer.key("schema")
    writer.string(node.relation?.schema ?? target.schema)
    writer.key(node.resourceType == .source ? "identifier" : "alias")
    writer.string(node.relation?.identifier ?? node.name)
    if let relation = node.relation {
      writer.key("relation_name")
      writer.string(relation.quoted)
    }
    if node.resourceType == .source {
      writer.key("source_name")
      writer.string(details?.source ?? "")
      writer.key("source_description")
      writer.string("")
      writer.key("loader")
      writer.string("")
    } else {
      // No file hash: dbt's own value for "not computed" (state comparison is not supported).
      writer.key("checksum")
      writer.beginObject()
      writer.key("name")
      writer.string("none")
      writer.key("checksum")
      writer.string("")
      writer.endObject()
    }
    writer.key("description")
    writer.string(details?.description ?? "")
    if node.resourceType != .source {
      writer.key("language")
      writer.string("sql")
      writer.key("raw_code")
      writer.string(details?.rawCode ?? "")
      writer.key("compiled_code")
      writer.string(node.sql)
      writer.key("depends_on")
      writer.beginObject()
      writer.key("macros")
      writer.beginArray()
      writer.endArray()
      writer.key("nodes")
      writer.strings(node.dependsOn)
      writer.endObject()
    }
    writer.key("config")
    writer.beginObject()
    writer.key("enabled")
    writer.bool(true)
    for (name, value) in node.config.values where name != "enabled" {
      writer.key(name)
      writer.value(value)
    }
    writer.endObject()
    writer.key("tags")
    writer.strings(node.config.tags)
    writer.key("meta")
    writer.value(node.config.values["meta"] ?? .dict([:]))
    writer.key("columns")
    writer.beginObject()
    for column in details?.columns ?? [] {
      writer.key(column.name)
      writer.beginObject()
      writer.key("name")
      writer.string(column.name)
      writer.key("description")
      writer.string(column.description)
      writer.key("data_type")
      writer.string(column.dataType)
      writer.key("meta")
      writer.value(.dict(column.meta))
      writer.key("tags")
      writer.strings(column.tags)
      writer.endObject()
    }
    writer.endObject()
    if let test = node.genericTest {
      writer.key("column_name")
      writer.string(test.column)
      writer.key("attached_node")
      writer.string(test.attachedTo)
      writer.key("test_metadata")
      writer.beginObject()
      writer.key("name")
      writer.string(test.testName)
      writer.key("kwargs")
      writer.beginObject()
      if let column = test.column {
        writer.key("column_name")
        writer.string(column)
      }
      for (name, value) in test.arguments {
        writer.key(name)
        writer.value(value)
      }
      writer.endObject()
      writer.endObject()
    }
    writer.endObject()
  }
}

/// What the YAML and the source files say about each node, looked up once by unique id.
struct Documentation {
  struct Details {
    var path: String
    var description: String
    var rawCode: String
    var columns: [ColumnSpec]
    var source: String?
  }

  let details: [String: Details]

  init(_ compilation: Compilation) {
    let project = compilation.project
    var details: [String: Details] = [:]
    details.reserveCapacity(compilation.nodes.count)
    for model in project.models {
      details[model.uniqueID] = Details(
        path: model.path, description: model.patch?.description ?? "", rawCode: model.file.text,
        columns: model.patch?.columns ?? [])
    }
    for seed in project.seeds {
      details[seed.uniqueID] = Details(
        path: seed.path, description: seed.patch?.description ?? "", rawCode: "",
        columns: seed.patch?.columns ?? [])
    }
    for source in project.sources {
      details[source.uniqueID] = Details(
        path: source.originalFilePath, description: source.description, rawCode: "",
        columns: source.columns, source: source.sourceName)
    }
    for test in project.singularTests {
      details[test.uniqueID] = Details(
        path: test.path, description: "", rawCode: test.file.text, columns: [])
    }
    for node in compilation.nodes {
      guard let test = node.genericTest else { continue }
      details[node.uniqueID] = Details(
        path: project.packageRelative(test.originalFilePath).path + "/" + node.name + ".sql",
        description: "",
        rawCode: "{{ test_\(test.testName)(**_dbt_generic_test_kwargs) }}", columns: [])
    }
    self.details = details
  }
}
