public import Compiler
import Diagnostics
import Graph
import OrderedCollections
import Project
import Runtime
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

    /// dbt's `metadata.env`: every `DBT_ENV_CUSTOM_ENV_<key>` variable, by `<key>`.
    public var customEnvironment: [String: String]

    /// Creates metadata; `environment` is the command's, from which the custom variables come.
    public init(
      generatedAt: String, invocationID: String, adapterType: String,
      environment: [String: String] = [:]
    ) {
      self.generatedAt = generatedAt
      self.invocationID = invocationID
      self.adapterType = adapterType
      let prefix = "DBT_ENV_CUSTOM_ENV_"
      var custom: [String: String] = [:]
      for (name, value) in environment where name.hasPrefix(prefix) {
        custom[String(name.dropFirst(prefix.count))] = value
      }
      customEnvironment = custom
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
      for name in customEnvironment.keys.sorted() {
        writer.key(name)
        writer.string(customEnvironment[name])
      }
      writer.endObject()
      writer.endObject()
    }
  }

  /// The manifest as JSON bytes. Generic tests' `compiled_code` is whatever the compilation
  /// carries (the DataTests stage fills it in).
  public static func json(_ compilation: Compilation, metadata: Metadata) -> [UInt8] {
    json(compilation, metadata: metadata, documented: Documentation(compilation)).bytes
  }

  /// The manifest's bytes and where each node's and source's object lies in them, in the
  /// order written (sorted by unique id, nodes before sources): the docs site's per-node data
  /// files are slices of these bytes, not a second rendering.
  static func json(
    _ compilation: Compilation, metadata: Metadata, documented: Documentation
  ) -> (bytes: [UInt8], objects: [(index: Int, range: Range<Int>)]) {
    let project = compilation.project
    var objects: [(index: Int, range: Range<Int>)] = []
    objects.reserveCapacity(compilation.nodes.count)
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
    for index in sorted
    where compilation.nodes[index].resourceType != .source
      && compilation.nodes[index].unitTest == nil
    {
      writer.key(compilation.nodes[index].uniqueID)
      let start = writer.bytes.count
      writeNode(index, compilation: compilation, documented: documented, into: &writer)
      objects.append((index, start..<writer.bytes.count))
    }
    writer.endObject()
    writer.key("sources")
    writer.beginObject()
    for index in sorted where compilation.nodes[index].resourceType == .source {
      writer.key(compilation.nodes[index].uniqueID)
      let start = writer.bytes.count
      writeNode(index, compilation: compilation, documented: documented, into: &writer)
      objects.append((index, start..<writer.bytes.count))
    }
    writer.endObject()
    if compilation.exposures.isEmpty {
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
    } else {
      writeMapsWithExposures(compilation, sorted: sorted, into: &writer)
    }
    writeMacros(project, into: &writer)
    writeExposures(compilation, into: &writer)
    for empty in [
      "docs", "metrics", "groups", "selectors", "disabled", "group_map",
      "saved_queries", "semantic_models",
    ] {
      writer.key(empty)
      writer.beginObject()
      writer.endObject()
    }
    writer.key("unit_tests")
    writer.beginObject()
    for index in sorted {
      guard let spec = compilation.nodes[index].unitTest else { continue }
      writer.key(compilation.nodes[index].uniqueID)
      writeUnitTest(spec, node: compilation.nodes[index], into: &writer)
    }
    writer.endObject()
    writer.endObject()
    return (writer.bytes, objects)
  }

  /// A unit test as dbt's manifest has it (`unit_tests` key).
  private static func writeUnitTest(
    _ spec: UnitTestSpec, node: CompiledNode, into writer: inout JSONWriter
  ) {
    func fixture(_ fixture: UnitTestFixture) {
      writer.key("format")
      writer.string(fixture.format.rawValue)
      writer.key("rows")
      if let sql = fixture.sql {
        writer.string(sql)
      } else {
        writer.value(.list(fixture.rows.map { .dict($0) }))
      }
      writer.key("fixture")
      writer.string(fixture.fixtureName)
    }
    writer.beginObject()
    for (key, value) in [
      ("unique_id", node.uniqueID), ("resource_type", "unit_test"), ("name", spec.name),
      ("model", spec.model), ("package_name", node.fqn.first ?? ""),
      ("path", spec.originalFilePath), ("original_file_path", spec.originalFilePath),
      ("description", spec.description),
    ] {
      writer.key(key)
      writer.string(value)
    }
    writer.key("fqn")
    writer.strings(node.fqn)
    writer.key("given")
    writer.beginArray()
    for input in spec.given {
      writer.beginObject()
      writer.key("input")
      writer.string(input.input)
      fixture(input.fixture)
      writer.endObject()
    }
    writer.endArray()
    writer.key("expect")
    writer.beginObject()
    fixture(spec.expect)
    writer.endObject()
    writer.key("overrides")
    writer.value(
      .dict([
        "macros": .dict(spec.macroOverrides), "vars": .dict(spec.varOverrides),
        "env_vars": .dict(spec.envOverrides),
      ]))
    writeDependsOn(node, into: &writer)
    writer.key("config")
    writer.beginObject()
    writer.key("enabled")
    writer.bool(true)
    writer.key("tags")
    writer.strings(node.config.tags)
    writer.key("meta")
    writer.value(node.config.values["meta"] ?? .dict([:]))
    writer.endObject()
    writer.endObject()
  }

  /// `depends_on` as dbt writes it: the node's parents (macros are not tracked).
  private static func writeDependsOn(_ node: CompiledNode, into writer: inout JSONWriter) {
    writer.key("depends_on")
    writer.beginObject()
    writer.key("macros")
    writer.beginArray()
    writer.endArray()
    writer.key("nodes")
    writer.strings(node.dependsOn)
    writer.endObject()
  }

  /// Each macro with the checksum of its file, what `state:modified.macros` compares.
  private static func writeMacros(_ project: LoadedProject, into writer: inout JSONWriter) {
    writer.key("macros")
    writer.beginObject()
    for name in project.macros.keys.sorted() {
      guard let macro = project.macros[name] else { continue }
      let (package, path) = project.packageRelative(macro.file.path)
      let packageName = package
      writer.key("macro.\(packageName).\(name)")
      writer.beginObject()
      writer.key("name")
      writer.string(name)
      writer.key("package_name")
      writer.string(packageName)
      writer.key("original_file_path")
      writer.string(String(path))
      writer.key("checksum")
      writer.beginObject()
      writer.key("name")
      writer.string("sha256")
      writer.key("checksum")
      writer.string(SHA256.hex(macro.file.text))
      writer.endObject()
      writer.endObject()
    }
    writer.endObject()
  }

  /// `model.<package>.<name>`: an installed package's nodes carry its name.
  static func packageName(_ node: CompiledNode, compilation: Compilation) -> String {
    node.uniqueID.split(separator: ".", maxSplits: 2).dropFirst().first.map(String.init)
      ?? compilation.project.name
  }

  /// Relative to the node's own project, a package's to the package's folder, as dbt.
  static func originalFilePath(_ node: CompiledNode, compilation: Compilation) -> String {
    compilation.project.packages.isEmpty
      ? node.originalFilePath
      : String(compilation.project.packageRelative(node.originalFilePath).path)
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
    writer.string(packageName(node, compilation: compilation))
    writer.key("fqn")
    writer.strings(node.fqn)
    let originalFilePath = originalFilePath(node, compilation: compilation)
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
      writer.string(relation.rendered(in: RelationDialect(adapterType: target.type)))
    }
    if node.resourceType == .source {
      writer.key("source_name")
      writer.string(details?.source ?? "")
      writer.key("source_description")
      writer.string("")
      writer.key("loader")
      writer.string("")
      // What `source freshness` checks, as dbt records it.
      writer.key("loaded_at_field")
      writer.string(details?.loadedAtField)
      writer.key("freshness")
      if let freshness = details?.freshness {
        writer.beginObject()
        for (name, threshold) in [
          ("warn_after", freshness.warnAfter), ("error_after", freshness.errorAfter),
        ] {
          writer.key(name)
          writer.beginObject()
          writer.key("count")
          if let threshold { writer.integer(threshold.count) } else { writer.null() }
          writer.key("period")
          writer.string(threshold?.period)
          writer.endObject()
        }
        writer.key("filter")
        writer.string(freshness.filter)
        writer.endObject()
      } else {
        writer.null()
      }
    } else {
      // As dbt: the SHA-256 of the file (a seed over 1 MiB: its path), what
      // `state:modified.body` compares.
      let checksum = documented.checksums[node.uniqueID]
      writer.key("checksum")
      writer.beginObject()
      writer.key("name")
      writer.string(checksum?.name ?? "none")
      writer.key("checksum")
      writer.string(checksum?.value ?? "")
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
      writeDependsOn(node, into: &writer)
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
      writer.key("namespace")
      writer.string(test.namespace)
      writer.key("kwargs")
      writer.value(.dict(test.metadataKwargs))
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
    var loadedAtField: String? = nil
    var freshness: SourceFreshness? = nil
  }

  let details: [String: Details]
  /// Each node's file checksum: `name` (`sha256`, `path`) and value.
  let checksums: [String: (name: String, value: String)]

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
        columns: source.columns, source: source.sourceName, loadedAtField: source.loadedAtField,
        freshness: source.freshness)
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
    // Hashed in parallel: the manifest is written on every command.
    var files: [(id: String, text: String?, seedPath: String?)] = []
    files.reserveCapacity(project.models.count + project.seeds.count)
    for model in project.models { files.append((model.uniqueID, model.file.text, nil)) }
    for test in project.singularTests { files.append((test.uniqueID, test.file.text, nil)) }
    for seed in project.seeds {
      files.append((seed.uniqueID, nil, seed.originalFilePath))
    }
    let root = project.root
    let hashed = files.concurrentMap { file -> (name: String, value: String) in
      if let text = file.text { return ("sha256", SHA256.hex(text)) }
      let path = file.seedPath ?? ""
      // As dbt: a seed over 1 MiB is identified by its path, not hashed.
      guard let bytes = try? FileSystem.read(root + "/" + path), bytes.count <= 1 << 20 else {
        return ("path", path)
      }
      return ("sha256", SHA256.hex(bytes))
    }
    var checksums: [String: (name: String, value: String)] = [:]
    checksums.reserveCapacity(hashed.count)
    for (file, checksum) in zip(files, hashed) { checksums[file.id] = checksum }
    self.checksums = checksums
  }
}
