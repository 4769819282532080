public import Diagnostics
import Graph
import OrderedCollections
import Project
public import Runtime
public import Template

/// The second render of the nodes whose first render read `execute` or used the database
/// (dbt renders every node again when it runs, with `execute` true): with a connection, and
/// with `this`, `ref()` and `source()` as relations under their final names.
///
/// Made once per command, and only when some selected node needs it; nodes that do not keep
/// the SQL of the first, connection-free render.
public final class SecondPass: Sendable {
  let compilation: Compilation
  /// Models (which win) and seeds by the name `ref` uses, to graph indices.
  let refTargets: [String: Int]
  /// The relations that exist, as the database just said (`compile` learns them only now,
  /// for `is_incremental()`); nil keeps the compilation's.
  let existingRelations: Set<String>?

  /// Prepares the second render of a compilation's nodes.
  public init(_ compilation: Compilation, existingRelations: Set<String>? = nil) {
    self.compilation = compilation
    self.existingRelations = existingRelations
    var targets: [String: Int] = [:]
    for index in compilation.nodes.indices {
      switch compilation.nodes[index].resourceType {
      case .model: targets[compilation.nodes[index].name] = index
      case .seed where targets[compilation.nodes[index].name] == nil:
        targets[compilation.nodes[index].name] = index
      default: break
      }
    }
    refTargets = targets
  }

  /// The node's SQL rendered again on `introspector`'s database: what runs and what
  /// `target/compiled` holds. Errors are located in the node's file.
  public func render(
    _ index: Int, on introspector: any Introspector, unitTest: UnitTestRendering? = nil
  ) throws(Diagnostic) -> String {
    let node = compilation.nodes[index]
    let project = compilation.project
    let source: (template: Template, file: SourceFile)?
    switch node.resourceType {
    case .model:
      source = project.models.first { $0.uniqueID == node.uniqueID }.flatMap { model in
        model.template.map { ($0, model.file) }
      }
    case .test:
      source = project.singularTests.first { $0.uniqueID == node.uniqueID }.flatMap { test in
        test.template.map { ($0, test.file) }
      }
    default: source = nil
    }
    guard let source, let environment = compilation.renderEnvironment else {
      return node.sql ?? ""
    }
    let live = LiveRelations(pass: self, index: index, introspector: introspector)
    live.fixed = unitTest?.inputs
    let host = RecordingHost(
      environment: environment, resource: node.resourceType, nodeName: node.name,
      baseConfig: node.config, package: environment.package(ofNode: node.uniqueID), live: live,
      overrides: unitTest)
    let evaluator = Evaluator(host: host, file: source.file)
    host.session?.evaluator = evaluator
    let text = try evaluator.render(source.template)
    if let problem = host.problems.first(where: { $0.severity == .error }) { throw problem }
    if let unitTest, let missing = live.unfixed.first {
      throw .error(
        "unit.missing-input",
        "unit test `\(unitTest.name)` gives no rows for `\(missing.text)`, which model "
          + "`\(node.name)` reads",
        at: unitTest.range, hint: "add `- input: \(missing.text)` with its `rows` under `given:`")
    }
    var ctes: [(name: String, sql: String)] = unitTest?.ctes ?? []
    for parent in live.ephemerals {
      let sql =
        compilation.needsDatabase.contains(parent)
        ? try render(parent, on: introspector) : compilation.nodes[parent].sql ?? ""
      ctes.append((EphemeralInliner.cteName(compilation.nodes[parent].name), sql))
    }
    return EphemeralInliner.inject(ctes, into: text)
  }
}

/// What `ref`, `source` and `this` give in a second render: relation objects under final
/// names (an ephemeral model is its CTE, which the render then inlines).
final class LiveRelations {
  let pass: SecondPass
  let index: Int
  let introspector: any Introspector
  /// Ephemeral models the render referred to, in order of first reference.
  private(set) var ephemerals: [Int] = []

  init(pass: SecondPass, index: Int, introspector: any Introspector) {
    self.pass = pass
    self.index = index
    self.introspector = introspector
  }

  /// A unit test's inputs: what `ref`/`source` (and `this`) give instead of relations.
  var fixed: [RelationReference: Value]? = nil
  /// References a unit test reads without an input for them.
  private(set) var unfixed: [RelationReference] = []

