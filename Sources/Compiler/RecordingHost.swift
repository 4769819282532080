public import Diagnostics
import OrderedCollections
import Project
import Runtime
import Template

/// A relation a template asked for, before linking.
public enum RelationReference: Sendable, Hashable {
  /// `ref('name')`, or `ref('package', 'name')` with the package.
  case ref(name: String, package: String? = nil)
  /// `source('source', 'table')`.
  case source(source: String, table: String)
  /// `this`: the node being rendered.
  case this
}

/// A reference together with where the template made it.
public struct RecordedReference: Sendable {
  /// What was referenced.
  public var reference: RelationReference
  /// The `ref(...)` / `source(...)` call, or nil for `this`.
  public var range: SourceRange?
}

/// Project-wide facts every recording host reads; built once per compilation, and shared (a
/// class) rather than copied into each of the 30,000 hosts of a large project.
final class RenderEnvironment: Sendable {
  let project: LoadedProject
  let modelNames: Set<String>
  let disabledModels: Set<String>
  let seedNames: Set<String>
  /// `<package>.<name>` of every enabled model and seed, for `ref('package', 'name')`; empty
  /// without installed packages.
  let packagedNames: Set<String>
  let sourceTables: Set<String>
  let environment: [String: String]
  let existingRelations: Set<String>
  let fullRefresh: Bool
  /// `--empty`, which the second render applies to its relations too.
  let empty: Bool
  let hostNames: [String]
  /// The project's `generate_*_name` macros, if it defines any.
  let naming: NamingMacros?
  /// Macro lookup and `adapter.dispatch`: the project's macros, then swdbt's built-in ones.
  let macros: MacroResolver
  /// `invocation_id`, `run_started_at`, `flags`, ... of the command.
  let invocation: InvocationContext
  /// `graph` and `model`, built when first asked for.
  let graphCache: GraphCache
  /// `graph` where nodes run, completed from the compilation.
  let runtimeGraph = RuntimeGraph()

  init(project: LoadedProject, options: CompileOptions) {
    self.project = project
    invocation = options.invocation
    graphCache = GraphCache(project: project)
    naming = NamingMacros(
      project, globals: RuntimeGlobals(invocation: invocation, graphCache: graphCache))
    var enabled = Set<String>()
    var disabled = Set<String>()
    for index in project.models.indices {
      if project.models[index].config.enabled {
        enabled.insert(project.models[index].name)
      } else {
        disabled.insert(project.models[index].name)
      }
    }
    modelNames = enabled
    disabledModels = disabled
    seedNames = Set(project.seeds.map(\.name))
    var packaged = Set<String>()
    if !project.packages.isEmpty {
      for index in project.models.indices where project.models[index].config.enabled {
        packaged.insert(project.models[index].fqn[0] + "." + project.models[index].name)
      }
      for seed in project.seeds { packaged.insert(seed.fqn[0] + "." + seed.name) }
    }
    packagedNames = packaged
    sourceTables = Set(project.sources.map { "\($0.sourceName).\($0.name)" })
    environment = options.environment
    existingRelations = options.existingRelations
    fullRefresh = options.fullRefresh
    macros = MacroResolver(project: project)
    packageVars = Dictionary(uniqueKeysWithValues: project.packages.map { ($0.name, $0.vars) })
    empty = options.empty
    hostNames =
      [
        "ref", "source", "config", "var", "env_var", "is_incremental", "doc", "log", "this",
        "target", "execute", "project_name",
      ] + RenderScope.names.sorted()
      + project.macros.keys.sorted() + ["adapter", "dbt", "api"] + BuiltinMacros.names
      + project.packages.map(\.name)
  }

  /// Each installed package's vars (dbt scopes vars by the node's package).
  let packageVars: [String: OrderedDictionary<String, Value>]

  /// The package of the node with a unique id; nil for the root project's nodes.
  func package(ofNode uniqueID: String) -> String? {
    guard !packageVars.isEmpty else { return nil }
    guard let package = UniqueIDParts.package(of: uniqueID), package != project.name else {
      return nil
    }
    return String(package)
  }
}

/// The `TemplateHost` for one node: answers `ref`, `source`, `config`, `var`, ... and records
/// what was asked, so dependencies come from the calls actually evaluated.
final class RecordingHost: TemplateHost {
  let environment: RenderEnvironment
  let resource: ResourceType
  let nodeName: String
  /// Config from the project file and YAML; `config()` calls layer on top.
  let baseConfig: NodeConfig
  private(set) var references: [RecordedReference] = []
  private(set) var configCalls = OrderedDictionary<String, Value>()
  private(set) var problems: [Diagnostic] = []
  /// Whether a test refers to a disabled model: dbt disables such a test rather than fail.
  private(set) var refersToDisabled = false
  /// The last `config()` argument that set `enabled`, for pointing at it.
  private(set) var enabledRange: SourceRange?
  private var referenceIndex: [RelationReference: Int] = [:]
  /// The runtime globals (`run_started_at`, `modules`, ...), made on first use.
  private var runtimeScope: RenderScope?

