import Diagnostics
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
      // Warnings (a config without effect on data) leave the node usable.
      sink.emit(contentsOf: host.problems)
      guard !host.problems.contains(where: { $0.severity == .error }) else { return nil }
      let config = host.currentConfig
      // Only a node that set `enabled` itself can have turned it off: no lookup otherwise.
      let enabled = !host.refersToDisabled && (host.enabledRange == nil || config.enabled)
      return RenderedNode(
        uniqueID: input.uniqueID, text: text, references: host.references, config: config,
        enabled: enabled, enabledRange: host.enabledRange, needsDatabase: host.needsDatabase)
    }
  }
}

extension DiagnosticSink {
  func emit(contentsOf diagnostics: [Diagnostic]) {
    for diagnostic in diagnostics { emit(diagnostic) }
  }
}
