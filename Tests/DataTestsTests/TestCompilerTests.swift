import Compiler
import DataTests
import Diagnostics
import Project
import SwdbtTestSupport
import Testing

@Suite struct TestCompilerTests {
  func compile(_ files: [String: String]) throws -> (Compilation, CollectingSink) {
    let fixture = try ProjectFixture(files)
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    let compilation = try #require(Compiler.compile(loaded, sink: sink))
    return (TestCompiler.complete(compilation, sink: sink), sink)
  }

  func sql(_ compilation: Compilation, _ name: String) -> String? {
    compilation.nodes.first { $0.name == name }?.sql
  }

  static let files: [String: String] = [
    "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
    "models/orders.sql": "select 1 as id, 'new' as status, 1 as customer_id\n",
    "models/customers.sql": "select 1 as id\n",
    "models/schema.yml":
      """
    version: 2
    models:
      - name: orders
        columns:
          - name: id
            data_tests:
              - not_null
              - unique:
                  config: {where: "status <> 'test'"}
          - name: status
            data_tests:
              - accepted_values: {values: [new, shipped], quote: true}
          - name: customer_id
            data_tests:
              - relationships: {to: ref('customers'), field: id}
              - positive
    """,
    "tests/generic/positive.sql":
      "{% test positive(model, column_name) %}\nselect * from {{ model }} where {{ column_name }} <= 0\n{% endtest %}\n",
  ]

  @Test func builtInTestsCompileToFailingRowQueries() throws {
    let (compilation, sink) = try compile(Self.files)
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    #expect(
      sql(compilation, "not_null_orders_id")
        == "select *\nfrom \"dev\".\"orders\"\nwhere id is null\n")
    #expect(
      sql(compilation, "unique_orders_id") == """
        select id as unique_field, count(*) as n_records
        from (select * from "dev"."orders" where status <> 'test') dbt_subquery
        where id is not null
        group by id
        having count(*) > 1

        """)
    #expect(
      sql(compilation, "accepted_values_orders_status__True__new__shipped")?.contains(
        "where value_field not in ('new', 'shipped')") == true)
    let relationships = try #require(
      sql(compilation, "relationships_orders_customer_id__id__ref_customers_"))
    #expect(relationships.contains("select id as to_field\n  from \"dev\".\"customers\""))
    #expect(relationships.contains("where parent.to_field is null"))
  }

  @Test func builtInTestsOfOneModelAndFilterShareOneQuery() throws {
    var files = Self.files
    files["models/schema.yml"]? +=
      "\n      - name: id2\n        data_tests: [unique, {not_null: {config: {limit: 5}}}]\n"
    let (compilation, sink) = try compile(files)
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let tests = compilation.nodes.indices.filter { compilation.nodes[$0].resourceType == .test }
    let batches = TestBatch.batches(compilation, tests: tests)
    // not_null(id), accepted_values(status), unique(id2) share one query; unique(id) has its
    // own `where`, not_null(id2) a `limit`, relationships and custom tests read elsewhere:
    // they run alone.
    #expect(batches.count == 1)
    let names = batches[0].members.map { compilation.nodes[$0].name }
    #expect(
      names == [
        "accepted_values_orders_status__True__new__shipped", "not_null_orders_id",
        "unique_orders_id2",
      ])
    #expect(batches[0].sql.contains("group by grouping sets ((status), (id2), ())"))
    #expect(batches[0].sql.contains("from \"dev\".\"orders\""))
    // With room for one grouped column per query, the two grouped tests part; unique(id2)
    // is left alone.
    let narrow = TestBatch.batches(compilation, tests: tests, maximumColumns: 1)
    #expect(narrow.map(\.members.count) == [2])
  }

  @Test func customGenericTestRendersItsBlock() throws {
    let (compilation, _) = try compile(Self.files)
    #expect(
      sql(compilation, "positive_orders_customer_id")
        == "select * from \"dev\".\"orders\" where customer_id <= 0\n")
  }

  @Test func acceptedValuesWithoutValuesIsAnError() throws {
    var files = Self.files
    files["models/schema.yml"] =
      "version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: status\n        data_tests: [accepted_values]\n"
    let (_, sink) = try compile(files)
    #expect(
      sink.diagnostics.map(\.message).contains(
        "`accepted_values` needs a non-empty `values:` list"))
  }

  /// The same test declared twice keeps both: the second gets the first's name, its
  /// position and a hash, so ids stay unique.
  @Test func aTestDeclaredTwiceIsRenamedNotLost() throws {
    var files = Self.files
    files["models/schema.yml"] = files["models/schema.yml"]?.replacing(
      "      - name: status\n", with: "          - not_null\n      - name: status\n")
    let (compilation, sink) = try compile(files)
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let notNull = compilation.nodes.filter {
      $0.genericTest?.testName == "not_null" && $0.genericTest?.column == "id"
    }
    #expect(notNull.count == 2)
    #expect(notNull.contains { $0.name == "not_null_orders_id" })
    let renamed = try #require(notNull.first { $0.name != "not_null_orders_id" })
    #expect(renamed.name.hasPrefix("not_null_orders_id_2_") && renamed.name.count == 31)
    #expect(
      renamed.uniqueID.hasPrefix("test.shop.\(renamed.name).")
        && renamed.uniqueID.count == 10 + 31 + 11)
    #expect(renamed.sql == "select *\nfrom \"dev\".\"orders\"\nwhere id is null\n")
    #expect(Set(compilation.nodes.map(\.uniqueID)).count == compilation.nodes.count)
  }

  /// A singular test named like a generic one is another node, as in dbt: the generic
  /// test's id ends in its hash (`test.shop.not_null_orders_id.<hash>`), the singular's not.
  @Test func singularTestNamedLikeAGenericTestIsAnotherNode() throws {
    var files = Self.files
    files["tests/not_null_orders_id.sql"] = "select * from {{ ref('orders') }} where false\n"
    let (compilation, sink) = try compile(files)
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let named = compilation.nodes.filter { $0.name == "not_null_orders_id" }
    #expect(named.count == 2)
    #expect(named.contains { $0.uniqueID == "test.shop.not_null_orders_id" })
    let generic = try #require(named.first { $0.genericTest != nil })
    #expect(generic.uniqueID.hasPrefix("test.shop.not_null_orders_id."))
    #expect(generic.sql == "select *\nfrom \"dev\".\"orders\"\nwhere id is null\n")
    #expect(
      named.first { $0.genericTest == nil }?.sql
        == "select * from \"dev\".\"orders\" where false\n")
  }
}
