public import Diagnostics
public import OrderedCollections
public import Template

/// Renders Jinja inside YAML values where dbt renders it (sources, `config:` blocks, `grants`,
/// test arguments), with dbt's parse-time context: `var`, `env_var` and `target`.
///
/// Only strings holding `{{` or `{%` are rendered, so a project without Jinja in its YAML
/// pays one byte scan per string.
public struct YAMLJinja: Sendable {
  /// Vars after `--vars` overrides.
  public let vars: OrderedDictionary<String, Value>
  /// The environment `env_var` reads.
  public let environment: [String: String]
  /// The chosen target.
  public let target: TargetConfig?

  /// Creates a renderer.
  public init(
    vars: OrderedDictionary<String, Value>, environment: [String: String], target: TargetConfig?
  ) {
    self.vars = vars
    self.environment = environment
    self.target = target
  }

  /// Whether a string holds Jinja (`{{` or `{%`). A byte scan: every description and config
  /// string of the project passes here, and `String.contains` cost ten times as much.
  public static func holdsJinja(_ text: String) -> Bool {
    if let found = text.utf8.withContiguousStorageIfAvailable(holdsJinja) { return found }
    var contiguous = text
    return contiguous.withUTF8(holdsJinja)
  }

  private static func holdsJinja(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard bytes.count > 1 else { return false }
    for position in 0..<(bytes.count - 1) where bytes[position] == UInt8(ascii: "{") {
      let next = bytes[position + 1]
      if next == UInt8(ascii: "{") || next == UInt8(ascii: "%") { return true }
    }
    return false
  }

  /// A description with its Jinja rendered, `doc()` included; on an error reports it and keeps
  /// the text.
  func describe(
    _ text: String, docs: [String: DocsBlock], at range: SourceRange?, sink: any DiagnosticSink
  ) -> String {
    guard YAMLJinja.holdsJinja(text) else { return text }
    let host = EnvironmentHost(environment: environment, target: target, vars: vars, docs: docs)
    do {
      return try host.render(text, path: range?.file.path ?? "description")
    } catch {
      sink.emit(
        .error(
          "schema.template", "cannot render the description: \(error.message)", at: range,
          hint: error.hint))
      return text
    }
  }

  /// A patch with its descriptions rendered.
  func describe(_ patch: ModelPatch, docs: [String: DocsBlock], sink: any DiagnosticSink)
    -> ModelPatch
  {
    // Written only where there is Jinja: 100,000 patches are not copied for nothing.
    var patch = patch
    if YAMLJinja.holdsJinja(patch.description) {
      patch.description = describe(patch.description, docs: docs, at: patch.range, sink: sink)
    }
    for index in patch.columns.indices
    where YAMLJinja.holdsJinja(patch.columns[index].description) {
      patch.columns[index].description = describe(
        patch.columns[index].description, docs: docs, at: patch.columns[index].range, sink: sink)
    }
    return patch
  }

  /// Whether a value holds Jinja anywhere inside.
  static func holdsJinja(_ value: Value) -> Bool {
    switch value {
    case .string(let text): holdsJinja(text)
    case .list(let items): items.contains(where: holdsJinja)
    case .dict(let entries): entries.values.contains(where: holdsJinja)
    default: false
    }
  }

  /// Renders one string; errors name the YAML value and point at it.
  public func render(_ text: String, what: String, at range: SourceRange?) throws(Diagnostic)
    -> String
  {
    guard YAMLJinja.holdsJinja(text) else { return text }
    let host = EnvironmentHost(environment: environment, target: target, vars: vars)
    do {
      return try host.render(text, path: range?.file.path ?? what)
    } catch {
      throw .error(
        "schema.template", "cannot render the \(what): \(error.message)", at: range,
        hint: error.hint ?? "YAML values may use `var()`, `env_var()` and `target`")
    }
  }

  /// Renders every string inside a value (lists and mappings included); on an error reports it
  /// and keeps the text.
  func render(_ value: Value, what: String, at range: SourceRange?, sink: any DiagnosticSink)
    -> Value
  {
    switch value {
    case .string(let text):
      guard YAMLJinja.holdsJinja(text) else { return value }
      do {
        return .string(try render(text, what: what, at: range))
      } catch {
        sink.emit(error)
        return value
      }
    case .list(let items):
      return .list(items.map { render($0, what: what, at: range, sink: sink) })
    case .dict(let entries):
      var rendered = entries
      for (key, item) in entries {
        rendered[key] = render(item, what: what, at: range, sink: sink)
      }
      return .dict(rendered)
    default:
      return value
    }
  }
}

extension ConfigTree {
  /// This tree with the Jinja in its config values rendered and then checked (hooks wait for
  /// run time); a tree without Jinja is returned as it is.
  func rendered(
    with jinja: YAMLJinja, _ resource: ResourceType, sink: any DiagnosticSink
  ) -> ConfigTree {
    var tree = self
    var values = config.values
    for (key, value) in config.values
    where key != "pre_hook" && key != "post_hook" && YAMLJinja.holdsJinja(value) {
      let rendered = jinja.render(value, what: "`+\(key)` value", at: range, sink: sink)
      if let problem = ConfigSchema.check(key, rendered, for: resource, at: range) {
        sink.emit(problem)
        if problem.severity == .error {
          values.removeValue(forKey: key)
          continue
        }
      }
      values[key] = rendered
    }
    tree.config = NodeConfig(values)
    for (name, child) in children {
      tree.children[name] = child.rendered(with: jinja, resource, sink: sink)
    }
    return tree
  }
}