  /// The installed package the node belongs to; nil for the root project's nodes.
  let package: String?
  /// The render's database access, made on first use: in the first render a parse-time
  /// session (dbt's `execute` false), in the second a live one.
  private(set) var session: IntrospectionSession?
  /// In the second render: final relations for `ref`, `source` and `this`.
  let live: LiveRelations?
  /// A unit test's overrides of macros, vars and environment variables.
  let overrides: UnitTestRendering?

  init(
    environment: RenderEnvironment, resource: ResourceType, nodeName: String,
    baseConfig: NodeConfig, package: String? = nil, live: LiveRelations? = nil,
    overrides: UnitTestRendering? = nil
  ) {
    self.overrides = overrides
    self.environment = environment
    self.resource = resource
    self.nodeName = nodeName
    self.baseConfig = baseConfig
    self.package = package
    self.live = live
    session = live.map { IntrospectionSession(introspector: $0.introspector) }
    let invocation = environment.invocation
    session?.printer = { invocation.print($0) }
  }

  /// Whether the render read `execute` or used the database: such a node is rendered again
  /// with a connection.
  var needsDatabase: Bool { session?.used ?? false }

  /// The session, made on first use.
  func introspection() -> IntrospectionSession {
    if let session { return session }
    let made = IntrospectionSession(introspector: nil)
    session = made
    return made
  }

  var currentConfig: NodeConfig { baseConfig.merged(with: NodeConfig(configCalls)) }

  func placeholder(_ reference: RelationReference, at range: SourceRange?) -> Value {
    if let live {
      if let problem = live.unrecordedDependency(reference, at: range) { problems.append(problem) }
      if let value = live.value(of: reference) { return value }
    }
    if let index = referenceIndex[reference] { return .relation(RelationPlaceholder(index: index)) }
    let index = references.count
    references.append(RecordedReference(reference: reference, range: range))
    referenceIndex[reference] = index
    return .relation(RelationPlaceholder(index: index))
  }

  // MARK: TemplateHost

  static let functions: Set<String> = [
    "ref", "source", "config", "config.get", "config.require", "config.set", "var", "env_var",
    "is_incremental", "doc", "run_query", "statement", "load_result", "load_relation",
  ]

  func hasFunction(_ name: String) -> Bool {
    RecordingHost.functions.contains(name) || overrides?.macros[name] != nil
  }

  var knownNames: [String] { environment.hostNames }

  func macro(named name: String) -> MacroDefinition? { environment.macros.macro(named: name) }

  func macro(named name: String, calledFrom file: SourceFile) -> MacroDefinition? {
    environment.macros.macro(named: name, package: package, calledFrom: file)
  }

  func global(_ name: String) -> Value? {
    switch name {
    case "this": placeholder(.this, at: nil)
    case "target": targetValue
    case "execute":
      { () -> Value in
        let session = introspection()
        session.markUsed()
        return .bool(session.executes)
      }()
    // The root project's name, also in a package's node, as dbt documents it (packages use it
    // to defer to a root-project macro).
    case "project_name": .string(environment.project.name)
    // dbt's `schema` and `database` context values (what a snapshot's `target_schema=schema`
    // reads): the target's, as the node's relation is not named yet.
    case "schema": .string(environment.project.target.schema)
    case "database": targetDatabase.map { .string($0) } ?? Value.none
    case "adapter": environment.macros.global(name, session: introspection())
    default:
      RenderScope.names.contains(name) ? scope().global(name) : environment.macros.global(name)
    }
  }

  /// The target's database; in the second render the connection's when the target names none.
  private var targetDatabase: String? {
    environment.project.target.database ?? live?.introspector.databaseName
  }

  /// `target`, with `database` filled in the second render as `targetDatabase` says.
  private var targetValue: Value {
    var target = environment.project.target
    if target.database == nil, let database = targetDatabase {
      target.database = database
    }
    return target.templateValue
  }

  private func scope() -> RenderScope {
    if let runtimeScope { return runtimeScope }
    let environment = environment
    let (name, resource) = (nodeName, resource)
    let config = currentConfig
    // Where the node runs, the graph linking completed (dependencies, generic tests).
    let compilation = live?.pass.compilation
    let made = RenderScope(
      invocation: environment.invocation, node: "\(resource.rawValue).\(name)",
      model: { environment.graphCache.model(name: name, resource: resource, config: config) },
      graph: { compilation?.graphValue ?? environment.graphCache.graph })
    runtimeScope = made
    return made
  }

