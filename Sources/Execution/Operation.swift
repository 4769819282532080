public import Adapter
import Compiler
public import Diagnostics
import OrderedCollections
public import Project
import Runtime
public import Template

/// `swdbt run-operation`: one macro called with arguments, on a connection, `execute` true,
/// as dbt runs it; its statements are committed as they run.
public enum Operation {
  /// The macro `name` names: a project's or built-in macro, or `package.macro` of an
  /// installed package (`audit_helper.compare_queries`), as dbt's `run-operation` accepts.
  public static func macro(named name: String, in project: LoadedProject) -> MacroDefinition? {
    let resolver = MacroResolver(project: project)
    let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
    if parts.count == 2 {
      if parts[0] == project.name { return project.macros[parts[1]] }
      return resolver.packageMacros[parts[0]]?[parts[1]]
    }
    return resolver.macro(named: name)
  }

  /// Calls the macro `name` (see `macro(named:in:)`) with keyword arguments (a dict) in the
  /// context hooks see (`ref`, `source`, `target`, `var`, `log`, `print`, the project's,
  /// packages' and dbt's macros); returns the macro's output.
  public static func run(
    _ name: String, arguments: Value, context: HookContext,
    connection: any DatabaseConnection
  ) throws(Diagnostic) -> String {
    let project = context.compilation.project
    guard let macro = macro(named: name, in: project) else {
      throw .error(
        "operation.unknown-macro", "no macro named `\(name)`",
        hint: Suggestions.didYouMean(name, in: project.macros.keys)
          ?? "define it in a file under `macros/`")
    }
    let host = HookHost(this: nil, context: context, what: "operation \(name)")
    // An operation's macro is code, not a hook string: an undefined name is an error.
    host.lenient = false
    let evaluator = Evaluator(host: host, file: macro.file)
    let session = IntrospectionSession(
      introspector: context.engine.introspector(on: connection))
    host.session = session
    let invocation = context.invocation
    session.printer = { invocation.print($0) }
    session.evaluator = evaluator
    var keyword: [(label: String, value: Value)] = []
    if case .dict(let entries) = arguments {
      for (key, value) in entries { keyword.append((key, value)) }
    }
    let call = Arguments(
      positional: [], keyword: keyword,
      range: SourceRange(file: macro.file, span: macro.span))
    let value = try evaluator.call(macro, call)
    return value.stringValue ?? value.rendered
  }
}
