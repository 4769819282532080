public import Diagnostics
import OrderedCollections
import Template

/// What one version-2 YAML file declares: model and seed documentation, tests and sources.
public struct SchemaFile: Sendable {
  /// `models:` entries.
  public var models: [ModelPatch] = []
  /// `seeds:` entries.
  public var seeds: [ModelPatch] = []
  /// `sources:` tables, flattened.
  public var sources: [SourceNode] = []
  /// `snapshots:` entries: documentation of `{% snapshot %}` blocks, or snapshots defined in
  /// YAML (with `relation:`).
  public var snapshots: [ModelPatch] = []
  /// `unit_tests:` entries.
  public var unitTests: [UnitTestSpec] = []
  /// The file itself when it declares `exposures:`, read by the Exposures library; nil for
  /// every other file, so a project without exposures pays nothing.
  public var exposureFile: SourceFile? = nil
  /// The file itself when it declares part of the semantic layer (`semantic_models:`,
  /// `metrics:`, `saved_queries:`, a model's `semantic_model:` or `time_spine:`), read by the
  /// Metrics library on every load so that its mistakes are reported; nil for every other file.
  public var semanticFile: SourceFile? = nil

  /// Test arguments that are really config, as dbt accepts them inline (its `CONFIG_ARGS`).
  static let inlineTestConfig: Set<String> = [
    "severity", "where", "limit", "warn_if", "error_if", "store_failures", "store_failures_as",
    "tags", "enabled", "meta", "fail_calc", "database", "schema", "alias", "sql_header",
  ]

  /// Parses one YAML file; problems are emitted, and what could be read is returned.
  /// `jinja` renders values holding Jinja (`var`, `env_var`, `target`), as dbt does.
  public static func parse(
    _ file: SourceFile, projectName: String, sink: any DiagnosticSink, jinja: YAMLJinja? = nil
  ) -> SchemaFile {
    var result = SchemaFile()
    let document: YAMLDocument
    do {
      document = try YAMLDocument.parse(file)
    } catch {
      sink.emit(error)
      return result
    }
    guard let root = document.root else { return result }
    guard root.isMapping else {
      sink.emit(
        .error(
          "schema.invalid", "a properties file must be a mapping", at: document.range(of: root)))
      return result
    }
    let reader = Reader(document: document, sink: sink, jinja: jinja)
    reader.checkKeys(root, .propertiesFile)
    if root[key: "exposures"] != nil { result.exposureFile = file }
    if root[key: "semantic_models"] != nil || root[key: "metrics"] != nil
      || root[key: "saved_queries"] != nil
    {
      result.semanticFile = file
    }
    for entry in root[key: "models"]?.items ?? [] {
      if let patch = reader.patch(entry, resource: .model) { result.models.append(patch) }
      if result.semanticFile == nil, Self.declaresSemantics(entry) { result.semanticFile = file }
    }
    for entry in root[key: "seeds"]?.items ?? [] {
      if let patch = reader.patch(entry, resource: .seed) { result.seeds.append(patch) }
    }
    for entry in root[key: "snapshots"]?.items ?? [] {
      guard var patch = reader.patch(entry, resource: .snapshot) else { continue }
      if let relation = entry[key: "relation"] {
        patch.relation = relation.string
        patch.relationRange = document.range(of: relation)
      }
      result.snapshots.append(patch)
    }
    let unitReader = UnitTestReader(document: document, sink: sink)
    for entry in root[key: "unit_tests"]?.items ?? [] {
      if let spec = unitReader.read(entry) { result.unitTests.append(spec) }
    }
    for source in root[key: "sources"]?.items ?? [] {
      result.sources += reader.sourceTables(source, projectName: projectName)
    }
    return result
  }

  /// Whether a `models:` entry declares part of the semantic layer.
  static func declaresSemantics(_ entry: YAMLNode) -> Bool {
    entry[key: "semantic_model"] != nil || entry[key: "time_spine"] != nil
      || entry[key: "metrics"] != nil
  }

  private struct Reader {
    let document: YAMLDocument
    let sink: any DiagnosticSink
    let jinja: YAMLJinja?

    /// A YAML value with its Jinja rendered; hooks are left for run time, where `this` is known.
    /// A test argument that needs more than `var`/`env_var`/`target` (a `ref`) is kept as
    /// written (`quiet`), for the test's own rendering.
    func value(of node: YAMLNode, key: String? = nil, quiet: Bool = false) -> Value {
      let value = YAMLDocument.value(of: node)
      guard let jinja, key.map(ConfigSchema.canonical) != "pre_hook",
        key.map(ConfigSchema.canonical) != "post_hook"
      else { return value }
      return jinja.render(
        value, what: key.map { "`\($0)` value" } ?? "value", at: document.range(of: node),
        sink: quiet ? CollectingSink() : sink)
    }