  func call(_ name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    // A unit test's `overrides.macros`: the macro gives the value, whatever its arguments.
    if let value = overrides?.macros[name], name != "is_incremental" { return value }
    switch name {
    case "ref": return try ref(arguments)
    case "source": return try source(arguments)
    case "config": return try config(arguments)
    case "config.get", "config.require":
      let key = try arguments.string(0, "name", function: name)
      if let value = currentConfig[ConfigSchema.canonical(key)] { return value }
      if name == "config.require" {
        throw .error(
          "compile.missing-config", "required config `\(key)` is not set", at: arguments.range)
      }
      return arguments.value(1, "default") ?? .none
    case "config.set":
      // dbt's `set_sql_header` calls `config.set('sql_header', caller())`.
      let key = try arguments.string(0, "name", function: name)
      try recordConfig(key, arguments.value(1, "value") ?? .none, arguments.range)
      return .string("")
    case "var": return try variable(arguments)
    case "env_var": return try environmentVariable(arguments)
    case "is_incremental":
      if let forced = overrides?.macros["is_incremental"] { return .bool(forced.isTruthy) }
      if overrides != nil { return .bool(false) }
      guard resource == .model, currentConfig.materialization == .incremental,
        !environment.fullRefresh
      else {
        return .bool(false)
      }
      let relation =
        try environment.naming?.relation(ofModel: nodeName, config: currentConfig)
        ?? RelationNaming.relation(
          name: nodeName, config: currentConfig, target: environment.project.target)
      let existing = live?.pass.existingRelations ?? environment.existingRelations
      return .bool(existing.contains(relation.schema + "." + relation.identifier))
    case "doc":
      let docName = try arguments.string(0, "name", function: "doc")
      guard let block = environment.project.docs[docName] else {
        throw .error(
          "compile.unknown-doc", "unknown docs block `\(docName)`", at: arguments.range,
          hint: Suggestions.didYouMean(docName, in: environment.project.docs.keys))
      }
      return .string(block.text)
    case "run_query", "statement", "load_result":
      return try introspection().call(name, arguments)
    case "load_relation":
      // dbt's context `load_relation` is `adapter.load_relation` (dbt_utils calls it bare).
      return try introspection().adapterCall(name, arguments)
    default:
      throw .error("template.unknown-function", "unknown function `\(name)`", at: arguments.range)
    }
  }

  private func ref(_ arguments: Arguments) throws(Diagnostic) -> Value {
    guard (1...2).contains(arguments.positional.count) else {
      throw .error(
        "compile.ref-arguments", "`ref` takes a model name (and optionally a package)",
        at: arguments.range)
    }
    let name = try arguments.string(arguments.positional.count - 1, "name", function: "ref")
    var package: String?
    if arguments.positional.count == 2 {
      let named = try arguments.string(0, "package", function: "ref")
      package = named
      if named != environment.project.name, environment.packageVars[named] == nil {
        let names = [environment.project.name] + environment.packageVars.keys.sorted()
        problems.append(
          .error(
            "compile.unknown-package", "unknown package `\(named)`", at: arguments.range(of: 0),
            hint: Suggestions.didYouMean(named, in: names)
              ?? "install it in `\(environment.project.projectFile.packagesInstallPath)/` "
              + "(`swdbt deps`), or drop the package"))
      }
    }
    if !environment.modelNames.contains(name) && !environment.seedNames.contains(name) {
      if environment.disabledModels.contains(name) {
        if resource == .test {
          refersToDisabled = true
        } else {
          problems.append(
            .disabledReference(from: resource, nodeName, to: name, at: arguments.range))
        }
      } else if environment.project.disabledSeeds.contains(name) {
        if resource == .test {
          refersToDisabled = true
        } else {
          problems.append(
            .error(
              "compile.disabled-ref", "`ref('\(name)')` points to a disabled seed",
              at: arguments.range, hint: "enable the seed or remove the reference"))
        }
      } else {
        problems.append(
          .error(
            "compile.unknown-ref", "unknown model `\(name)` in `ref`", at: arguments.range,
            hint: Suggestions.didYouMean(
              name, in: environment.modelNames.union(environment.seedNames))))
      }
    }
    if let package, !environment.packagedNames.isEmpty,
      environment.modelNames.contains(name) || environment.seedNames.contains(name),
      !environment.packagedNames.contains(package + "." + name)
    {
      problems.append(
        .error(
          "compile.unknown-ref", "package `\(package)` has no model `\(name)`",
          at: arguments.range,
          hint: "drop the package to refer to the `\(name)` of another project"))
    }
    return placeholder(.ref(name: name, package: package), at: arguments.range)
  }

