package import Adapter
public import Compiler
package import Diagnostics
import OrderedCollections
package import Project
public import Runtime
public import Template

/// What hooks see besides `this`: the target, the project's macros, the command's runtime
/// globals (`run_started_at`, `invocation_id`, ...), the worker's `thread_id`, `ref` to final
/// relation names, and (in `on-run-end`) `results`, `schemas`, `database_schemas`.
public struct HookContext: Sendable {
  /// The compilation, for the target, macros and `ref`.
  public let compilation: Compilation
  /// The command's context.
  public let invocation: InvocationContext
  /// dbt's name of the thread running the hook (`MainThread`, `Thread-1 (worker)`).
  public var threadID = "MainThread"
  /// Further globals, such as `on-run-end`'s `results` and `schemas`.
  public var globals: [String: Value] = [:]
  /// The project's, installed packages' and dbt's macros (`dbt_utils.log_info` in a hook).
  package let macros: MacroResolver
  /// Makes the introspector templates use on a connection.
  package let engine: any IntrospectorMaking

  /// Creates the context of the hooks of one command.
  package init(
    compilation: Compilation, invocation: InvocationContext, engine: any IntrospectorMaking
  ) {
    self.compilation = compilation
    self.invocation = invocation
    self.engine = engine
    macros = MacroResolver(project: compilation.project)
  }

  /// The installed package a node belongs to, by its unique id; nil for the root project's.
  package func package(ofNode uniqueID: String) -> String? {
    let parts = uniqueID.split(separator: ".", maxSplits: 2)
    guard parts.count > 2, parts[1] != compilation.project.name else { return nil }
    return String(parts[1])
  }

  /// The same context on a worker thread.
  package func onWorker(_ worker: Int) -> HookContext {
    var copy = self
    copy.threadID = "Thread-\(worker + 1) (worker)"
    return copy
  }

  /// `on-run-end`'s `schemas` and `database_schemas`: where the run built relations.
  public func withRunEnd(results: [Value], relations: [RelationName]) -> HookContext {
    var copy = self
    var schemas: [String] = []
    var pairs: [[String]] = []
    for relation in relations where !schemas.contains(relation.schema) {
      schemas.append(relation.schema)
    }
    for relation in relations {
      // A relation without its own database is in the target's, as dbt reports it.
      let database = relation.database ?? compilation.project.target.database ?? ""
      let pair = [database, relation.schema]
      if !pairs.contains(pair) { pairs.append(pair) }
    }
    copy.globals["schemas"] = .list(schemas.map { .string($0) })
    copy.globals["database_schemas"] = .list(pairs.map { .list($0.map { .string($0) }) })
    copy.globals["results"] = .list(results)
    return copy
  }
}

/// `pre_hook` / `post_hook` SQL, rendered with `this` and `target` at run time as dbt does.
package enum Hooks {
  /// The hook statements of a config key (a string, a `{sql, transaction}` dict, or a list of
  /// them); with `transaction`, only the hooks that run inside (true) or outside (false) the
  /// model's transaction.
  /// With a connection, the hooks may use `run_query`, `statement` and the `adapter` look-ups.
  package static func statements(
    _ key: String, of node: CompiledNode, context: HookContext?, transaction: Bool? = nil,
    connection: (any DatabaseConnection)? = nil
  ) throws(StatementFailure) -> [String] {
    guard let value = node.config[key] else { return [] }
    guard let context else {
      throw StatementFailure(
        error: DatabaseError(.statement, "no hook context to render \(key) of \(node.name)"),
        statement: "", action: "rendering \(key)")
    }
    var texts: [String] = []
    for item in NodeConfig.list(value) {
      var text = item.stringValue ?? item.rendered
      var inside = true
      if case .dict(let entries) = item {
        text = entries["sql"]?.stringValue ?? ""
        if let flag = entries["transaction"] { inside = flag.isTruthy }
      }
      if transaction == nil || transaction == inside { texts.append(text) }
    }
    return try texts.map { (text: String) throws(StatementFailure) -> String in
      try render(
        text, this: node.relation, context: context, what: "\(key) of \(node.name)",
        connection: connection, package: context.package(ofNode: node.uniqueID))
    }
  }

  /// Renders one hook or `on-run-start` statement; with a connection, it may use `run_query`,
  /// `statement` and the `adapter` look-ups.
  package static func render(
    _ text: String, this: RelationName?, context: HookContext, what: String,
    connection: (any DatabaseConnection)? = nil, package: String? = nil
  ) throws(StatementFailure) -> String {
    guard text.contains("{{") || text.contains("{%") else { return text }
    let file = SourceFile(path: what, text: text)
    do {
      let template = try Parser.parse(file)
      let host = HookHost(this: this, context: context, what: what, package: package)
      let evaluator = Evaluator(host: host, file: file)
      if let connection {
        host.session = IntrospectionSession(
          introspector: context.engine.introspector(on: connection))
        let invocation = context.invocation
        host.session?.printer = { invocation.print($0) }
        host.session?.evaluator = evaluator
      }
      return try evaluator.render(template)
    } catch {
      throw StatementFailure(
        error: DatabaseError(.statement, "cannot render \(what): \(error.message)"),
        statement: text, action: "rendering \(what)")
    }
  }
}

