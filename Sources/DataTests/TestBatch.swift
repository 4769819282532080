public import Compiler
import Project
import Runtime
import Template

/// Built-in tests of one model counted by one query. Each test alone costs a full plan and
/// scan of the model, and planning a view over views can take far longer than running it
/// (125 ms to plan, 8 ms to run, for the last view of a 500-view chain); the batch plans and
/// scans once: `not_null` counts over the whole model, `unique` and `accepted_values` over
/// one grouping set per column.
public struct TestBatch: Sendable, Equatable {
  /// Compilation indices of the tests, in the order of the query's columns.
  public let members: [Int]
  /// One row with one bigint per member: its failure count, as its own SQL would count it.
  public let sql: String

  /// The tests that can share a query (`not_null`, `unique`, `accepted_values` with no `limit`,
  /// `store_failures`, `fail_calc`, `warn_if` or `error_if`), grouped by model and `where`, at most `maximumColumns`
  /// grouped columns per query (PostgreSQL's `grouping()` takes 31). Groups of one are left
  /// out: they run alone.
  public static func batches(
    _ compilation: Compilation, tests: [Int], maximumColumns: Int = 31
  ) -> [TestBatch] {
    var groups: [String: [Int]] = [:]
    var keys: [String] = []
    for index in tests {
      guard let test = compilation.nodes[index].genericTest, isBatchable(test),
        let relation = test.modelRelation
      else { continue }
      let key = relation.quoted + "\u{0}" + (test.config["where"]?.stringValue ?? "")
      if groups[key] == nil { keys.append(key) }
      groups[key, default: []].append(index)
    }
    var batches: [TestBatch] = []
    for key in keys {
      let members = groups[key] ?? []
      var chunk: [Int] = []
      var columns: Set<String> = []
      for index in members {
        guard let test = compilation.nodes[index].genericTest, let column = test.column else {
          continue
        }
        if test.testName != "not_null" && !columns.contains(column)
          && columns.count == maximumColumns
        {
          batches += make(chunk, compilation: compilation)
          chunk = []
          columns = []
        }
        chunk.append(index)
        if test.testName != "not_null" { columns.insert(column) }
      }
      batches += make(chunk, compilation: compilation)
    }
    return batches
  }

  static func isBatchable(_ test: GenericTestNode) -> Bool {
    ["not_null", "unique", "accepted_values"].contains(test.testName) && test.column != nil
      && test.config["limit"] == nil && test.config["store_failures"]?.isTruthy != true
      && test.config["fail_calc"] == nil && test.config["warn_if"] == nil
      && test.config["error_if"] == nil
      && (test.testName != "accepted_values" || TestCompiler.acceptedList(test, .postgres) != nil)
  }

  private static func make(_ members: [Int], compilation: Compilation) -> [TestBatch] {
    guard members.count >= 2 else { return [] }
    let tests = members.compactMap { compilation.nodes[$0].genericTest }
    guard let relation = tests.first?.modelRelation else { return [] }
    let dialect = RelationDialect(adapterType: compilation.project.target.type)
    let model = TestCompiler.filtered(relation.rendered(in: dialect), tests[0].config)
    var grouped: [String] = []  // quoted column expressions with a grouping set each
    for test in tests where test.testName != "not_null" {
      let column = SQLName.quoteColumn(test.column ?? "", dialect)
      if !grouped.contains(column) { grouped.append(column) }
    }
    // grouping(c0, ..., ck-1) sets bit k-1-i when c_i is not grouped in the row's set.
    let all = (1 << grouped.count) - 1
    func set(of column: String) -> Int {
      let position = grouped.firstIndex(of: column) ?? 0
      return all & ~(1 << (grouped.count - 1 - position))
    }
    var inner: [String] = []
    var outer: [String] = []
    if !grouped.isEmpty {
      inner.append("grouping(\(grouped.joined(separator: ", "))) as swdbt_set")
      inner.append("count(*) as swdbt_rows")
      for (position, column) in grouped.enumerated() {
        inner.append("\(column) as swdbt_group_\(position)")
      }
    }
    for (position, test) in tests.enumerated() {
      let column = SQLName.quoteColumn(test.column ?? "", dialect)
      switch test.testName {
      case "not_null":
        inner.append("count(*) filter (where \(column) is null) as swdbt_nulls_\(position)")
        outer.append(
          grouped.isEmpty
            ? "swdbt_nulls_\(position)"
            : "coalesce(sum(swdbt_nulls_\(position)) filter (where swdbt_set = \(all)), 0)")
      case "unique":
        let value = "swdbt_group_\(grouped.firstIndex(of: column) ?? 0)"
        outer.append(
          "count(*) filter (where swdbt_set = \(set(of: column)) and \(value) is not null "
            + "and swdbt_rows > 1)")
      default:  // accepted_values
        let value = "swdbt_group_\(grouped.firstIndex(of: column) ?? 0)"
        let list = TestCompiler.acceptedList(test, dialect) ?? ""
        outer.append(
          "count(*) filter (where swdbt_set = \(set(of: column)) and \(value) not in (\(list)))")
      }
    }
    let grouping =
      grouped.isEmpty
      ? ""
      : "\ngroup by grouping sets (" + grouped.map { "(\($0))" }.joined(separator: ", ") + ", ())"
    let outerColumns = outer.enumerated().map { "  \($1)::bigint as failures_\($0)" }
    let sql = """
      select
      \(outerColumns.joined(separator: ",\n"))
      from (
        select \(inner.joined(separator: ", "))
        from \(model)\(grouping)
      ) swdbt_counts
      """
    return [TestBatch(members: members, sql: sql)]
  }
}
