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
  public static func complete(_ compilation: consuming Compilation, sink: any DiagnosticSink)
    -> Compilation
  {
    // In parallel: 20,000 queries in a large project; problems reported in node order.
    let tests = compilation.nodes.indices.filter { compilation.nodes[$0].genericTest?.name != nil }
    let queries = self.queries(for: tests, in: compilation)
    var sql: [Int: String] = [:]
    sql.reserveCapacity(tests.count)
    var needsDatabase: [Int] = []
    for (position, index) in tests.enumerated() {
      switch queries[position] {
      case .success(let query):
        sql[index] = query.sql
        if query.usedDatabase { needsDatabase.append(index) }
      case .failure(let error): sink.emit(error)
      }
    }
    var completed = compilation.withSQL(sql)
    // Rendered again where they run, as dbt renders tests with `execute` true.
    completed.needsDatabase.formUnion(needsDatabase)
    return completed
  }

  /// The queries of the generic tests at `tests`, computed in parallel.
  static func queries(for tests: [Int], in compilation: Compilation) -> [Result<
    (sql: String, usedDatabase: Bool), Diagnostic
  >] {
    // Taken out of the compilation once: reached through it, the project was copied (a retain
    // of each of its fields, shared by both cores) for each of 20,000 tests.
    let project = compilation.project
    let nodes = compilation.nodes
    let globals = compilation.runtimeGlobals
    return tests.concurrentMap { index in
      guard let test = nodes[index].genericTest else {
        return .failure(.error("test.internal", "not a generic test"))
      }
      return Result { () throws(Diagnostic) in
        try sql(for: test, project: project, introspector: nil, globals: globals)
      }
    }
  }

  /// The failing-rows query of one generic test.
  public static func sql(for test: GenericTestNode, project: LoadedProject) throws(Diagnostic)
    -> String
  {
    try sql(for: test, project: project, introspector: nil).sql
  }

  /// The failing-rows query of one generic test, and whether its macro read `execute` or used
  /// the database; with an introspector, such a macro runs its queries there.
  public static func sql(
    for test: GenericTestNode, project: LoadedProject, introspector: (any Introspector)?,
    globals: RuntimeGlobals? = nil
  ) throws(Diagnostic) -> (sql: String, usedDatabase: Bool) {
    guard ["not_null", "unique", "accepted_values", "relationships"].contains(test.testName)
    else {
      guard let relation = test.modelRelation else {
        throw .error(
          "test.no-relation", "`\(test.name)` tests a node that is not built (ephemeral?)",
          at: test.range)
      }
      return try custom(
        test, relation: relation, project: project, introspector: introspector, globals: globals)
    }
    return (try builtIn(test), false)
  }

  private static func builtIn(_ test: GenericTestNode) throws(Diagnostic) -> String {
    guard let relation = test.modelRelation else {
      throw .error(
        "test.no-relation", "`\(test.name)` tests a node that is not built (ephemeral?)",
        at: test.range)
    }
    let model = filtered(relation.quoted, test.config)
    let column = test.column.map(SQLName.quoteColumn)
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
      guard let list = acceptedList(test) else {
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
          select \(SQLName.quoteColumn(field)) as to_field
          from \(to)
        )
        select from_field
        from child
        left join parent on child.from_field = parent.to_field
        where parent.to_field is null

        """
    default:
      throw .error("test.unknown", "unknown generic test `\(test.testName)`", at: test.range)
    }
  }

  /// `accepted_values`' list as SQL (`'a', 'b'`, or unquoted with `quote: false`); nil when
  /// `values` is missing or empty.
  static func acceptedList(_ test: GenericTestNode) -> String? {
    guard case .list(let values)? = test.arguments["values"], !values.isEmpty else { return nil }
    let quote = test.arguments["quote"].map(\.isTruthy) ?? true
    return values.map { value in
      let text = value.stringValue ?? value.rendered
      return quote ? SQLName.literal(text) : text
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
    _ test: GenericTestNode, relation: RelationName, project: LoadedProject,
    introspector: (any Introspector)?, globals: RuntimeGlobals?
  ) throws(Diagnostic) -> (sql: String, usedDatabase: Bool) {
    let definitions =
      test.testPackage.flatMap { name in project.packages.first { $0.name == name }?.genericTests }
      ?? project.genericTests
    guard let definition = definitions[test.testName] else {
      throw .error("test.unknown", "unknown generic test `\(test.testName)`", at: test.range)
    }
    let filteredModel = filtered(relation.quoted, test.config)
    // The model is a relation, as in dbt (packages check it; `adapter` look-ups); with `where`
    // it is the filtered subquery.
    let model: Value =
      filteredModel == relation.quoted
      ? .object(
        RelationObject(
          database: relation.database, schema: relation.schema, identifier: relation.identifier))
      : .string(filteredModel)
    var keyword: [(label: String, value: Value)] = [("model", model)]
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
      vars: project.packages.first { $0.name == package }?.vars ?? project.vars,
      scope: globals.map { globals in
        { globals.scope(name: test.name, resource: .test, config: test.config, purpose: "test") }
      })
    let evaluator = Evaluator(host: host, file: definition.file)
    host.session.evaluator = evaluator
    let value = try evaluator.call(definition, arguments)
    return ((value.stringValue ?? value.rendered).trimmingWhitespace() + "\n", host.session.used)
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
  /// `run_query`, `statement`, `load_result`, the `adapter` look-ups and `execute`: parse-time
  /// values while compiling, the database's when the test is rendered again where it runs.
  let session: IntrospectionSession
  /// Makes the runtime globals (`run_started_at`, `modules`, `graph`, `log`, ...) on first
  /// use; nil when the caller has none to give.
  private let makeScope: (() -> RenderScope)?
  private var runtimeScope: RenderScope?

  init(
    resolver: MacroResolver, session: IntrospectionSession, package: String? = nil,
    vars: OrderedDictionary<String, Value> = [:], scope: (() -> RenderScope)? = nil
  ) {
    self.resolver = resolver
    self.session = session
    self.package = package
    self.vars = vars
    self.makeScope = scope
  }

  func hasFunction(_ name: String) -> Bool {
    MacroHost.functions.contains(name) || IntrospectionSession.functions.contains(name)
  }

  /// What a generic test's body may call besides macros and the database functions.
  static let functions: Set<String> = ["var", "config", "should_store_failures"]

  func call(_ name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    switch name {
    case "should_store_failures": return .bool(false)
    // A test's `config(...)` (dbt_utils' `equality` sets `fail_calc`) has no effect here:
    // swdbt counts the failing rows the query returns.
    case "config": return .string("")
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
  func global(_ name: String) -> Value? {
    switch name {
    case "execute":
      session.markUsed()
      return .bool(session.executes)
    case "adapter": return resolver.global(name, session: session)
    default:
      guard RenderScope.names.contains(name), let makeScope else { return resolver.global(name) }
      if let runtimeScope { return runtimeScope.global(name) }
      let made = makeScope()
      runtimeScope = made
      return made.global(name)
    }
  }
  func macro(named name: String) -> MacroDefinition? { resolver.macro(named: name) }
  func macro(named name: String, calledFrom file: SourceFile) -> MacroDefinition? {
    resolver.macro(named: name, package: package, calledFrom: file)
  }
  var knownNames: [String] { resolver.projectMacros.keys.sorted() + RenderScope.names.sorted() }
}

/// Quoting for test SQL.
enum SQLName {
  /// Column names are written as given when they are plain lower-case identifiers (so that
  /// expressions like `lower(email)` work as `column_name`), quoted otherwise.
  static func quoteColumn(_ name: String) -> String {
    let plain = name.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
    }
    if plain || name.contains("(") || name.contains("\"") { return name }
    return "\"" + name.replacing("\"", with: "\"\"") + "\""
  }

  static func literal(_ text: String) -> String { "'" + text.replacing("'", with: "''") + "'" }
}
