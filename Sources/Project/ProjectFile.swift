public import Diagnostics
public import OrderedCollections
public import Template

/// Folder-level configuration from the project file, in dbt's nested `+key` style.
public struct ConfigTree: Sendable {
  /// The config set at this level.
  public var config: NodeConfig
  /// Sub-folders (or, at the top, the project's name) and their configuration.
  public var children: OrderedDictionary<String, ConfigTree>
  /// Where this level's key is, for "applies to nothing" warnings.
  public var range: SourceRange?

  /// The config for a node with this fqn: each level along the path overrides the one above.
  public func resolve(_ fqn: [String]) -> NodeConfig {
    if children.isEmpty { return config }
    var result = config
    var level = self
    for component in fqn {
      guard let child = level.children[component] else { break }
      result = result.merged(with: child.config)
      level = child
    }
    return result
  }

  /// Paths of keys that match no node, given every node's fqn.
  func unusedPaths(_ fqns: [[String]], prefix: [String] = []) -> [(
    path: [String], range: SourceRange?
  )] {
    var unused: [(path: [String], range: SourceRange?)] = []
    for (name, child) in children {
      let path = prefix + [name]
      let used = fqns.contains { $0.count >= path.count && Array($0.prefix(path.count)) == path }
      if used {
        unused += child.unusedPaths(fqns, prefix: path)
      } else {
        unused.append((path, child.range))
      }
    }
    return unused
  }
}

/// A connection target declared in the project file. Passwords never appear here as literals.
public struct TargetConfig: Sendable {
  /// The target's name (`local`, `prod`, ...).
  public var name: String
  /// The adapter type (`postgres`).
  public var type: String
  /// The default schema models build into.
  public var schema: String
  /// The database name, if set.
  public var database: String?
  /// How many nodes run at once.
  public var threads: Int
  /// Every setting as written (host, port, user, ...), for the adapter.
  public var settings: OrderedDictionary<String, Value>
  /// Whether this is the embedded cluster swdbt manages itself.
  public var isEmbedded: Bool
  /// Settings refused because they hold a password not read from the environment: they are
  /// left out, so connecting must stop and show these instead of libpq's complaint.
  public var refusals: [Diagnostic] = []
  /// Where the target's `type:` (or, without one, the target) is declared, for errors about it.
  public var typeRange: SourceRange? = nil

  /// The target used when the project declares none: swdbt's own local cluster.
  public static func embeddedDefault(schema: String = "public") -> TargetConfig {
    TargetConfig(
      name: "local", type: "postgres", schema: schema, database: nil, threads: 4, settings: [:],
      isEmbedded: true)
  }

  /// The `target` variable templates see (no secrets in it).
  public var templateValue: Value {
    var entries: OrderedDictionary<String, Value> = [
      "name": .string(name), "type": .string(type), "schema": .string(schema),
      "database": database.map { .string($0) } ?? .none, "threads": .integer(threads),
      "profile_name": .string(name),
    ]
    // The connection settings dbt shows too, never the password.
    if let database { entries["dbname"] = .string(database) }
    for key in ["host", "user", "port"] { if let value = settings[key] { entries[key] = value } }
    return .dict(entries)
  }
}

/// `project.yml` (or dbt's `dbt_project.yml`): name, paths, vars, targets and folder config.
public struct ProjectFile: Sendable {
  /// The project's name, the first component of every fqn.
  public var name: String
  /// Where the file is.
  public var file: SourceFile
  /// A dbt profile name, when connection settings come from `profiles.yml`.
  public var profile: String?
  /// Where `profile:`'s value is.
  public var profileRange: SourceRange? = nil
  /// Folders holding models.
  public var modelPaths: [String]
  /// Folders holding seeds.
  public var seedPaths: [String]
  /// Folders holding singular and generic tests.
  public var testPaths: [String]
  /// Folders holding macros.
  public var macroPaths: [String]
  /// Folders holding docs blocks.
  public var docsPaths: [String]
  /// Where artifacts are written: relative to the project root, or absolute.
  public var targetPath: String