/// What hooks may use: `this` (the node's relation object), `target`, `ref`, `env_var`, `var`,
/// the runtime globals, the project's macros and dbt's built-in macros (`dbt.type_int()`).
package final class HookHost: TemplateHost {
  package let this: RelationName?
  package let context: HookContext
  package let what: String
  private var runtimeScope: RenderScope?
  /// The database, for hooks rendered where they run.
  package var session: IntrospectionSession?

  /// The installed package of the hook's node, whose macros its hooks call by bare name
  /// (dbt_project_evaluator's `insert_resources_from_graph`); nil for the root project's.
  package let package: String?

  package init(this: RelationName?, context: HookContext, what: String, package: String? = nil) {
    self.this = this
    self.context = context
    self.what = what
    self.package = package
  }

  /// How the target's engine writes relation names.
  private var dialect: RelationDialect {
    RelationDialect(adapterType: context.compilation.project.target.type)
  }

  package static let functions: Set<String> = ["ref", "source", "env_var", "var"]

  /// dbt renders hooks with Jinja's default `Undefined`: `target.get(pass, "")` is "".
  package var undefinedIsLenient: Bool { lenient }
  /// Whether undefined names render as nothing; run-operation's macros are strict.
  package var lenient = true

  package func hasFunction(_ name: String) -> Bool {
    HookHost.functions.contains(name)
      || (session != nil && IntrospectionSession.functions.contains(name))
  }

  package func call(_ name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    if let session, IntrospectionSession.functions.contains(name) {
      return try session.call(name, arguments)
    }
    switch name {
    case "ref":
      let model = try arguments.string(
        arguments.positional.count > 1 ? 1 : 0, "name", function: "ref")
      guard
        let relation = context.compilation.nodes.first(where: {
          $0.name == model && ($0.resourceType == .model || $0.resourceType == .seed)
        })?.relation
      else {
        throw .error("hook.unknown-ref", "unknown model `\(model)` in `ref`", at: arguments.range)
      }
      return .object(
        RelationObject(
          database: relation.database, schema: relation.schema, identifier: relation.identifier,
          dialect: dialect))
    case "source":
      let sourceName = try arguments.string(0, "source_name", function: "source")
      let table = try arguments.string(1, "table_name", function: "source")
      guard
        let source = context.compilation.project.sources.first(where: {
          $0.sourceName == sourceName && $0.name == table
        })
      else {
        throw .error(
          "hook.unknown-source", "unknown source `\(sourceName).\(table)`", at: arguments.range)
      }
      return .object(
        RelationObject(
          database: source.database ?? context.compilation.project.target.database,
          schema: source.schema, identifier: source.identifier, dialect: dialect))
    case "env_var":
      let variable = try arguments.string(0, "name", function: "env_var")
      if let value = context.invocation.environment[variable] { return .string(value) }
      if let fallback = arguments.value(1, "default") { return fallback }
      throw .error(
        "hook.unknown-env-var", "environment variable `\(variable)` is not set and has no default",
        at: arguments.range)
    case "var":
      let variable = try arguments.string(0, "name", function: "var")
      // A package's node sees the package's vars (with the root project's overrides).
      let project = context.compilation.project
      let vars = package.flatMap { name in project.packages.first { $0.name == name }?.vars }
      if let value = (vars ?? project.vars)[variable] {
        return try VarRendering.rendered(value, name: variable, host: self)
      }
      if let fallback = arguments.value(1, "default") { return fallback }
      throw .error(
        "hook.unknown-var", "var `\(variable)` is not defined and has no default",
        at: arguments.range)
    default:
      throw .error("hook.unknown-function", "unknown function `\(name)`", at: arguments.range)
    }
  }

  package func global(_ name: String) -> Value? {
    switch name {
    case "this":
      // None where no node is built (run-operation, on-run-start), so `if this` works.
      return this.map {
        .object(
          RelationObject(
            database: $0.database, schema: $0.schema, identifier: $0.identifier,
            dialect: dialect))
      } ?? Value.none
    case "target": return context.compilation.project.target.templateValue
    case "execute": return .bool(true)
    case "project_name": return .string(context.compilation.project.name)
    case "adapter": return context.macros.global(name, session: session)
    default:
      if let value = context.globals[name] { return value }
      if RenderScope.names.contains(name) { return scope().global(name) }
      return context.macros.global(name)
    }
  }

  private func scope() -> RenderScope {
    if let runtimeScope { return runtimeScope }
    let compilation = context.compilation
    // dbt_project_evaluator's post-hooks insert `graph.nodes`, `graph.metrics`, ... rows.
    let made = RenderScope(
      invocation: context.invocation, node: "hook:" + what, threadID: context.threadID,
      graph: { compilation.graphValue ?? .dict([:]) })
    runtimeScope = made
    return made
  }

  package func macro(named name: String) -> MacroDefinition? {
    if let package, let macro = context.macros.packageMacros[package]?[name] { return macro }
    return context.macros.macro(named: name)
  }
  package func macro(named name: String, calledFrom file: SourceFile) -> MacroDefinition? {
    context.macros.macro(named: name, package: package, calledFrom: file)
  }
  package var knownNames: [String] {
    ["this", "target", "api", "dbt", "adapter", "ref", "source", "env_var", "var"]
      + Array(context.globals.keys) + RenderScope.names.sorted()
      + context.compilation.project.macros.keys.sorted()
      + context.compilation.project.packages.map(\.name)
  }
}

extension NodeResult {
  /// A result as `on-run-end`'s `results` lists it, with dbt's field names; `name` is its
  /// node's (a generic test's id ends in a hash, not its name).
  public func hookValue(name: String) -> Value {
    .dict([
      "status": .string(status.rawValue), "message": .string(message),
      "execution_time": .double(executionTime), "thread_id": .string(threadID),
      "failures": failures.map { .integer($0) } ?? .none,
      "adapter_response": .dict([
        "_message": .string(commandTag),
        "rows_affected": rowsAffected.map { .integer($0) } ?? .none,
      ]),
      "node": .dict([
        "unique_id": .string(uniqueID),
        "name": .string(name),
      ]),
    ])
  }
}
