public import Adapter
import Compiler
public import Diagnostics
import OrderedCollections
public import Project
public import Runtime
public import Template

/// `swdbt run-operation`: one macro called with arguments, on a connection, `execute` true,
/// as dbt runs it; its statements are committed as they run.
public enum Operation {
  /// Calls the macro `name` of the project (or a built-in one) with keyword arguments (a
  /// dict);
  /// `log(..., info=True)` lines go to `log`. Returns the macro's output.
  /// `name` may name an installed package's macro as `package.macro`, as with dbt.
  public static func run(
    _ name: String, arguments: Value, project: LoadedProject,
    connection: any DatabaseConnection, invocation: InvocationContext = InvocationContext(),
    log: @escaping (String) -> Void
  ) throws(Diagnostic) -> String {
    let resolver = MacroResolver(project: project)
    guard let macro = Operation.macro(name, in: project, resolver: resolver) else {
      throw .error(
        "operation.unknown-macro", "no macro named `\(name)`",
        hint: Suggestions.didYouMean(name, in: project.macros.keys)
          ?? "define it in a file under `macros/`")
    }
    let session = IntrospectionSession(
      introspector: ConnectionIntrospector(connection: connection))
    let host = OperationHost(
      project: project, resolver: resolver, session: session,
      scope: RenderScope(invocation: invocation, node: "operation." + name), log: log)
    let evaluator = Evaluator(host: host, file: macro.file)
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

  /// The macro a name calls: the project's (or a built-in), or `package.macro`.
  public static func macro(_ name: String, in project: LoadedProject, resolver: MacroResolver)
    -> MacroDefinition?
  {
    let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
    if parts.count == 2, let package = project.packages.first(where: { $0.name == parts[0] }) {
      return package.macros[parts[1]]
    }
    return resolver.macro(named: name)
  }
}

/// What an operation's macro sees: the project's macros and dbt's, `target`, `var`,
/// `execute` (true), `log`, and the database through `run_query`, `statement` and `adapter`.
final class OperationHost: TemplateHost {
  let project: LoadedProject
  let resolver: MacroResolver
  let session: IntrospectionSession
  /// The invocation's globals (`run_started_at`, `modules`, `fromjson`, ...).
  let scope: RenderScope
  let log: (String) -> Void

  init(
    project: LoadedProject, resolver: MacroResolver, session: IntrospectionSession,
    scope: RenderScope, log: @escaping (String) -> Void
  ) {
    self.project = project
    self.resolver = resolver
    self.session = session
    self.scope = scope
    self.log = log
  }

  func hasFunction(_ name: String) -> Bool {
    IntrospectionSession.functions.contains(name) || name == "log" || name == "var"
  }

  func call(_ name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    switch name {
    case "log":
      let message = arguments.value(0, "msg").map { $0.stringValue ?? $0.rendered } ?? ""
      if arguments.value(1, "info")?.isTruthy == true { log(message) }
      return .string("")
    case "var":
      let key = try arguments.string(0, "name", function: "var")
      if let value = project.vars[key] { return value }
      if let fallback = arguments.value(1, "default") { return fallback }
      throw .error(
        "compile.unknown-var", "var `\(key)` is not defined and has no default",
        at: arguments.range)
    default:
      return try session.call(name, arguments)
    }
  }

  func global(_ name: String) -> Value? {
    switch name {
    case "execute": .bool(true)
    case "target": project.target.templateValue
    case "project_name": .string(project.name)
    case "adapter": resolver.global(name, session: session)
    // `log` is this host's function, printed through the command's console.
    default:
      name != "log" && RenderScope.names.contains(name)
        ? scope.global(name) : resolver.global(name)
    }
  }

  func macro(named name: String) -> MacroDefinition? { resolver.macro(named: name) }

  var knownNames: [String] {
    ["execute", "target", "adapter", "log", "var", "run_query"] + project.macros.keys.sorted()
  }
}