  /// The relation a reference names, or nil when it names no node (the host reports it).
  func value(of reference: RelationReference) -> Value? {
    if let fixed {
      if let value = fixed[reference] { return value }
      if !unfixed.contains(reference) { unfixed.append(reference) }
      return .string("")
    }
    let compilation = pass.compilation
    let target: Int?
    switch reference {
    case .this: target = index
    case .ref(let name, let package): target = refTarget(name, package: package)
    case .source(let source, let table):
      target = compilation.graph.index(of: "source.\(compilation.project.name).\(source).\(table)")
    }
    guard let target else { return nil }
    let node = compilation.nodes[target]
    let dialect = RelationDialect(adapterType: compilation.project.target.type)
    if node.resourceType == .model, node.config.materialization == .ephemeral {
      guard target != index else {
        // `this` in an ephemeral model names where it would be built, as in the first render.
        let name = RelationNaming.relation(
          name: node.name, config: node.config, target: compilation.project.target)
        return .object(
          withDatabase(
            RelationObject(schema: name.schema, identifier: name.identifier, dialect: dialect)))
      }
      if !ephemerals.contains(target) { ephemerals.append(target) }
      var cte = RelationObject(identifier: EphemeralInliner.cteName(node.name), type: "cte")
      cte.quotePolicy.database = false
      cte.quotePolicy.schema = false
      cte.quotePolicy.identifier = false
      return .object(cte)
    }
    guard let name = node.relation else { return nil }
    var relation = RelationObject(
      database: name.database, schema: name.schema, identifier: name.identifier,
      type: Self.kind(of: node), dialect: dialect)
    // `this` is not limited, as in dbt.
    relation.readsEmpty = compilation.renderEnvironment?.empty == true && target != index
    return .object(withDatabase(relation))
  }

  /// A relation whose `database` is the connection's when the target names none, as dbt's
  /// always is (dbt_utils' `get_relations_by_pattern` queries `<database>.information_schema`);
  /// it still renders without it, as in the first render.
  func withDatabase(_ relation: RelationObject) -> RelationObject {
    guard relation.database == nil, let database = introspector.databaseName else {
      return relation
    }
    var filled = relation
    filled.database = database
    filled.include.database = false
    return filled
  }

  /// The node a `ref` names: `ref('package', 'name')` that package's node; a bare name
  /// resolves as linking resolved it.
  func refTarget(_ name: String, package: String?) -> Int? {
    guard let package else { return pass.refTargets[name] }
    let graph = pass.compilation.graph
    return graph.index(of: "model.\(package).\(name)")
      ?? graph.index(of: "seed.\(package).\(name)")
      ?? graph.index(of: "snapshot.\(package).\(name)")
  }

  /// An error when `reference` is a `ref` the first render did not see: the graph has no
  /// edge for it, so the node may run before it (dbt's "unable to infer all dependencies").
  func unrecordedDependency(_ reference: RelationReference, at range: SourceRange?)
    -> Diagnostic?
  {
    guard case .ref(let name, let package) = reference,
      let target = refTarget(name, package: package), target != index,
      !pass.compilation.graph.parents[index].contains(target)
    else { return nil }
    let node = pass.compilation.nodes[index]
    return .error(
      "compile.unrecorded-dependency",
      "`\(node.name)` refers to `\(name)` only when it runs (`execute` true), so swdbt could "
        + "not infer this dependency and cannot order the two",
      at: range,
      hint: "add `-- depends_on: {{ ref('\(name)') }}` at the top of the model, outside the "
        + "`if execute` block")
  }

  /// The kind of relation a node builds, as dbt's relation `type`.
  static func kind(of node: CompiledNode) -> String {
    guard node.resourceType == .model else { return "table" }
    return switch node.config.materialization {
    case .view: "view"
    case .materializedView: "materialized_view"
    case .table, .incremental, .ephemeral, .snapshot, .seed: "table"
    }
  }
}

/// What a unit test changes in its model's render: inputs for `ref`/`source`/`this`, and
/// `overrides` of macros (`is_incremental`), vars and environment variables.
public struct UnitTestRendering: Sendable {
  /// The unit test's name, for messages.
  public var name: String
  /// Where the unit test is declared.
  public var range: SourceRange
  /// The value each reference gives (a CTE relation).
  var inputs: [RelationReference: Value] = [:]
  /// The inputs' CTEs, put in front of the model's SQL.
  var ctes: [(name: String, sql: String)] = []
  /// `overrides.macros`.
  public var macros: [String: Value]
  /// `overrides.vars`.
  public var vars: [String: Value]
  /// `overrides.env_vars`.
  public var environment: [String: Value]

  /// Creates a rendering.
  public init(
    name: String, range: SourceRange,
    inputs: [(reference: RelationReference, cteName: String, sql: String)],
    macros: [String: Value], vars: [String: Value], environment: [String: Value]
  ) {
    self.name = name
    self.range = range
    for input in inputs {
      var cte = RelationObject(identifier: input.cteName, type: "cte")
      cte.quotePolicy.database = false
      cte.quotePolicy.schema = false
      cte.quotePolicy.identifier = false
      self.inputs[input.reference] = .object(cte)
      ctes.append((input.cteName, input.sql))
    }
    self.macros = macros
    self.vars = vars
    self.environment = environment
  }
}

extension RelationReference {
  /// The reference as a template writes it: `ref('x')`, `source('a', 'b')`, `this`.
  public var text: String {
    switch self {
    case .ref(let name, let package):
      package.map { "ref('\($0)', '\(name)')" } ?? "ref('\(name)')"
    case .source(let source, let table): "source('\(source)', '\(table)')"
    case .this: "this"
    }
  }
}
