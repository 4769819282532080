import Diagnostics
import Runtime
import Template

/// A host that answers only the runtime's globals and macros, over a project's macro source.
final class RuntimeHost: TemplateHost {
  let resolver: MacroResolver

  init(projectMacros source: String = "", searchOrders: [String: [String]] = [:]) throws {
    let template = try Parser.parse(SourceFile(path: "macros/project.sql", text: source))
    var macros: [String: MacroDefinition] = [:]
    for macro in template.macros { macros[macro.name] = macro }
    resolver = MacroResolver(
      projectName: "shop", projectMacros: macros, searchOrders: searchOrders)
  }

  func hasFunction(_ name: String) -> Bool { false }
  func call(_ name: String, _ arguments: Arguments) throws(Diagnostic) -> Value { .none }
  func global(_ name: String) -> Value? { resolver.global(name) }
  func macro(named name: String) -> MacroDefinition? { resolver.macro(named: name) }
  var knownNames: [String] { [] }
}

/// Renders a template against a runtime host: the text, or the rendered diagnostic.
func render(_ text: String, host: RuntimeHost? = nil) -> String {
  let file = SourceFile(path: "models/m.sql", text: text)
  do {
    let template = try Parser.parse(file)
    return try Evaluator(host: host ?? (try RuntimeHost()), file: file).render(template)
  } catch let diagnostic as Diagnostic {
    return "ERROR " + DiagnosticRenderer().render(diagnostic)
  } catch {
    return "UNEXPECTED \(error)"
  }
}
