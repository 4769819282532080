import Adapter
import Foundation
import SwdbtTestSupport
import Testing

@Suite struct DataTestTests {
  /// Orders with known bad rows: id 3 twice, one NULL id, status `lost` (twice), customer 99
  /// unknown, amounts -5 and -1.
  static let files: [String: String] = [
    "seeds/raw_orders.csv":
      "id,customer_id,status,amount\n1,1,new,10\n2,1,shipped,20\n3,2,lost,30\n3,2,new,-5\n,99,lost,-1\n",
    "seeds/raw_customers.csv": "id,name\n1,Ann\n2,Bob\n",
    "models/orders.sql": "select * from {{ ref('raw_orders') }}\n",
    "models/customers.sql": "select * from {{ ref('raw_customers') }}\n",
    "models/order_report.sql": "select count(*) as orders from {{ ref('orders') }}\n",
    "models/customer_report.sql": "select count(*) as customers from {{ ref('customers') }}\n",
    "models/schema.yml":
      """
    version: 2
    models:
      - name: orders
        columns:
          - name: id
            data_tests:
              - not_null
              - unique
              - unique:
                  name: unique_orders_id_new_only
                  config: {where: "status = 'new'"}
          - name: status
            data_tests:
              - accepted_values:
                  values: [new, shipped]
                  config: {severity: warn}
              - accepted_values:
                  name: status_mostly_known
                  values: [new, shipped]
                  config: {error_if: ">5", warn_if: ">1"}
          - name: customer_id
            data_tests:
              - relationships: {to: ref('customers'), field: id}
          - name: amount
            data_tests:
              - positive:
                  config: {store_failures: true}
      - name: customers
        columns:
          - name: id
            data_tests: [unique, not_null]
    """,
    "tests/generic/positive.sql":
      "{% test positive(model, column_name) %}\nselect * from {{ model }} where {{ column_name }} <= 0\n{% endtest %}\n",
    "tests/more_orders_than_customers.sql":
      "select 1 from {{ ref('order_report') }} where orders < 100\n",
  ]

  @Test func everyTestTypeCountsItsFailingRows() async throws {
    let fixture = try await DatabaseFixture("datatests", files: Self.files)
    #expect(try fixture.swdbt(["seed"]).status == 0)
    #expect(try fixture.swdbt(["run"]).status == 0)
    let result = try fixture.swdbt(["test"])
    #expect(result.status == 1)
    let output = result.stderr
    func line(_ word: String, _ name: String) -> Bool {
      output.split(separator: "\n").contains {
        $0.contains(" \(word) ") && $0.contains(" \(name) [")
      }
    }
    #expect(line("FAIL 1", "not_null_orders_id"), "\(output)")
    #expect(line("FAIL 1", "unique_orders_id"))
    #expect(line("PASS", "unique_orders_id_new_only"))
    #expect(line("WARN 1", "accepted_values_orders_status__new__shipped"))
    // One bad value (`lost`) is not more than warn_if's 1.
    #expect(line("PASS", "status_mostly_known"))
    #expect(line("FAIL 1", "relationships_orders_customer_id__id__ref_customers_"))
    #expect(line("FAIL 2", "positive_orders_amount"))
    #expect(line("FAIL 1", "more_orders_than_customers"))
    #expect(line("PASS", "unique_customers_id"))
    // The failing rows are shown as a table, with the compiled SQL's path.
    #expect(output.contains("  | from_field |"))
    #expect(
      output.contains(
        "  compiled SQL: target/compiled/it/models/schema.yml/relationships_orders_customer_id__id__ref_customers_.sql"
      ))
    // store_failures keeps the rows in the audit schema and says where.
    let audit = "\"\(fixture.schema)_dbt_test__audit\".\"positive_orders_amount\""
    #expect(output.contains("failing rows stored in \(audit)"))
    #expect(try fixture.rows("select amount from \(audit) order by amount") == [["-5"], ["-1"]])
    #expect(output.contains("Done. PASS=4 WARN=1 ERROR=5 SKIP=0 TOTAL=10"), "\(output)")