    /// A YAML string with its Jinja rendered.
    func string(_ node: YAMLNode?, _ key: String) -> String? {
      guard let node, let text = node.string else { return nil }
      guard let jinja else { return text }
      do {
        return try jinja.render(text, what: "`\(key)` value", at: document.range(of: node))
      } catch {
        sink.emit(error)
        return text
      }
    }

    /// Unknown keys are warnings; keys dbt knows and swdbt does not implement are reported
    /// as `ConfigKeys` says.
    func checkKeys(_ node: YAMLNode, _ scope: KeyScope) {
      for (key, keyNode, valueNode) in node.entries {
        let status = ConfigKeys.status(key, in: scope)
        // Most keys are implemented: no range (a line scan) unless there is something to say.
        if status == .implemented { continue }
        let range = document.range(of: keyNode)
        guard status != nil else {
          let what = scope.rawValue.replacing(" property", with: "")
          sink.emit(
            .warning(
              "schema.unknown-key",
              scope == .propertiesFile
                ? "unknown properties file section `\(key)` is ignored"
                : "unknown \(what) property `\(key)` is ignored",
              at: range, hint: Suggestions.didYouMean(key, in: ConfigKeys.keys(in: scope))))
          continue
        }
        if let unsupported = ConfigKeys.diagnostic(
          key, in: scope, value: YAMLDocument.value(of: valueNode), at: range)
        {
          sink.emit(unsupported)
        }
      }
    }

    func config(_ node: YAMLNode?, _ resource: ResourceType) -> NodeConfig {
      guard let node else { return NodeConfig() }
      var values = OrderedDictionary<String, Value>()
      for (key, keyNode, valueNode) in node.entries {
        let value = self.value(of: valueNode, key: key)
        if let problem = ConfigSchema.check(
          key, value, for: resource, at: document.range(of: keyNode))
        {
          sink.emit(problem)
          if problem.severity == .error { continue }
        }
        values[ConfigSchema.canonical(key)] = value
      }
      return NodeConfig(values)
    }

    func named(_ node: YAMLNode, _ what: String) -> (String, SourceRange)? {
      guard let nameNode = node[key: "name"], let name = nameNode.string, !name.isEmpty else {
        sink.emit(
          .error("schema.missing-name", "\(what) entry has no `name`", at: document.range(of: node))
        )
        return nil
      }
      return (name, document.range(of: nameNode))
    }

    func patch(_ node: YAMLNode, resource: ResourceType) -> ModelPatch? {
      guard let (name, range) = named(node, resource.rawValue) else { return nil }
      checkKeys(
        node,
        resource == .seed
          ? .seedProperty : resource == .snapshot ? .snapshotProperty : .modelProperty
      )
      var config = self.config(node[key: "config"], resource)
      var extra = OrderedDictionary<String, Value>()
      if let tags = node[key: "tags"] { extra["tags"] = YAMLDocument.value(of: tags) }
      if let meta = node[key: "meta"] { extra["meta"] = YAMLDocument.value(of: meta) }
      config = NodeConfig(extra).merged(with: config)
      return ModelPatch(
        name: name, description: node[key: "description"]?.string ?? "",
        columns: columns(node[key: "columns"]), tests: tests(node, column: nil),
        config: config, range: range,
        constraints: ConstraintReader.read(
          node[key: "constraints"], modelLevel: true, document: document, sink: sink))
    }

    func columns(_ node: YAMLNode?) -> [ColumnSpec] {
      (node?.items ?? []).compactMap { column in
        guard let (name, range) = named(column, "column") else { return nil }
        checkKeys(column, .columnProperty)
        var meta = OrderedDictionary<String, Value>()
        if case .dict(let entries)? = column[key: "meta"].map(YAMLDocument.value(of:)) {
          meta = entries
        }
        let tags = column[key: "tags"].map { NodeConfig.strings(YAMLDocument.value(of: $0)) } ?? []
        let quote = column[key: "quote"].map { YAMLDocument.value(of: $0).isTruthy } ?? false
        // As dbt: a quoted column reaches its tests as `column_name` already quoted.
        let testedName = quote ? "\"" + name.replacing("\"", with: "\"\"") + "\"" : name
        var spec = ColumnSpec(
          name: name, description: column[key: "description"]?.string ?? "",
          dataType: column[key: "data_type"]?.string, meta: meta, tags: tags,
          tests: tests(column, column: testedName), range: range)
        spec.constraints = ConstraintReader.read(
          column[key: "constraints"], modelLevel: false, document: document, sink: sink)
        spec.quote = quote
        spec.dataTypeRange = column[key: "data_type"].map { document.range(of: $0) }
        return spec
      }
    }

    func tests(_ owner: YAMLNode, column: String?) -> [TestSpec] {
      let list = owner[key: "data_tests"] ?? owner[key: "tests"]
      return (list?.items ?? []).compactMap { test(for: $0, column: column) }
    }