  /// The absolute folder artifacts are written to.
  public func targetDirectory(root: String) -> String {
    FileSystem.resolve(targetPath, under: root)
  }
  /// Project vars (project-scoped vars flattened in).
  public var vars: OrderedDictionary<String, Value>
  /// The target named by `target:`.
  public var defaultTarget: String?
  /// Where `target:`'s value is, for an unknown target's error.
  public var defaultTargetRange: SourceRange? = nil
  /// Where the `targets:` key is (the start of the file without one), for `--target` errors.
  public var targetsRange: SourceRange? = nil
  /// Declared targets.
  public var targets: OrderedDictionary<String, TargetConfig>
  /// `models:` configuration.
  public var models: ConfigTree
  /// `seeds:` configuration.
  public var seeds: ConfigTree
  /// `data_tests:` / `tests:` configuration.
  public var tests: ConfigTree
  /// SQL run before every `swdbt run`.
  public var onRunStart: [String]
  /// SQL run after every `swdbt run`.
  public var onRunEnd: [String]
  /// Folders holding snapshots.
  public var snapshotPaths: [String] = ["snapshots"]
  /// `snapshots:` configuration.
  public var snapshots = ConfigTree(config: NodeConfig(), children: [:])
  /// `dispatch:`: the package search order of `adapter.dispatch` per macro namespace.
  public var dispatch: [String: [String]] = [:]
  /// `packages-install-path`: where `swdbt deps` installs packages and loading finds them.
  public var packagesInstallPath = "dbt_packages"
  /// `version:`, the project's own version (a package's release, `1.3.0`), if given.
  public var version: String? = nil
  /// `clean-targets`: the folders `swdbt clean` deletes (nil: the target path and the
  /// packages' install path, as dbt's default).
  public var cleanTargets: [String]? = nil
  /// `require-dbt-version`: the dbt versions the project declares it works with.
  public var requireDbtVersion: [String] = []
  /// Where `require-dbt-version` is, for the warning when it excludes swdbt's dbt version.
  public var requireDbtVersionRange: SourceRange? = nil
  /// `query-comment`: the comment on each statement sent for a node.
  public var queryComment = QueryCommentConfig()

