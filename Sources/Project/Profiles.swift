public import Diagnostics
import OrderedCollections
import Template

/// dbt's `profiles.yml`: the connection of a project that names a `profile:` and declares no
/// `targets:` of its own, so that dbt projects run unmodified.
enum Profiles {
  /// Where `profiles.yml` is looked for, first match wins: `--profiles-dir`,
  /// `DBT_PROFILES_DIR`, the project folder, `~/.dbt`.
  static func candidates(root: String, options: LoadOptions) -> [String] {
    var folders: [String] = []
    if let explicit = options.profilesDirectory { folders.append(explicit) }
    if let fromEnvironment = options.environment["DBT_PROFILES_DIR"] {
      folders.append(fromEnvironment)
    }
    folders.append(root)
    if let home = options.environment["HOME"] { folders.append(home + "/.dbt") }
    return folders.map { $0 + "/profiles.yml" }
  }

  /// A profile's targets, its default target name, and where that name and `outputs:` are.
  struct Profile {
    var targets: OrderedDictionary<String, TargetConfig>
    var defaultName: String?
    var defaultRange: SourceRange?
    var outputsRange: SourceRange
  }

  /// The profile's targets and its default target, or nil when no file is found.
  static func read(
    profile: String, at profileRange: SourceRange?, root: String, options: LoadOptions,
    sink: any DiagnosticSink
  ) throws(Diagnostic) -> Profile? {
    // As dbt: a folder given explicitly is the only place looked at.
    if let explicit = options.profilesDirectory, !FileSystem.exists(explicit + "/profiles.yml") {
      throw .error(
        "project.profiles-missing",
        "no profiles.yml in `\(explicit)` for profile `\(profile)`",
        hint: "pass `--profiles-dir` the folder holding profiles.yml")
    }
    guard let path = candidates(root: root, options: options).first(where: FileSystem.exists)
    else { return nil }
    let bytes: [UInt8]
    do {
      bytes = try FileSystem.read(path)
    } catch {
      throw .error("project.profiles", "cannot read \(error)", path: path)
    }
    let document = try YAMLDocument.parse(SourceFile(path: path, bytes: bytes))
    guard let entry = document.root?[key: profile] else {
      let names = document.root?.entries.map(\.0) ?? []
      throw .error(
        "project.unknown-profile", "profile `\(profile)` is not in \(path)", at: profileRange,
        path: profileRange == nil ? path : nil,
        hint: Suggestions.didYouMean(profile, in: names))
    }
    var targets = OrderedDictionary<String, TargetConfig>()
    for (name, _, node) in entry[key: "outputs"]?.entries ?? [] {
      targets[name] = ProjectFile.parseTarget(name, node, document, sink)
    }
    let outputs = entry.entries.first { $0.key == "outputs" }?.keyNode
    return Profile(
      targets: targets, defaultName: entry[key: "target"]?.string,
      defaultRange: entry[key: "target"].map { document.range(of: $0) },
      outputsRange: document.range(of: outputs ?? document.root))
  }
}

extension TargetConfig {
  /// The settings as libpq strings, with `{{ env_var('X') }}` rendered from `environment`.
  /// Errors never quote a value, since it may be a password.
  public func resolvedSettings(environment: [String: String]) throws(Diagnostic) -> [String:
    String]
  {
    var resolved: [String: String] = [:]
    for (key, value) in settings {
      guard key != "type", key != "threads", key != "schema" else { continue }
      let text: String
      switch value {
      case .string(let string): text = string
      case .none: continue
      default: text = value.stringValue ?? value.rendered
      }
      guard text.contains("{{") else {
        resolved[key] = text
        continue
      }
      do {
        resolved[key] = try EnvironmentHost(environment: environment).render(
          text, path: "target `\(name)`, setting `\(key)`")
      } catch {
        var diagnostic = error
        diagnostic.showsExcerpt = false
        throw diagnostic
      }
    }
    return resolved
  }
}

/// Answers `env_var` (and `target`, once one is chosen): what settings may use.
final class EnvironmentHost: TemplateHost {
  let environment: [String: String]
  let target: TargetConfig?
  /// Vars for `var()`, where the context has them (YAML values; not target settings).
  let vars: OrderedDictionary<String, Value>?
  /// `{% docs %}` blocks for `doc()`, where the context has them (descriptions).
  let docs: [String: DocsBlock]?

  init(
    environment: [String: String], target: TargetConfig? = nil,
    vars: OrderedDictionary<String, Value>? = nil, docs: [String: DocsBlock]? = nil
  ) {
    self.environment = environment
    self.target = target
    self.vars = vars
    self.docs = docs
  }

  /// Renders a setting's template text, trimmed.
  func render(_ text: String, path: String) throws(Diagnostic) -> String {
    let file = SourceFile(path: path, text: text)
    let template = try Parser.parse(file)
    return try Evaluator(host: self, file: file).render(template).trimmingWhitespace()
  }

  func hasFunction(_ name: String) -> Bool {
    name == "env_var" || (name == "var" && vars != nil) || (name == "doc" && docs != nil)
  }

  func call(_ name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    if name == "doc", let docs {
      let docName = try arguments.string(0, "name", function: "doc")
      guard let block = docs[docName] else {
        throw .error(
          "project.unknown-doc", "unknown docs block `\(docName)`", at: arguments.range,
          hint: Suggestions.didYouMean(docName, in: docs.keys))
      }
      return .string(block.text.trimmingWhitespace())
    }
    if name == "var", let vars {
      let variable = try arguments.string(0, "name", function: "var")
      if let value = vars[variable] { return value }
      if let fallback = arguments.value(1, "default") { return fallback }
      throw .error(
        "project.unknown-var", "var `\(variable)` is not defined and has no default",
        at: arguments.range,
        hint: Suggestions.didYouMean(variable, in: vars.keys)
          ?? "define it under `vars:` in the project file, pass `--vars`, or give a default")
    }
    let variable = try arguments.string(0, "name", function: "env_var")
    if let value = environment[variable] { return .string(value) }
    if let fallback = arguments.value(1, "default") { return fallback }
    throw .error(
      "project.missing-env-var", "environment variable `\(variable)` is not set",
      at: arguments.range, hint: "export \(variable) before running swdbt")
  }

  func global(_ name: String) -> Value? { name == "target" ? target?.templateValue : nil }
  func macro(named name: String) -> MacroDefinition? { nil }
  var knownNames: [String] {
    (target == nil ? ["env_var"] : ["env_var", "target"]) + (vars == nil ? [] : ["var"])
  }
}
