import Adapter
import Compiler
import Diagnostics
import Execution
import Project
import Template

/// A model's enforced contract (`contract: {enforced: true}`): the YAML's columns, their
/// `data_type`s and constraints, checked against the model's query before anything is
/// replaced, and (for tables) the declared DDL the table is created from.
///
/// As dbt does, columns are matched by name, order is not checked (tables take the YAML's
/// order), and types are compared without their modifiers (`varchar(10)` is `varchar`).
struct Contract {
  /// A declared column, with its name as PostgreSQL spells it.
  struct Column {
    /// The name as PostgreSQL stores it (lower case unless `quote: true`).
    var name: String
    /// The YAML's column.
    var spec: ColumnSpec
  }

  /// The model's name.
  let model: String
  /// The model's file, for errors when it has no YAML entry.
  let path: String
  /// Where the model's YAML entry is, if it has one.
  let range: SourceRange?
  /// Model-level constraints.
  let constraints: [ConstraintSpec]
  /// The declared columns, in YAML order.
  let columns: [Column]
  /// The relation a model name refers to (foreign keys' `to: ref(...)`).
  let resolve: @Sendable (String) -> RelationName?

  /// The contract of a node, or nil when it is not enforced.
  init?(
    node: CompiledNode, patch: ModelPatch?, resolve: @escaping @Sendable (String) -> RelationName?
  ) {
    guard node.config.contractEnforced else { return nil }
    self.model = node.name
    self.path = node.originalFilePath
    self.range = patch?.range
    self.constraints = patch?.constraints ?? []
    self.columns = (patch?.columns ?? []).map {
      Column(name: $0.quote ? $0.name : $0.name.lowercased(), spec: $0)
    }
    self.resolve = resolve
  }

  /// The contract of a node of a compilation, or nil when it is not enforced (asked first,
  /// so that models without one cost no look-up).
  static func of(_ node: CompiledNode, in compilation: Compilation) -> Contract? {
    guard node.config.contractEnforced else { return nil }
    let patch = compilation.project.models.first { $0.uniqueID == node.uniqueID }?.patch
    return Contract(node: node, patch: patch) { name in
      compilation.nodes.first {
        ($0.resourceType == .model || $0.resourceType == .seed) && $0.name == name
      }?.relation
    }
  }

  /// A failure carrying a located diagnostic instead of a database error.
  func failure(_ diagnostic: Diagnostic, action: String) -> StatementFailure {
    var failure = StatementFailure(
      error: DatabaseError(.statement, diagnostic.message), statement: "", action: action)
    failure.diagnostic = diagnostic
    return failure
  }

  /// Checks the query's columns against the contract without running the query: a temporary
  /// view is created from it, its columns read, and dropped, all in the node's transaction.
  func check(sql: String, temporaryName: String, runner: StatementRunner) throws(StatementFailure) {
    if let problem = declarationProblem() { throw failure(problem, action: runner.action) }
    let view = SQLQuoting.identifier(temporaryName)
    let prefix = "create temporary view \(view) as (\n"
    let declared = columns.map { SQLQuoting.literal($0.spec.dataType ?? "") }
      .joined(separator: ", ")
    let result = try runner.run(
      prefix + sql + "\n);\n"
        + """
        select 0, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), \
        a.atttypid::int8 from pg_catalog.pg_attribute a \
        where a.attrelid = \(SQLQuoting.literal("pg_temp." + view))::regclass and a.attnum > 0 \
        and not a.attisdropped
        union all
        select 1, d.n, d.t, pg_catalog.format_type(pg_catalog.to_regtype(d.t), null), \
        pg_catalog.to_regtype(d.t)::oid::int8 \
        from unnest(array[\(declared)]::text[]) with ordinality as d(t, n)
        order by 1, 2
        """, modelOffset: prefix.utf8.count)
    try runner.run("drop view pg_temp.\(view)")
    var returned: [(name: String, type: String, oid: Int)] = []
    var declaredTypes: [(type: String?, oid: Int?)] = []
    for row in result.rows {
      guard row.count == 5 else { continue }
      if row[0] == "0", let name = row[2], let type = row[3], let oid = row[4].flatMap({ Int($0) })
      {
        returned.append((name, type, oid))
      } else if row[0] == "1" {
        declaredTypes.append((row[3], row[4].flatMap { Int($0) }))
      }
    }
    var notes: [Diagnostic.Note] = []
    for (index, column) in columns.enumerated() where index < declaredTypes.count {
      if declaredTypes[index].oid == nil {
        notes.append(
          .init(
            "`\(column.name)`: unknown data type `\(column.spec.dataType ?? "")`",
            at: column.spec.dataTypeRange ?? column.spec.range))
      }
    }
    for column in returned {
      guard let index = columns.firstIndex(where: { $0.name == column.name }) else {
        notes.append(
          .init(
            "`\(column.name)`: missing in contract (the query returns it as "
              + Self.typeLabel(column.type, oid: column.oid) + ")"))
        continue
      }
      guard index < declaredTypes.count, let oid = declaredTypes[index].oid else { continue }
      if !Self.sameType(oid, column.oid) {
        let spec = columns[index].spec
        let written = (spec.dataType ?? "").trimmingWhitespace()
        let resolved = declaredTypes[index].type ?? written
        // Upper case, as dbt prints types (with its driver's name where it differs), and
        // the YAML's own spelling when PostgreSQL names the type otherwise (`int`).
        notes.append(
          .init(
            "`\(column.name)`: data type mismatch: the query returns "
              + Self.typeLabel(column.type, oid: column.oid) + ", the contract declares "
              + Self.typeLabel(resolved, oid: oid)
              + (written.lowercased() == resolved.lowercased() ? "" : " (`\(written)`)"),
            at: spec.dataTypeRange ?? spec.range))
      }
    }
    let returnedNames = Set(returned.map(\.name))
    for column in columns where !returnedNames.contains(column.name) {
      notes.append(
        .init(
          "`\(column.name)`: missing in definition (the query does not return it)",
          at: column.spec.range))
    }
    guard notes.isEmpty else {
      throw failure(
        .error(
          "run.contract", "the columns of `\(model)` do not match its enforced contract",
          at: range, path: range == nil ? path : nil, notes: notes,
          hint: "change the model's query or its `columns:` so that names and data types "
            + "agree; the old relation is kept"),
        action: runner.action)
    }
  }

