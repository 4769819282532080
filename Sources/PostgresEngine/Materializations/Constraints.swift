import Adapter
import Compiler
import Diagnostics
import Execution
import Project

/// The DDL of a contracted table, as dbt-postgres builds it: `create table` from the declared
/// columns, types and constraints, then `insert ... select` from the model's query, so that
/// PostgreSQL enforces every constraint on the rows and a violation fails the node.
extension Contract {
  /// The suffix of the temporary names of named `unique` and `primary key` constraints: their
  /// indexes share the schema's namespace with the old table's until the swap.
  static let temporaryConstraintSuffix = "__swdbt_tmp"

  /// `create table <temporary> (...); insert into <temporary> (...) select ... from (<sql>)`
  /// and the UTF-8 offset of the model's SQL in it.
  func tableStatement(
    _ temporary: String, sql: String, unlogged: Bool = false, action: String
  ) throws(StatementFailure) -> (String, Int) {
    let modelNotNull = Set(
      constraints.filter { $0.kind == .notNull }.flatMap(\.columns).map(Self.folded))
    var lines: [String] = []
    for column in columns {
      var parts = [SQLQuoting.identifier(column.name), column.spec.dataType ?? ""]
      for constraint in column.spec.constraints {
        parts.append(try columnConstraint(constraint, action: action))
      }
      if modelNotNull.contains(column.name) { parts.append("not null") }
      lines.append(parts.joined(separator: " "))
    }
    for constraint in constraints where constraint.kind != .notNull {
      lines.append(try modelConstraint(constraint, action: action))
    }
    let list = columns.map { SQLQuoting.identifier($0.name) }.joined(separator: ", ")
    let prefix =
      "create \(unlogged ? "unlogged " : "")table \(temporary) (\n    "
      + lines.joined(separator: ",\n    ") + "\n);\n"
      + "insert into \(temporary) (\(list))\nselect \(list) from (\n"
    return (prefix + sql + "\n) as model_subq", prefix.utf8.count)
  }

  /// Gives the swapped-in table's constraints the names they would have had if it had been
  /// created under its own name (`x_pkey`, not `x__swdbt_tmp_pkey`), and named `unique` and
  /// `primary key` constraints their declared names.
  func renameConstraints(of relation: RelationName, runner: StatementRunner)
    throws(StatementFailure)
  {
    let all = constraints + columns.flatMap(\.spec.constraints)
    guard all.contains(where: { $0.kind != .notNull }) else { return }
    let table = relation.quoted
    let prefix = RelationSwap.suffixed(relation.identifier, RelationSwap.temporarySuffix) + "_"
    var statements = [
      """
      do $swdbt$ declare c record; begin
      for c in select conname from pg_catalog.pg_constraint
        where conrelid = \(SQLQuoting.literal(table))::regclass
        and starts_with(conname, \(SQLQuoting.literal(prefix))) loop
        execute pg_catalog.format('alter table %s rename constraint %I to %I', \
      \(SQLQuoting.literal(table)), c.conname, \
      \(SQLQuoting.literal(relation.identifier + "_")) \
      || substr(c.conname, length(\(SQLQuoting.literal(prefix))) + 1));
      end loop; end $swdbt$
      """
    ]
    for constraint in all
    where constraint.kind == .unique || constraint.kind == .primaryKey {
      guard let name = constraint.name else { continue }
      statements.append(
        "alter table \(table) rename constraint "
          + SQLQuoting.identifier(RelationSwap.suffixed(name, Self.temporaryConstraintSuffix))
          + " to \(SQLQuoting.identifier(name))")
    }
    try runner.run(statements.joined(separator: ";\n"))
  }

  /// `constraint <name> ` when named; index-backed constraints get a temporary name.
  private func namePrefix(_ constraint: ConstraintSpec) -> String {
    guard let name = constraint.name, !name.isEmpty else { return "" }
    let temporary =
      constraint.kind == .unique || constraint.kind == .primaryKey
      ? RelationSwap.suffixed(name, Self.temporaryConstraintSuffix) : name
    return "constraint \(SQLQuoting.identifier(temporary)) "
  }

  private func columnConstraint(_ constraint: ConstraintSpec, action: String)
    throws(StatementFailure) -> String
  {
    let expression = constraint.expression ?? ""
    let body: String
    switch constraint.kind {
    case .notNull: body = "not null"
    case .unique: body = "unique"
    case .primaryKey: body = "primary key"
    case .check: body = "check (\(expression))"
    case .foreignKey: body = "references " + (try referenced(constraint, action: action))
    case .custom: body = expression
    }
    return namePrefix(constraint) + body
  }

  private func modelConstraint(_ constraint: ConstraintSpec, action: String)
    throws(StatementFailure) -> String
  {
    let columnList = constraint.columns.map(Self.columnSQL).joined(separator: ", ")
    let body: String
    switch constraint.kind {
    case .notNull, .custom: body = constraint.expression ?? ""
    case .unique: body = "unique (\(columnList))"
    case .primaryKey: body = "primary key (\(columnList))"
    case .check: body = "check (\(constraint.expression ?? ""))"
    case .foreignKey:
      body =
        "foreign key (\(columnList)) references " + (try referenced(constraint, action: action))
    }
    return namePrefix(constraint) + body
  }

  /// A foreign key's target: `to: ref(...)` with `to_columns`, or the `expression` as written.
  private func referenced(_ constraint: ConstraintSpec, action: String) throws(StatementFailure)
    -> String
  {
    guard let model = constraint.referencedModel else { return constraint.expression ?? "" }
    guard let relation = resolve(model) else {
      throw failure(
        .error(
          "run.contract",
          "the foreign key of `\(self.model)` references `\(model)`, "
            + "which is not a model with a table or a seed",
          at: constraint.range, path: constraint.range == nil ? path : nil,
          hint: "name a table model or a seed in `ref(...)`"),
        action: action)
    }
    return relation.quoted + " (" + constraint.toColumns.map(Self.columnSQL).joined(separator: ", ")
      + ")"
  }

  /// A column named in a constraint: as written when already quoted, else as PostgreSQL folds it.
  static func columnSQL(_ name: String) -> String {
    name.hasPrefix("\"") ? name : SQLQuoting.identifier(folded(name))
  }

  /// A name as PostgreSQL stores an unquoted identifier; a quoted one without its quotes.
  static func folded(_ name: String) -> String {
    name.hasPrefix("\"") ? name.trimmingQuotes : name.lowercased()
  }
}
