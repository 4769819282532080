import Diagnostics
import Template

/// A host with a few globals and functions, recording calls, for evaluator tests.
final class TestHost: TemplateHost {
  var macros: [String: MacroDefinition] = [:]
  var calls: [String] = []
  let globals: [String: Value]

  init(globals: [String: Value] = [:], macroSource: String? = nil) throws {
    self.globals = globals
    if let macroSource {
      let template = try Parser.parse(SourceFile(path: "macros/m.sql", text: macroSource))
      for macro in template.macros { macros[macro.name] = macro }
    }
  }

  func hasFunction(_ name: String) -> Bool { ["ref", "var"].contains(name) }

  func call(_ name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    calls.append(
      name + "(" + arguments.positional.map(\.representation).joined(separator: ", ") + ")")
    if name == "ref" {
      return .string("\"schema\".\"\(try arguments.string(0, "name", function: "ref"))\"")
    }
    return arguments.value(1, "default") ?? .none
  }

  func global(_ name: String) -> Value? { globals[name] }
  func macro(named name: String) -> MacroDefinition? { macros[name] }
  var knownNames: [String] { ["ref", "var"] + globals.keys + macros.keys }
}

/// Renders a template string with a host, returning the text or the rendered diagnostic.
func render(_ text: String, host: TestHost? = nil, path: String = "models/t.sql") -> String {
  let file = SourceFile(path: path, text: text)
  do {
    let template = try Parser.parse(file)
    return try Evaluator(host: host ?? (try TestHost()), file: file).render(template)
  } catch let diagnostic as Diagnostic {
    return "ERROR " + DiagnosticRenderer().render(diagnostic)
  } catch {
    return "UNEXPECTED \(error)"
  }
}