  private func source(_ arguments: Arguments) throws(Diagnostic) -> Value {
    let sourceName = try arguments.string(0, "source_name", function: "source")
    let table = try arguments.string(1, "table_name", function: "source")
    let key = "\(sourceName).\(table)"
    if !environment.sourceTables.contains(key) {
      problems.append(
        .error(
          "compile.unknown-source", "unknown source `\(key)`", at: arguments.range,
          hint: Suggestions.didYouMean(key, in: environment.sourceTables)
            .map { "\($0) (declare sources under `sources:` in a YAML file)" }
            ?? "declare it under `sources:` in a YAML file"))
    }
    return placeholder(.source(source: sourceName, table: table), at: arguments.range)
  }

  private func config(_ arguments: Arguments) throws(Diagnostic) -> Value {
    if let first = arguments.positional.first {
      guard case .dict(let entries) = first else {
        throw .error(
          "compile.config-arguments", "`config` takes keyword arguments or one dict",
          at: arguments.range)
      }
      // As dbt: one config naming a key twice (`pre_hook` and `pre-hook`) is an error.
      var spellings: [String: String] = [:]
      for key in entries.keys {
        let canonical = ConfigSchema.canonical(key)
        if let other = spellings[canonical] {
          throw .error(
            "compile.duplicate-config",
            "config sets `\(canonical)` twice, as `\(other)` and as `\(key)`",
            at: arguments.range(of: 0), hint: "keep one of `\(other)` and `\(key)`")
        }
        spellings[canonical] = key
      }
      for (key, value) in entries { try recordConfig(key, value, arguments.range(of: 0)) }
    }
    for (key, value) in arguments.keyword {
      try recordConfig(key, value, arguments.range(ofKeyword: key))
    }
    return .string("")
  }

  private func recordConfig(_ key: String, _ value: Value, _ range: SourceRange) throws(Diagnostic)
  {
    // A `datetime` (`begin=modules.datetime.datetime(2020, 1, 1)`) is kept as its text, which
    // the time configs parse, as dbt reads the object.
    var value = value
    if case .object(let object) = value, ["datetime", "date"].contains(object.typeName) {
      value = .string(object.rendered)
    }
    if resource == .model, ConfigSchema.canonical(key) == "materialized",
      let name = value.stringValue,
      let block = environment.project.customMaterializations[name]
    {
      problems.append(.customMaterialization(name, definedAt: block, at: range))
      return
    }
    if let problem = ConfigSchema.check(key, value, for: resource, at: range) {
      problems.append(problem)
      if problem.severity == .error { return }
    }
    if ConfigSchema.canonical(key) == "enabled" { enabledRange = range }
    configCalls =
      NodeConfig(configCalls).merged(with: NodeConfig([ConfigSchema.canonical(key): value])).values
  }

  private func variable(_ arguments: Arguments) throws(Diagnostic) -> Value {
    let name = try arguments.string(0, "name", function: "var")
    if let value = overrides?.vars[name] { return value }
    let vars = package.flatMap { environment.packageVars[$0] } ?? environment.project.vars
    if let value = vars[name] { return try VarRendering.rendered(value, name: name, host: self) }
    if let fallback = arguments.value(1, "default") { return fallback }
    throw .error(
      "compile.unknown-var", "var `\(name)` is not defined and has no default", at: arguments.range,
      hint: Suggestions.didYouMean(name, in: vars.keys)
        ?? "define it under `vars:` in the project file, pass `--vars`, or give a default: `var('\(name)', ...)`"
    )
  }

  private func environmentVariable(_ arguments: Arguments) throws(Diagnostic) -> Value {
    let name = try arguments.string(0, "name", function: "env_var")
    if name.hasPrefix("SWDBT_ENV_SECRET_") || name.hasPrefix("DBT_ENV_SECRET_") {
      throw .error(
        "compile.secret-in-sql", "secret environment variable `\(name)` cannot be used in SQL",
        at: arguments.range,
        hint: "secrets belong in target settings, where they are never written to `target/`")
    }
    if let value = overrides?.environment[name] {
      return .string(value.stringValue ?? value.rendered)
    }
    if let value = environment.environment[name] { return .string(value) }
    if let fallback = arguments.value(1, "default") { return fallback }
    throw .error(
      "compile.unknown-env-var", "environment variable `\(name)` is not set and has no default",
      at: arguments.range)
  }
}

extension Diagnostic {
  /// A node that refers to a disabled model, named both as dbt names them; `disabledAt` is
  /// where the model disabled itself, when that was in its SQL.
  static func disabledReference(
    from resource: ResourceType, _ nodeName: String, to name: String, at range: SourceRange?,
    disabledAt: SourceRange? = nil
  ) -> Diagnostic {
    .error(
      "compile.disabled-ref",
      "\(resource.rawValue) `\(nodeName)` depends on `\(name)`, which is disabled", at: range,
      notes: disabledAt.map { [.init("`\(name)` is disabled here", at: $0)] } ?? [],
      hint: "enable `\(name)`, or remove the reference")
  }
}
