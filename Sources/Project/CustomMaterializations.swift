public import Diagnostics
import Synchronization

/// Holds back "unknown materialization" errors while a project loads: the project file and
/// YAML are checked before `macros/` is read, and a name that a `{% materialization %}` block
/// defines deserves a different error (swdbt does not run custom materializations) than a
/// misspelt built-in one. Everything else passes straight through.
final class MaterializationDiagnostics: DiagnosticSink {
  private let base: any DiagnosticSink
  private let held = Mutex<[Diagnostic]>([])

  init(_ base: any DiagnosticSink) { self.base = base }

  func emit(_ diagnostic: Diagnostic) {
    if diagnostic.code == Diagnostic.unknownMaterializationCode {
      held.withLock { $0.append(diagnostic) }
    } else {
      base.emit(diagnostic)
    }
  }

  /// Emits what was held, as a custom-materialization error where a block defines the name;
  /// returns `blocks` for chaining.
  func release(_ blocks: [String: SourceRange]) -> [String: SourceRange] {
    let diagnostics = held.withLock { held in
      defer { held.removeAll() }
      return held
    }
    for diagnostic in diagnostics {
      let custom = blocks.first { name, _ in
        diagnostic.message == Diagnostic.unknownMaterializationMessage(name)
      }
      if let (name, block) = custom {
        base.emit(.customMaterialization(name, definedAt: block, at: diagnostic.range))
      } else {
        base.emit(diagnostic)
      }
    }
    return blocks
  }
}

extension Diagnostic {
  static let unknownMaterializationCode = "config.unknown-materialization"

  static func unknownMaterializationMessage(_ name: String) -> String {
    "unknown materialization `\(name)`"
  }

  /// `materialized` names no built-in materialization.
  static func unknownMaterialization(_ name: String, allowed: [String], at range: SourceRange?)
    -> Diagnostic
  {
    .error(
      unknownMaterializationCode, unknownMaterializationMessage(name), at: range,
      hint: Suggestions.didYouMean(name, in: allowed)
        ?? "expected one of \(allowed.map { "`\($0)`" }.joined(separator: ", "))")
  }

  /// A model asks for a materialization that only a `{% materialization %}` block defines.
  public static func customMaterialization(
    _ name: String, definedAt block: SourceRange, at range: SourceRange?
  ) -> Diagnostic {
    let start = block.start
    return .error(
      "config.custom-materialization",
      "materialization `\(name)` is a custom `{% materialization %}` block "
        + "(\(block.file.path):\(start.line):\(start.column)); swdbt does not run custom "
        + "materializations",
      at: range, notes: [.init("`\(name)` is defined here", at: block)],
      hint: "use one of swdbt's built-in materializations (view, table, incremental, "
        + "materialized_view, ephemeral), with hooks for any extra statements")
  }

  /// A `{% materialization %}` block that would override a built-in materialization.
  static func builtInMaterializationBlock(_ name: String, at range: SourceRange) -> Diagnostic {
    .warning(
      "project.materialization-override",
      "this `{% materialization \(name) %}` block is not used: swdbt builds `\(name)` models "
        + "with its own materialization", at: range,
      hint: "remove the block, or move its extra statements into hooks")
  }
}