    let artifact = try fixture.project.read("target/run_results.json")
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(artifact.utf8)) as? [String: Any])
    let results = try #require(json["results"] as? [[String: Any]])
    let relationships = try #require(
      results.first { ($0["unique_id"] as? String)?.contains("relationships_orders") == true })
    #expect(relationships["status"] as? String == "fail")
    #expect(relationships["failures"] as? Int == 1)
    #expect(results.contains { $0["status"] as? String == "warn" })
    #expect(results.contains { $0["status"] as? String == "pass" })
  }

  @Test func thresholdsDecideBetweenWarnAndError() async throws {
    var files = Self.files
    files["models/schema.yml"] =
      """
      version: 2
      models:
        - name: orders
          columns:
            - name: status
              data_tests:
                - accepted_values:
                    name: lenient
                    values: [new]
                    config: {error_if: ">3", warn_if: ">=1"}
                - accepted_values:
                    name: strict
                    values: [new]
                    config: {error_if: ">=3"}
      """
    files["tests/more_orders_than_customers.sql"] = nil
    let fixture = try await DatabaseFixture("thresholds", files: files)
    #expect(try fixture.swdbt(["seed"]).status == 0)
    #expect(try fixture.swdbt(["run"]).status == 0)
    let result = try fixture.swdbt(["test"])
    // status values other than `new`: shipped, lost (2 groups).
    #expect(result.stderr.contains(" WARN 2 lenient ["), "\(result.stderr)")
    // 2 groups do not reach ">=3", but warn_if's default "!=0" does.
    #expect(result.stderr.contains(" WARN 2 strict ["))
    #expect(result.status == 0)
  }

  @Test func failCalcFromTheTestBodyIsComparedWithTheThresholds() async throws {
    // Deltas 0, 3 and 1: the body's `fail_calc` sums them to 4; YAML config overrides it.
    let files = [
      "seeds/raw_pairs.csv": "a,b\n1,1\n2,5\n3,4\n",
      "models/pairs.sql": "select * from {{ ref('raw_pairs') }}\n",
      "tests/generic/diff_sum.sql": """
      {% test diff_sum(model, left, right) %}
      {{ config(fail_calc='sum(delta)') }}
      select abs({{ left }} - {{ right }}) as delta from {{ model }}
      {% endtest %}
      """,
      "models/schema.yml": """
      version: 2
      models:
        - name: pairs
          data_tests:
            - diff_sum: {name: summed, left: a, right: b}
            - diff_sum:
                name: lenient
                left: a
                right: b
                config: {error_if: ">10", warn_if: ">3"}
            - diff_sum:
                name: counted
                left: a
                right: b
                config: {fail_calc: "count(*)", error_if: ">3"}
            - diff_sum:
                name: quiet
                left: a
                right: b
                config: {error_if: ">10", warn_if: ">= 5"}
      """,
    ]
    let fixture = try await DatabaseFixture("failcalc", files: files)
    #expect(try fixture.swdbt(["seed"]).status == 0)
    #expect(try fixture.swdbt(["run"]).status == 0)
    let result = try fixture.swdbt(["test"])
    #expect(result.stderr.contains(" FAIL 4 summed ["), "\(result.stderr)")
    #expect(result.stderr.contains(" WARN 4 lenient ["))
    #expect(result.stderr.contains(" WARN 3 counted ["))
    #expect(result.stderr.contains(" PASS quiet ["))
    #expect(result.status == 1)
  }

  @Test func unknownConfigInATestBodyIsALocatedError() async throws {
    let files = [
      "models/m.sql": "select 1 as id\n",
      "tests/generic/odd.sql": """
      {% test odd(model) %}
      {{ config(fial_calc='sum(id)') }}
      select * from {{ model }}
      {% endtest %}
      """,
      "models/schema.yml": "version: 2\nmodels:\n  - name: m\n    data_tests: [odd]\n",
    ]
    let fixture = try await DatabaseFixture("badtestconfig", files: files)
    let result = try fixture.swdbt(["compile"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("tests/generic/odd.sql:2:11: error: unknown test config `fial_calc`"),
      "\(result.stderr)")
    #expect(result.stderr.contains("did you mean `fail_calc`?"))
  }

  @Test func buildSkipsWhatDependsOnAModelWhoseTestFailed() async throws {
    let fixture = try await DatabaseFixture("buildskip", files: Self.files)
    let result = try fixture.swdbt(["build"])
    #expect(result.status == 1)
    let output = result.stderr
    #expect(output.contains("SKIP model `order_report`: skipped because"), "\(output)")
    #expect(output.contains("SKIP test `more_orders_than_customers`"))
    // Independent branches go on: customers passed its tests, so its report was built.
    #expect(output.contains("OK created view \(fixture.relation("customer_report"))"))
    #expect(
      try fixture.scalar("select customers from \(fixture.relation("customer_report"))") == "2")
    #expect(
      try fixture.scalar("select to_regclass('\(fixture.relation("order_report"))') is null") == "t"
    )
  }

  @Test func testsOfOneModelShareAQueryAndStillFailAlone() async throws {
    // Five tests of `m` run as one query; a test on a column that does not exist breaks that
    // query, so each test runs alone and only the broken one errors.
    let files = [
      "seeds/s.csv": "id,kind\n1,a\n1,b\n,c\n",
      "models/m.sql": "select id, kind from {{ ref('s') }}\n",
      "models/schema.yml":
        """
      version: 2
      models:
        - name: m
          columns:
            - name: id
              data_tests: [not_null, unique]
            - name: kind
              data_tests: [not_null, unique, {accepted_values: {values: [a, b]}}]
      """,
    ]
    let fixture = try await DatabaseFixture("batch", files: files)
    #expect(try fixture.swdbt(["seed"]).status == 0)
    #expect(try fixture.swdbt(["run"]).status == 0)
    let counted = try fixture.swdbt(["test"])
    #expect(counted.stderr.contains("FAIL 1 not_null_m_id ["), "\(counted.stderr)")
    #expect(counted.stderr.contains("FAIL 1 unique_m_id ["))
    #expect(counted.stderr.contains("PASS not_null_m_kind ["))
    #expect(counted.stderr.contains("PASS unique_m_kind ["))
    #expect(counted.stderr.contains("FAIL 1 accepted_values_m_kind__a__b ["))
    // The failing rows of a batched test are still shown.
    #expect(counted.stderr.contains("  | unique_field | n_records |"))

    try fixture.project.write(
      "models/schema.yml",
      """
      version: 2
      models:
        - name: m
          columns:
            - name: id
              data_tests: [unique]
            - name: missing
              data_tests: [not_null]
      """)
    let broken = try fixture.swdbt(["test"])
    #expect(broken.status == 1)
    #expect(broken.stderr.contains("FAIL 1 unique_m_id ["), "\(broken.stderr)")
    #expect(broken.stderr.contains("ERROR test `not_null_m_missing` ["))
    #expect(broken.stderr.contains("column \"missing\" does not exist"))
  }

  @Test func warnSeverityDoesNotSkipOrFail() async throws {
    let fixture = try await DatabaseFixture(
      "buildwarn",
      files: [
        "seeds/s.csv": "id\n1\n1\n",
        "models/m.sql": "select id from {{ ref('s') }}\n",
        "models/after.sql": "select * from {{ ref('m') }}\n",
        "models/schema.yml":
          "version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests:\n          - unique: {config: {severity: warn}}\n",
      ])
    let result = try fixture.swdbt(["build"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("WARN 1 unique_m_id"))
    #expect(result.stderr.contains("OK created view \(fixture.relation("after"))"))
  }

  /// `store_failures_as` decides how failing rows are kept (`view`, `table`, `ephemeral`: none)
  /// under the test's `alias`, and a later run replaces a view with a table.
  @Test func storeFailuresAsKeepsRowsAsAViewOrTableUnderTheAlias() async throws {
    let schemaFile = """
      version: 2
      models:
        - name: orders
          columns:
            - name: amount
              data_tests:
                - positive: {alias: neg_amounts, store_failures_as: KIND}
      """
    var files: [String: String] = [
      "models/orders.sql": "select * from (values (1, -5), (2, 3)) as t(id, amount)\n",
      "tests/generic/positive.sql":
        "{% test positive(model, column_name) %}\nselect * from {{ model }} where {{ column_name }} <= 0\n{% endtest %}\n",
    ]
    files["models/schema.yml"] = schemaFile.replacing("KIND", with: "view")
    let fixture = try await DatabaseFixture("storeas", files: files)
    #expect(try fixture.swdbt(["run"]).status == 0)
    let audit = "\(fixture.schema)_dbt_test__audit"
    let kind =
      "select c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace "
      + "where n.nspname = '\(audit)' and c.relname = 'neg_amounts'"
    #expect(try fixture.swdbt(["test"]).status == 1)
    #expect(try fixture.scalar(kind) == "v")
    #expect(try fixture.rows("select amount from \"\(audit)\".neg_amounts") == [["-5"]])
    try fixture.project.write("models/schema.yml", schemaFile.replacing("KIND", with: "table"))
    #expect(try fixture.swdbt(["test"]).status == 1)
    #expect(try fixture.scalar(kind) == "r")
    try fixture.project.write("models/schema.yml", schemaFile.replacing("KIND", with: "ephemral"))
    let typo = try fixture.swdbt(["test"])
    #expect(typo.status == 1)
    #expect(typo.stderr.contains("unknown `store_failures_as` `ephemral`"), "\(typo.stderr)")
  }

  /// `quote: true` on a column reaches its tests quoted, as in dbt: a mixed-case column is
  /// tested as written instead of folded to lower case (which found no such column).
  @Test func aQuotedColumnIsTestedByItsExactName() async throws {
    let fixture = try await DatabaseFixture(
      "quotedcol",
      files: [
        "models/people.sql": "select 1 as \"Name\"\n",
        "models/schema.yml": """
        version: 2
        models:
          - name: people
            columns:
              - name: Name
                quote: true
                data_tests: [not_null, unique]
        """,
      ])
    let result = try fixture.swdbt(["build"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("PASS not_null_people__Name_"), "\(result.stderr)")
    #expect(result.stderr.contains("PASS unique_people__Name_"), "\(result.stderr)")
  }
}
