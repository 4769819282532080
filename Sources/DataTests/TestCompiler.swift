public import Compiler
public import Diagnostics
import OrderedCollections
public import Project
public import Runtime
import Template

/// Compiles generic tests to SQL that returns the failing rows: the built-in `not_null`,
/// `unique`, `accepted_values` and `relationships`, and custom `{% test %}` blocks. The
/// `where` config filters the model under test first, as in dbt.
public enum TestCompiler {
  /// The compilation with every generic test's SQL filled in; problems go to `sink`.
  /// `invocation` answers the body's `modules`, `invocation_id`, `fromjson`, `log`, ...
  public static func complete(
    _ compilation: consuming Compilation, invocation: InvocationContext = InvocationContext(),
    sink: any DiagnosticSink
  ) -> Compilation {
    // In parallel: 20,000 queries in a large project; problems reported in node order.
    let tests = compilation.nodes.indices.filter { compilation.nodes[$0].genericTest?.name != nil }
    let queries = self.queries(for: tests, in: compilation, invocation: invocation)
    var sql: [Int: String] = [:]
    var configs: [Int: NodeConfig] = [:]
    sql.reserveCapacity(tests.count)
    var needsDatabase: [Int] = []
    for (position, index) in tests.enumerated() {
      switch queries[position] {
      case .success(let query):
        sql[index] = query.sql
        if query.usedDatabase { needsDatabase.append(index) }
        // The body's `config(...)` (dbt_utils' `equality` sets `fail_calc`) sits between
        // the project file's test config and the YAML's, as in dbt.
        if !query.config.values.isEmpty, let test = compilation.nodes[index].genericTest {
          configs[index] = compilation.nodes[index].config.merged(with: query.config)
            .merged(with: test.declaredConfig)
        }
      case .failure(let error): sink.emit(error)
      }
    }
    var completed = compilation.withSQL(sql, configs: configs)
    // Rendered again where they run, as dbt renders tests with `execute` true.
    completed.needsDatabase.formUnion(needsDatabase)
    return completed
  }

  /// A generic test's query, the config its body set with `config(...)`, and whether its
  /// macro read `execute` or used the database.
  public struct TestQuery: Sendable {
    /// The failing-rows query.
    public var sql: String
    /// What the body's `config(...)` calls set.
    public var config = NodeConfig()
    /// Whether the body read `execute` or used the database (rendered again where it runs).
    public var usedDatabase = false
  }

  /// The queries of the generic tests at `tests`, computed in parallel.
  static func queries(
    for tests: [Int], in compilation: Compilation,
    invocation: InvocationContext = InvocationContext()
  ) -> [Result<TestQuery, Diagnostic>] {
    // Taken out of the compilation once: reached through it, the project was copied (a retain
    // of each of its fields, shared by both cores) for each of 20,000 tests.
    let project = compilation.project
    let nodes = compilation.nodes
    return tests.concurrentMap { index in
      guard let test = nodes[index].genericTest else {
        return .failure(.error("test.internal", "not a generic test"))
      }
      return Result { () throws(Diagnostic) in
        try query(for: test, project: project, invocation: invocation)
      }
    }
  }

  /// The failing-rows query of one generic test.
  public static func sql(for test: GenericTestNode, project: LoadedProject) throws(Diagnostic)
    -> String
  {
    try query(for: test, project: project, invocation: InvocationContext()).sql
  }

  /// The failing-rows query of one generic test, with the config its body sets; with an
  /// introspector, a macro that uses the database runs its queries there.
  public static func query(
    for test: GenericTestNode, project: LoadedProject, invocation: InvocationContext,
    introspector: (any Introspector)? = nil
  ) throws(Diagnostic) -> TestQuery {
    guard let relation = test.modelRelation else {
      throw .error(
        "test.no-relation", "`\(test.name)` tests a node that is not built (ephemeral?)",
        at: test.range)
    }
    let dialect = RelationDialect(adapterType: project.target.type)
    if let sql = try builtinSQL(for: test, relation: relation, dialect: dialect) {
      return TestQuery(sql: sql)
    }
    return try custom(
      test, model: filtered(relation.rendered(in: dialect), test.config), project: project,
      scope: RenderScope(invocation: invocation, node: test.uniqueID), invocation: invocation,
      introspector: introspector)
  }