  /// Parses the project file, emitting recoverable problems; throws when it cannot be used.
  /// An installed package's file (`isPackage`) is not the user's to change: its keys swdbt
  /// ignores (`clean-targets`, `quoting`, ...) are not reported.
  public static func parse(_ file: SourceFile, isPackage: Bool = false, sink: any DiagnosticSink)
    throws(Diagnostic) -> ProjectFile
  {
    let document = try YAMLDocument.parse(file)
    guard let root = document.root, root.isMapping else {
      throw .error(
        "project.invalid", "the project file must be a mapping with at least `name`",
        at: document.range(of: document.root))
    }
    for (key, keyNode, valueNode) in root.entries where !isPackage {
      let range = document.range(of: keyNode)
      guard ConfigKeys.status(key, in: .projectFile) != nil else {
        sink.emit(
          .warning(
            "project.unknown-key", "unknown project key `\(key)` is ignored", at: range,
            hint: Suggestions.didYouMean(key, in: ConfigKeys.keys(in: .projectFile))))
        continue
      }
      if let unsupported = ConfigKeys.diagnostic(
        key, in: .projectFile, value: YAMLDocument.value(of: valueNode), at: range)
      {
        sink.emit(unsupported)
      }
    }
    guard let name = root[key: "name"]?.string, !name.isEmpty else {
      throw .error(
        "project.invalid", "the project file needs a `name`", at: document.range(of: root))
    }
    guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
      throw .error(
        "project.invalid", "project name `\(name)` may only hold letters, digits and `_`",
        at: document.range(of: root[key: "name"]))
    }
    func paths(_ key: String, _ fallback: String) -> [String] {
      guard let node = root[key: key] else { return [fallback] }
      if let single = node.string { return [single] }
      return node.items.compactMap(\.string)
    }
    func hooks(_ key: String) -> [String] {
      guard let node = root[key: key] else { return [] }
      if let single = node.string { return [single] }
      return node.items.compactMap(\.string)
    }
    var vars = OrderedDictionary<String, Value>()
    if let varsNode = root[key: "vars"] {
      for (key, _, valueNode) in varsNode.entries {
        let value = YAMLDocument.value(of: valueNode)
        if key == name, case .dict(let scoped) = value {
          vars.merge(scoped) { $1 }
        } else {
          vars[key] = value
        }
      }
    }
    var targets = OrderedDictionary<String, TargetConfig>()
    if let targetsNode = root[key: "targets"] {
      for (targetName, _, targetNode) in targetsNode.entries {
        targets[targetName] = parseTarget(targetName, targetNode, document, sink)
      }
    }
    let testsNode = root[key: "data_tests"] ?? root[key: "tests"]
    var project = ProjectFile(
      name: name, file: file, profile: root[key: "profile"]?.string,
      profileRange: root[key: "profile"].map { document.range(of: $0) },
      modelPaths: paths("model-paths", "models"), seedPaths: paths("seed-paths", "seeds"),
      testPaths: paths("test-paths", "tests"), macroPaths: paths("macro-paths", "macros"),
      docsPaths: root[key: "docs-paths"] == nil ? [] : paths("docs-paths", "docs"),
      targetPath: root[key: "target-path"]?.string ?? "target", vars: vars,
      defaultTarget: root[key: "target"]?.string,
      defaultTargetRange: root[key: "target"].map { document.range(of: $0) },
      targetsRange: root.entries.first { $0.key == "targets" }.map {
        document.range(of: $0.keyNode)
      }
        ?? document.range(of: nil), targets: targets,
      models: parseTree(root[key: "models"], .model, document, sink),
      seeds: parseTree(root[key: "seeds"], .seed, document, sink),
      tests: parseTree(testsNode, .test, document, sink),
      onRunStart: hooks("on-run-start"), onRunEnd: hooks("on-run-end"),
      snapshotPaths: paths("snapshot-paths", "snapshots"))
    if let installPath = root[key: "packages-install-path"]?.string {
      project.packagesInstallPath = installPath
    }
    project.version = root[key: "version"]?.string
    if let clean = root[key: "clean-targets"] {
      project.cleanTargets = clean.string.map { [$0] } ?? clean.items.compactMap(\.string)
    }
    if let required = root[key: "require-dbt-version"] {
      project.requireDbtVersion =
        required.string.map { [$0] } ?? required.items.compactMap(\.string)
      project.requireDbtVersionRange = document.range(of: required)
    }
    project.snapshots = parseTree(root[key: "snapshots"], .snapshot, document, sink)
    if let entry = root.entries.first(where: { $0.key == "query-comment" }) {
      project.queryComment = QueryCommentConfig.parse(
        entry.value, range: document.range(of: entry.keyNode), sink: sink)
    }
    for entry in root[key: "dispatch"]?.items ?? [] {
      if let namespace = entry[key: "macro_namespace"]?.string {
        project.dispatch[namespace] = entry[key: "search_order"]?.items.compactMap(\.string) ?? []
      }
    }
    return project
  }

  static func parseTarget(
    _ name: String, _ node: YAMLNode, _ document: YAMLDocument, _ sink: any DiagnosticSink
  ) -> TargetConfig {
    var settings = OrderedDictionary<String, Value>()
    var refusals: [Diagnostic] = []
    for (key, keyNode, valueNode) in node.entries {
      let value = YAMLDocument.value(of: valueNode)
      if let problem = targetKeyProblem(key, at: document.range(of: keyNode)) {
        sink.emit(problem)
        if problem.severity == .error { continue }
      }
      if let why = TargetPasswords.refusal(key: key, value: value) {
        let diagnostic = TargetPasswords.diagnostic(
          target: name, key: key, why: why, at: document.range(of: keyNode))
        sink.emit(diagnostic)
        refusals.append(diagnostic)
        continue
      }
      if let problem = TargetTimeouts.problem(
        key, value, target: name, at: document.range(of: valueNode))
      {
        sink.emit(problem)
        continue
      }
      settings[key] = value
    }
    let type = settings["type"]?.stringValue ?? "postgres"
    var threads = 4
    if case .integer(let count)? = settings["threads"] { threads = max(1, count) }
    let embedded =
      type == "postgres-local"
      || (type == "postgres" && settings["host"] == nil && settings["url"] == nil
        && name == "local")
    return TargetConfig(
      name: name, type: type == "postgres-local" ? "postgres" : type,
      schema: settings["schema"]?.stringValue ?? "public",
      database: settings["dbname"]?.stringValue ?? settings["database"]?.stringValue,
      threads: threads, settings: settings, isEmbedded: embedded, refusals: refusals,
      typeRange: document.range(of: node[key: "type"] ?? node))
  }

  /// An unsupported or unknown target setting (the `postgres-local` marker type aside).
  static func targetKeyProblem(_ key: String, at range: SourceRange?) -> Diagnostic? {
    guard ConfigKeys.status(key, in: .target) != nil else {
      return .warning(
        "project.unknown-target-setting", "unknown target setting `\(key)` is ignored", at: range,
        hint: Suggestions.didYouMean(key, in: ConfigKeys.keys(in: .target)))
    }
    return ConfigKeys.diagnostic(key, in: .target, value: .none, at: range)
  }

  /// Config keys whose value is a mapping: without `+` they are still config, not folders.
  static let mappingConfigKeys: Set<String> = [
    "meta", "grants", "column_types", "docs", "persist_docs", "tblproperties",
  ]

  static func parseTree(
    _ node: YAMLNode?, _ resource: ResourceType, _ document: YAMLDocument,
    _ sink: any DiagnosticSink,
    range: SourceRange? = nil
  ) -> ConfigTree {
    var tree = ConfigTree(config: NodeConfig(), children: [:], range: range)
    guard let node else { return tree }
    var values = OrderedDictionary<String, Value>()
    for (key, keyNode, valueNode) in node.entries {
      let keyRange = document.range(of: keyNode)
      let isMapping = valueNode.isMapping
      if key.hasPrefix("+") || (ConfigSchema.isKnown(key, for: resource) && !isMapping)
        || (mappingConfigKeys.contains(ConfigSchema.canonical(key))
          && ConfigSchema.isKnown(key, for: resource))
      {
        let configKey = key.hasPrefix("+") ? String(key.dropFirst()) : key
        let value = YAMLDocument.value(of: valueNode)
        // A value holding Jinja is checked once rendered (`ConfigTree.rendered`).
        if !YAMLJinja.holdsJinja(value),
          let problem = ConfigSchema.check(configKey, value, for: resource, at: keyRange)
        {
          sink.emit(problem)
          if problem.severity == .error { continue }
        }
        values[ConfigSchema.canonical(configKey)] = value
      } else if isMapping {
        tree.children[key] = parseTree(valueNode, resource, document, sink, range: keyRange)
      } else {
        sink.emit(
          .error(
            "config.unknown-key", "unknown \(resource.rawValue) config `\(key)`", at: keyRange,
            hint: Suggestions.didYouMean(
              ConfigSchema.canonical(key), in: ConfigSchema.keys(for: resource).sorted()
            )
            .map { $0.replacing("did you mean `", with: "did you mean `+") }))
      }
    }
    tree.config = NodeConfig(values)
    return tree
  }
}