    func test(for node: YAMLNode, column: String?) -> TestSpec? {
      let range = document.range(of: node)
      if let name = node.string {
        return TestSpec(
          testName: name, arguments: [:], config: NodeConfig(), customName: nil, column: column,
          range: range)
      }
      let entries = node.entries
      guard entries.count == 1, let (testName, _, body) = entries.first else {
        sink.emit(
          .error(
            "schema.invalid-test", "a test must be a name or a mapping with one test name",
            at: range,
            hint: "write `- unique` or `- accepted_values: {values: [a, b]}`"))
        return nil
      }
      var arguments = OrderedDictionary<String, Value>()
      var configValues = OrderedDictionary<String, Value>()
      var customName: String?
      var config = NodeConfig()
      var description = ""
      for (key, keyNode, valueNode) in body.entries {
        let value = self.value(of: valueNode, key: key, quiet: key != "config")
        switch key {
        case "config": config = self.config(valueNode, .test)
        case "name": customName = value.stringValue
        // As dbt: a description documents the test; it is no argument of its macro.
        case "description": description = value.stringValue ?? ""
        case "arguments":
          if case .dict(let nested) = value { arguments.merge(nested) { $1 } }
        case "column_name": arguments[key] = value
        default:
          if SchemaFile.inlineTestConfig.contains(key) {
            if let problem = ConfigSchema.check(
              key, value, for: .test, at: document.range(of: keyNode))
            {
              sink.emit(problem)
              if problem.severity != .error { configValues[key] = value }
            } else {
              configValues[key] = value
            }
          } else {
            arguments[key] = value
          }
        }
      }
      return TestSpec(
        testName: testName, arguments: arguments,
        config: NodeConfig(configValues).merged(with: config),
        customName: customName, column: column ?? arguments["column_name"]?.stringValue,
        range: range, description: description)
    }

    func sourceTables(_ node: YAMLNode, projectName: String) -> [SourceNode] {
      guard let (sourceName, _) = named(node, "source") else { return [] }
      checkKeys(node, .sourceProperty)
      let schema = string(node[key: "schema"], "schema") ?? sourceName
      let database = string(node[key: "database"], "database")
      let sourceConfig = config(node[key: "config"], .source)
      return (node[key: "tables"]?.items ?? []).compactMap { table in
        guard let (name, range) = named(table, "source table") else { return nil }
        checkKeys(table, .sourceTableProperty)
        let tableConfig = config(table[key: "config"], .source)
        var source = SourceNode(
          uniqueID: "source.\(projectName).\(sourceName).\(name)", sourceName: sourceName,
          name: name, schema: schema, database: database,
          identifier: string(table[key: "identifier"], "identifier") ?? name,
          description: table[key: "description"]?.string ?? node[key: "description"]?.string ?? "",
          columns: columns(table[key: "columns"]), tests: tests(table, column: nil),
          config: sourceConfig.merged(with: tableConfig),
          originalFilePath: document.file.path, range: range)
        // The table's own setting wins over its source's; a property over a config.
        let levels: [(YAMLNode, NodeConfig)] = [(table, tableConfig), (node, sourceConfig)]
        for (level, levelConfig) in levels {
          if let entry = level.entries.first(where: { $0.key == "freshness" }) {
            source.freshness = SourceFreshness.parse(
              value(of: entry.2, key: "freshness"), at: document.range(of: entry.1), sink: sink)
            break
          }
          if let configured = levelConfig.values["freshness"] {
            source.freshness = SourceFreshness.parse(configured, at: range, sink: sink)
            break
          }
        }
        for (level, levelConfig) in levels {
          if let field = string(level[key: "loaded_at_field"], "loaded_at_field")
            ?? levelConfig.values["loaded_at_field"]?.stringValue
          {
            source.loadedAtField = field
            break
          }
        }
        return source
      }
    }
  }
}

extension Diagnostic {
  /// A properties entry under the key of another resource type: dbt leaves it unattached and
  /// warns, and so does swdbt.
  static func wrongResourceKey(
    _ patch: ModelPatch, is kind: String, under key: String, belongs right: String
  ) -> Diagnostic {
    .warning(
      "schema.wrong-resource-key",
      "`\(patch.name)` is a \(kind), but it is described under `\(key):`; its tests run on it, "
        + "its other properties are not applied",
      at: patch.range, hint: "move the `\(patch.name)` entry under `\(right):`")
  }
}

extension ModelPatch {
  /// Only this entry's tests, added to a node's own patch: what dbt keeps of an entry under
  /// the wrong resource key (its tests select the node by name; descriptions and config are
  /// dropped).
  func tests(addedTo existing: ModelPatch?) -> ModelPatch {
    var result =
      existing
      ?? ModelPatch(
        name: name, description: "", columns: [], tests: [], config: NodeConfig(), range: range,
        constraints: [])
    result.tests += tests
    for column in columns where !column.tests.isEmpty {
      if let index = result.columns.firstIndex(where: { $0.name == column.name }) {
        result.columns[index].tests += column.tests
      } else {
        result.columns.append(
          ColumnSpec(
            name: column.name, description: "", dataType: nil, meta: [:], tags: [],
            tests: column.tests, range: column.range))
      }
    }
    return result
  }
}