  /// The query of a built-in test (`not_null`, `unique`, `accepted_values`,
  /// `relationships`); nil for a custom one.
  static func builtinSQL(
    for test: GenericTestNode, relation: RelationName, dialect: RelationDialect
  ) throws(Diagnostic) -> String? {
    let model = filtered(relation.rendered(in: dialect), test.config)
    let column = test.column.map { SQLName.quoteColumn($0, dialect) }
    switch test.testName {
    case "not_null":
      let column = try required(column, test)
      return "select *\nfrom \(model)\nwhere \(column) is null\n"
    case "unique":
      let column = try required(column, test)
      return """
        select \(column) as unique_field, count(*) as n_records
        from \(model)
        where \(column) is not null
        group by \(column)
        having count(*) > 1

        """
    case "accepted_values":
      let column = try required(column, test)
      guard let list = acceptedList(test, dialect) else {
        throw .error(
          "test.arguments", "`accepted_values` needs a non-empty `values:` list", at: test.range)
      }
      return """
        with all_values as (
          select \(column) as value_field, count(*) as n_records
          from \(model)
          group by \(column)
        )
        select *
        from all_values
        where value_field not in (\(list))

        """
    case "relationships":
      let column = try required(column, test)
      guard let to = test.arguments["to"].map({ $0.stringValue ?? $0.rendered }), !to.isEmpty
      else {
        throw .error(
          "test.arguments", "`relationships` needs `to: ref('model')` or `source(...)`",
          at: test.range)
      }
      guard let field = test.arguments["field"]?.stringValue else {
        throw .error("test.arguments", "`relationships` needs `field:`", at: test.range)
      }
      return """
        with child as (
          select \(column) as from_field
          from \(model)
          where \(column) is not null
        ),
        parent as (
          select \(SQLName.quoteColumn(field, dialect)) as to_field
          from \(to)
        )
        select from_field
        from child
        left join parent on child.from_field = parent.to_field
        where parent.to_field is null

        """
    default:
      return nil
    }
  }

  /// `accepted_values`' list as SQL (`'a', 'b'`, or unquoted with `quote: false`); nil when
  /// `values` is missing or empty.
  static func acceptedList(_ test: GenericTestNode, _ dialect: RelationDialect) -> String? {
    guard case .list(let values)? = test.arguments["values"], !values.isEmpty else { return nil }
    let quote = test.arguments["quote"].map(\.isTruthy) ?? true
    return values.map { value in
      let text = value.stringValue ?? value.rendered
      return quote ? SQLName.literal(text, dialect) : text
    }.joined(separator: ", ")
  }

  private static func required(_ column: String?, _ test: GenericTestNode) throws(Diagnostic)
    -> String
  {
    guard let column else {
      throw .error(
        "test.arguments", "`\(test.testName)` must be declared on a column (or set `column_name`)",
        at: test.range)
    }
    return column
  }

  /// `(select * from x where <where>) dbt_subquery`, or the relation itself.
  static func filtered(_ relation: String, _ config: NodeConfig) -> String {
    guard let condition = config["where"]?.stringValue, !condition.isEmpty else { return relation }
    return "(select * from \(relation) where \(condition)) dbt_subquery"
  }

  private static func custom(
    _ test: GenericTestNode, model: String, project: LoadedProject, scope: RenderScope,
    invocation: InvocationContext, introspector: (any Introspector)?
  ) throws(Diagnostic) -> TestQuery {
    let dialect = RelationDialect(adapterType: project.target.type)
    let definitions =
      test.testPackage.flatMap { name in project.packages.first { $0.name == name }?.genericTests }
      ?? project.genericTests
    guard let definition = definitions[test.testName] else {
      throw .error("test.unknown", "unknown generic test `\(test.testName)`", at: test.range)
    }
    // The model is a relation, as in dbt (packages check it; `adapter` look-ups), unless
    // `where` wrapped it.
    let modelValue: Value =
      if let relation = test.modelRelation, model == relation.rendered(in: dialect) {
        .object(
          RelationObject(
            database: relation.database, schema: relation.schema,
            identifier: relation.identifier, dialect: dialect))
      } else {
        .string(model)
      }
    var keyword: [(label: String, value: Value)] = [("model", modelValue)]
    for (key, value) in test.arguments where key != "model" {
      keyword.append((key, value))
    }
    let range = test.range ?? SourceRange(file: definition.file, span: definition.span)
    let arguments = Arguments(positional: [], keyword: keyword, range: range)
    let package = test.uniqueID.split(separator: ".").dropFirst().first.map(String.init)
    let host = MacroHost(
      resolver: MacroResolver(project: project),
      session: IntrospectionSession(introspector: introspector),
      package: package == project.name ? nil : package,
      vars: project.packages.first { $0.name == package }?.vars ?? project.vars, scope: scope)
    let evaluator = Evaluator(host: host, file: definition.file)
    host.session.evaluator = evaluator
    host.session.printer = { invocation.print($0) }
    let value = try evaluator.call(definition, arguments)
    return TestQuery(
      sql: (value.stringValue ?? value.rendered).trimmingWhitespace() + "\n",
      config: NodeConfig(host.configCalls), usedDatabase: host.session.used)
  }
}

