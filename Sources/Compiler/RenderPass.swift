import Diagnostics
import OrderedCollections
import Project
import Template

/// One node's template output before linking: text with relation placeholders.
struct RenderedNode: Sendable {
  let uniqueID: String
  /// Rendered SQL; relations appear as `RelationPlaceholder` markers.
  let text: String
  let references: [RecordedReference]
  /// Project + YAML + `config()` calls.
  let config: NodeConfig
  /// False when the node's own `config(enabled=false)` disabled it, or when a test refers to
  /// a disabled model (dbt disables the test).
  let enabled: Bool
  /// The `config()` argument that set `enabled`, if any.
  let enabledRange: SourceRange?
  /// Whether the render read `execute` or used the database (rendered again at run time).
  var needsDatabase = false
}

/// Renders every model and singular test once, in parallel, recording references and config.
enum RenderPass {
  struct Input: Sendable {
    let uniqueID: String
    let name: String
    let resource: ResourceType
    let template: Template
    let file: SourceFile
    let config: NodeConfig
  }

  static func run(_ inputs: [Input], environment: RenderEnvironment, sink: any DiagnosticSink)
    -> [RenderedNode?]
  {
    inputs.concurrentMap { input in
      let host = RecordingHost(
        environment: environment, resource: input.resource, nodeName: input.name,
        baseConfig: input.config, package: environment.package(ofNode: input.uniqueID))
      let evaluator = Evaluator(host: host, file: input.file)
      let text: String
      do throws(Diagnostic) {
        text = try evaluator.render(input.template)
      } catch {
        sink.emit(contentsOf: host.problems + [error])
        return nil
      }
      recordHookReferences(host: host, name: input.name)
      // Warnings (a config without effect on data) leave the node usable.
      sink.emit(contentsOf: host.problems)
      guard !host.problems.contains(where: { $0.severity == .error }) else { return nil }
      let config = host.currentConfig
      let needsDatabase = host.needsDatabase
      recordHookReferences(config, name: input.name, host: host)
      // Only a node that set `enabled` itself can have turned it off: no lookup otherwise.
      let enabled = !host.refersToDisabled && (host.enabledRange == nil || config.enabled)
      return RenderedNode(
        uniqueID: input.uniqueID, text: text, references: host.references, config: config,
        enabled: enabled, enabledRange: host.enabledRange, needsDatabase: needsDatabase)
    }
  }
}

extension RenderPass {
  /// The `ref`s and `source`s in a node's hooks are its dependencies, as dbt records them
  /// while parsing: a post-hook reading `ref('audit')` runs after `audit` is built. Only hooks
  /// that name one are rendered here; what they render to is not kept, and their errors are
  /// reported where they run, rendered again with `this`, `execute` true and a connection.
  static func recordHookReferences(_ config: NodeConfig, name: String, host: RecordingHost) {
    for key in ["pre_hook", "post_hook"] {
      guard let value = config[key] else { continue }
      for item in NodeConfig.list(value) {
        var text = item.stringValue ?? ""
        if case .dict(let entries) = item { text = entries["sql"]?.stringValue ?? "" }
        guard text.contains("ref(") || text.contains("source(") else { continue }
        recordReferences(in: text, path: "\(key) of \(name)", host: host)
      }
    }
  }
}

extension RenderPass {
  /// As dbt, a hook's `ref` and `source` calls are the node's dependencies: the hook reads
  /// them when the node runs. Only hooks that call one are rendered here, and their text is
  /// discarded; they are rendered for real, and their errors reported, when they run.
  static func recordHookReferences(host: RecordingHost, name: String) {
    for key in ["pre_hook", "post_hook"] {
      guard let value = host.currentConfig[key] else { continue }
      for item in NodeConfig.list(value) {
        var text = item.stringValue ?? ""
        if case .dict(let entries) = item { text = entries["sql"]?.stringValue ?? "" }
        guard text.contains("ref(") || text.contains("source(") else { continue }
        recordReferences(in: text, path: "<\(key) of \(name)>", host: host)
      }
    }
  }
}

extension RenderPass {
  /// Renders a hook for its `ref` and `source` calls. When the hook cannot be rendered here
  /// (it reads something only the run has, or fails on an undefined name as
  /// `target.get(pass, "")` does), its calls with literal arguments are rendered alone: a
  /// render that stopped early would lose the calls after the error, and the node would run
  /// before the relation its hook reads.
  static func recordReferences(in text: String, path: String, host: RecordingHost) {
    let file = SourceFile(path: path, text: text)
    do throws(Diagnostic) {
      _ = try Evaluator(host: host, file: file).render(try Parser.parse(file))
      return
    } catch {}
    let literal = #"\s*(?:'[^'\\]*'|"[^"\\]*")\s*"#
    guard
      let call = try? Regex(#"\b(?:ref|source)\s*\("# + literal + "(?:," + literal + #")*\)"#)
    else { return }
    let calls = text.matches(of: call).map { "{{ " + text[$0.range] + " }}" }.joined()
    guard !calls.isEmpty else { return }
    let reduced = SourceFile(path: path, text: calls)
    _ = try? Evaluator(host: host, file: reduced).render(try Parser.parse(reduced))
  }
}

extension RenderPass {
  /// dbt refuses a seed whose hooks call `ref` or `source`: seeds are loaded first and depend
  /// on nothing. Only seeds with such a hook are rendered.
  static func checkSeedHooks(
    _ seeds: [SeedNode], environment: RenderEnvironment, sink: any DiagnosticSink
  ) {
    for seed in seeds {
      let hooks = ["pre_hook", "post_hook"].compactMap { seed.config[$0] }
      guard
        hooks.contains(where: { $0.rendered.contains("ref(") || $0.rendered.contains("source(") })
      else { continue }
      let host = RecordingHost(
        environment: environment, resource: .seed, nodeName: seed.name, baseConfig: seed.config,
        package: environment.package(ofNode: seed.uniqueID))
      recordHookReferences(host: host, name: seed.name)
      let named = host.references.compactMap { recorded -> String? in
        switch recorded.reference {
        case .ref(let name, let package):
          "ref(" + (package.map { "'\($0)', " } ?? "") + "'\(name)')"
        case .source(let source, let table): "source('\(source)', '\(table)')"
        case .this: nil
        }
      }
      guard !named.isEmpty else { continue }
      sink.emit(
        .error(
          "compile.seed-dependency",
          "a hook of seed `\(seed.name)` calls \(named.map { "`\($0)`" }.joined(separator: ", ")); "
            + "seeds cannot depend on other nodes", path: seed.originalFilePath,
          hint: "dbt refuses this too (\"Seeds cannot depend on other nodes\"): move the "
            + "statement to a model's hook or to `on-run-end`"))
    }
  }
}

extension DiagnosticSink {
  func emit(contentsOf diagnostics: [Diagnostic]) {
    for diagnostic in diagnostics { emit(diagnostic) }
  }
}