  /// What makes the declaration itself unusable: no columns, or a column without `data_type`.
  private func declarationProblem() -> Diagnostic? {
    if columns.isEmpty {
      return .error(
        "run.contract", "`\(model)` enforces a contract but declares no `columns`",
        at: range, path: range == nil ? path : nil,
        hint: "list every column with its `data_type` under `columns:`")
    }
    let untyped = columns.filter { ($0.spec.dataType ?? "").trimmingWhitespace().isEmpty }
    guard !untyped.isEmpty else { return nil }
    return .error(
      "run.contract",
      "`\(model)` enforces a contract, which needs a `data_type` on every column; missing on "
        + untyped.map { "`\($0.spec.name)`" }.joined(separator: ", "),
      at: untyped[0].spec.range,
      notes: untyped.dropFirst().map { .init("no `data_type`", at: $0.spec.range) },
      hint: "add `data_type: <type>` to each column")
  }

  /// Whether two types match as dbt compares them: the same type, or types dbt-postgres's
  /// driver reports under one name (`text`, `varchar` and `char` are all `STRING`).
  static func sameType(_ left: Int, _ right: Int) -> Bool {
    left == right || (dbtNames[left] != nil && dbtNames[left] == dbtNames[right])
  }

  /// A type as dbt-postgres's contract errors print it: PostgreSQL's name upper-cased, and
  /// the name dbt's driver (psycopg2) gives it when that differs (`TEXT (dbt: STRING)`).
  static func typeLabel(_ name: String, oid: Int) -> String {
    let upper = name.uppercased()
    guard let dbt = dbtNames[oid], dbt != upper else { return upper }
    return "\(upper) (dbt: \(dbt))"
  }

  /// Type names dbt's PostgreSQL driver (psycopg2) reports, by type oid.
  static let dbtNames: [Int: String] = [
    16: "BOOLEAN", 17: "BINARY", 18: "STRING", 19: "STRING", 20: "LONGINTEGER", 21: "INTEGER",
    23: "INTEGER", 25: "STRING", 114: "JSON", 700: "FLOAT", 701: "FLOAT", 1042: "STRING",
    1043: "STRING", 1082: "DATE", 1083: "TIME", 1114: "DATETIME", 1184: "DATETIMETZ",
    1186: "INTERVAL", 1266: "TIME", 1700: "DECIMAL", 3802: "JSONB", 1000: "BOOLEANARRAY",
    1005: "INTEGERARRAY", 1007: "INTEGERARRAY", 1016: "LONGINTEGERARRAY", 1009: "STRINGARRAY",
    1015: "STRINGARRAY", 1014: "STRINGARRAY", 1021: "FLOATARRAY", 1022: "FLOATARRAY",
    1231: "DECIMALARRAY", 1115: "DATETIMEARRAY", 1185: "DATETIMETZARRAY", 1182: "DATEARRAY",
  ]
}