/// Lets custom tests call project macros, installed packages' macros and dbt's built-in ones
/// (`dbt`, `adapter`, `api`), and read vars.
final class MacroHost: TemplateHost {
  let resolver: MacroResolver
  /// The installed package of the test's node; nil for the root project's.
  let package: String?
  /// The vars the test's node sees.
  let vars: OrderedDictionary<String, Value>
  /// What the body's `config(...)` calls set, by canonical key.
  private(set) var configCalls: OrderedDictionary<String, Value> = [:]

  /// The invocation's globals (`modules`, `fromjson`, `log`, ...).
  let scope: RenderScope?
  /// `run_query`, `statement`, `load_result`, the `adapter` look-ups and `execute`: parse-time
  /// values while compiling, the database's when the test is rendered again where it runs.
  let session: IntrospectionSession

  init(
    resolver: MacroResolver, session: IntrospectionSession, package: String? = nil,
    vars: OrderedDictionary<String, Value> = [:], scope: RenderScope? = nil
  ) {
    self.resolver = resolver
    self.session = session
    self.package = package
    self.vars = vars
    self.scope = scope
  }

  func hasFunction(_ name: String) -> Bool {
    MacroHost.functions.contains(name) || IntrospectionSession.functions.contains(name)
  }

  /// What a generic test's body may call besides macros and the database functions.
  static let functions: Set<String> = ["var", "config", "should_store_failures", "load_relation"]

  func call(_ name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    switch name {
    case "should_store_failures": return .bool(false)
    case "config":
      try recordConfig(arguments)
      return .string("")
    case "load_relation": return try session.adapterCall(name, arguments)
    default: break
    }
    if name == "var" {
      let key = try arguments.string(0, "name", function: "var")
      if let value = vars[key] ?? arguments.value(1, "default") { return value }
      throw .error(
        "compile.unknown-var", "var `\(key)` is not defined and has no default",
        at: arguments.range)
    }
    guard IntrospectionSession.functions.contains(name) else {
      throw .error(
        "test.unsupported", "`\(name)` cannot be used inside a generic test", at: arguments.range)
    }
    return try session.call(name, arguments)
  }
  /// Keeps a `config(key=value, ...)` call's keys, checked as test config.
  private func recordConfig(_ arguments: Arguments) throws(Diagnostic) {
    var entries: [(String, Value, SourceRange)] = arguments.keyword.map {
      ($0.label, $0.value, arguments.range(ofKeyword: $0.label))
    }
    if case .dict(let dict)? = arguments.positional.first {
      entries += dict.map { ($0.key, $0.value, arguments.range(of: 0)) }
    }
    for (key, value, range) in entries {
      if let problem = ConfigSchema.check(key, value, for: .test, at: range),
        problem.severity == .error
      {
        throw problem
      }
      configCalls[ConfigSchema.canonical(key)] = value
    }
  }

  func global(_ name: String) -> Value? {
    switch name {
    case "execute":
      session.markUsed()
      return .bool(session.executes)
    case "adapter": return resolver.global(name, session: session)
    default: break
    }
    if let scope, RenderScope.names.contains(name), let value = scope.global(name) { return value }
    return resolver.global(name)
  }
  func macro(named name: String) -> MacroDefinition? { resolver.macro(named: name) }
  func macro(named name: String, calledFrom file: SourceFile) -> MacroDefinition? {
    resolver.macro(named: name, package: package, calledFrom: file)
  }
  var knownNames: [String] { resolver.projectMacros.keys.sorted() }
}

/// Quoting for test SQL.
enum SQLName {
  /// Column names are written as given when they are plain lower-case identifiers (so that
  /// expressions like `lower(email)` work as `column_name`), quoted otherwise.
  static func quoteColumn(_ name: String, _ dialect: RelationDialect) -> String {
    let plain = name.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
    }
    if plain || name.contains("(") || name.contains(dialect.quoteCharacter) { return name }
    return dialect.quote(name)
  }

  /// A string literal: `''` for a quote in standard SQL; Spark's strings take backslash
  /// escapes instead (there `'a''b'` is two adjacent literals, `ab`).
  static func literal(_ text: String, _ dialect: RelationDialect) -> String {
    guard dialect == .spark else { return "'" + text.replacing("'", with: "''") + "'" }
    return "'" + text.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
  }
}
