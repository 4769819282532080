public import Diagnostics
import OrderedCollections
public import Template

/// One render's access to the database: `run_query`, `statement`, `load_result` and the
/// `adapter` look-ups, as dbt gives them.
///
/// Without an introspector (the first, connection-free render) every call returns what dbt
/// returns while parsing (`execute` is false): `none`, empty lists, no statement run. The
/// session remembers that it was used, so the compiler renders that node again with a
/// connection. One session belongs to one evaluator, on one thread.
public final class IntrospectionSession: @unchecked Sendable {
  /// The database, or nil in the connection-free render.
  public let introspector: (any Introspector)?
  /// Renders a `{% call statement(...) %}` body; set by the host that owns the evaluator.
  public weak var evaluator: Evaluator?
  /// Whether the template called any function of this session.
  public private(set) var used = false
  /// `statement` results by name, for `load_result`.
  private var results: [String: Value] = [:]

  /// A session over a database, or a parse-time one when `introspector` is nil.
  public init(introspector: (any Introspector)?) { self.introspector = introspector }

  /// The template functions a host answers through this session.
  public static let functions: Set<String> = ["run_query", "statement", "load_result"]

  /// Whether the session is live (dbt's `execute`).
  public var executes: Bool { introspector != nil }

  /// Records that the template read `execute` or called a database function.
  public func markUsed() { used = true }

  /// Calls `run_query`, `statement` or `load_result`.
  public func call(_ name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    used = true
    switch name {
    case "run_query":
      guard let introspector else { return .none }
      let sql = arguments.value(0, "sql").map { $0.stringValue ?? $0.rendered } ?? ""
      return .object(QueryTableObject(try run(sql, on: introspector, arguments, "run_query")))
    case "statement":
      guard let introspector else { return .string("") }
      return try statement(arguments, introspector)
    default:
      let key = try arguments.string(0, "name", function: "load_result")
      return results[key] ?? .none
    }
  }

  /// `{% call statement(name, fetch_result=...) %}sql{% endcall %}`: runs the body and keeps
  /// its result under `name` for `load_result`.
  private func statement(_ arguments: Arguments, _ introspector: any Introspector)
    throws(Diagnostic) -> Value
  {
    guard case .macro(let body)? = arguments.keyword.first(where: { $0.label == "caller" })?.value
    else {
      throw .error(
        "runtime.statement",
        "`statement` is a block: `{% call statement('name') %}...{% endcall %}`",
        at: arguments.range)
    }
    guard let evaluator else {
      throw .error(
        "runtime.statement", "`statement` cannot run here", at: arguments.range)
    }
    let sql = try evaluator.call(
      body, Arguments(positional: [], keyword: [], range: arguments.range))
    let text = sql.stringValue ?? sql.rendered
    let fetch = arguments.value(1, "fetch_result")?.isTruthy ?? false
    let table = try run(text, on: introspector, arguments, "statement")
    if let name = arguments.value(0, "name"), name != .none {
      let kept = fetch ? table : QueryTable(status: table.status)
      results[name.stringValue ?? name.rendered] = Self.loadResult(kept)
    }
    return .string("")
  }

  /// What `load_result` gives: `response`, `data` (rows as lists) and `table`.
  static func loadResult(_ table: QueryTable) -> Value {
    let code = table.status.split(separator: " ").first.map(String.init) ?? ""
    let response: OrderedDictionary<String, Value> = [
      "_message": .string(table.status), "code": .string(code),
      "rows_affected": table.rowsAffected.map { .integer($0) } ?? .integer(-1),
    ]
    return .dict([
      "response": .dict(response), "data": .list(table.rows.map { .list($0) }),
      "table": .object(QueryTableObject(table)),
    ])
  }

  /// Runs SQL; a database error is located at the template's call.
  func run(
    _ sql: String, on introspector: any Introspector, _ arguments: Arguments, _ function: String
  ) throws(Diagnostic) -> QueryTable {
    do {
      return try introspector.run(sql)
    } catch {
      throw Self.failure(error, function, at: arguments.range)
    }
  }

  /// A database error as a diagnostic at the call that caused it.
  static func failure(_ error: IntrospectionError, _ function: String, at range: SourceRange)
    -> Diagnostic
  {
    let state = error.sqlState.map { " (SQLSTATE \($0))" } ?? ""
    return .error(
      "runtime.database", "database error in `\(function)`: \(error.message)\(state)", at: range,
      hint: error.hint)
  }
}
