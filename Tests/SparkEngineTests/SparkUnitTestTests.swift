#if Spark
  import Foundation
  import SwdbtTestSupport
  import Testing

  /// `unit_tests:` on a real Spark: fixtures typed from the values or the catalog, the
  /// differences table, overrides, and `build` running a model's unit tests before it.
  @Suite(.serialized, .enabled(if: SparkServer.isReachable, SparkServer.skipReason))
  struct SparkUnitTestTests {
    static let files: [String: String] = [
      "seeds/orders.csv": "id,email,amount\n1,A@B.COM,1.5\n2,c@d.com,3\n",
      "models/clean.sql": """
      {{ config(materialized='incremental') }}
      select id, lower(email) as email, amount * {{ var('rate', 1) }} as amount
      from {{ ref('orders') }}
      {% if is_incremental() %} where id > (select max(id) from {{ this }}) {% endif %}

      """,
      "models/totals.sql":
        "select id, cast(amount * 1.5 as decimal(10, 2)) as total from {{ ref('orders') }}\n",
      "models/unit.yml": """
      unit_tests:
        - name: lowers_emails
          model: clean
          given:
            - input: ref('orders')
              rows:
                - {id: 1, email: A@B.COM, amount: 2}
                - {id: 2, email: "it's", amount: 3}
          expect:
            rows:
              - {id: 2, email: "it's", amount: 3}
              - {id: 1, email: a@b.com, amount: 2}
        - name: wrong_amounts
          model: clean
          given:
            - input: ref('orders')
              format: csv
              rows: |
                id,email,amount
                1,x@y.z,2
          expect:
            format: csv
            rows: |
              id,email,amount
              1,x@y.z,3
        - name: only_new_rows
          model: clean
          overrides:
            macros: {is_incremental: true}
            vars: {rate: 10}
          given:
            - input: ref('orders')
              rows:
                - {id: 1, email: a, amount: 1}
                - {id: 5, email: b, amount: 2}
            - input: this
              format: sql
              rows: select 3 as id, 'old' as email, 1 as amount
          expect:
            rows: [{id: 5, amount: 20}]
        - name: decimal_totals
          model: totals
          given:
            - input: ref('orders')
              rows: [{id: 1, amount: 2}, {id: 2, amount: 3}]
          expect:
            rows: [{id: 1, total: 3}, {id: 2, total: 4.50}]
        - name: wrong_total
          model: totals
          given:
            - input: ref('orders')
              rows: [{id: 1, amount: 2}]
          expect:
            rows: [{id: 1, total: 3.1}]

      """,
    ]

    @Test func unitTestsPassAndFailWithTheDifferingRows() async throws {
      try await onOwnThread {
        let project = try SparkProject("unit", files: Self.files)
        let passing = try project.swdbt([
          "test", "--select", "test_type:unit", "--exclude", "unit_test:wrong_*",
        ])
        #expect(passing.status == 0, "\(passing.stdout)\(passing.stderr)")
        #expect(passing.stdout.contains("PASS=3"), "\(passing.stdout)")
        let failing = try project.swdbt(["test", "--select", "test_type:unit"])
        #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
        let output = failing.stdout + failing.stderr
        #expect(output.contains("FAIL 2 wrong_amounts"), "\(output)")
        #expect(output.contains("models/unit.yml:"), "\(output)")
        #expect(output.contains("- | expected | 1  | x@y.z | 3"), "\(output)")
        #expect(output.contains("+ | actual   | 1  | x@y.z | 2"), "\(output)")
        // Decimals read without their scale's trailing zeros (`3.00` is `3`).
        #expect(output.contains("- | expected | 1  | 3.1"), "\(output)")
        #expect(output.contains("+ | actual   | 1  | 3    "), "\(output)")
        #expect(output.contains("PASS=3"), "\(output)")
      }
    }

    @Test func buildRunsAModelsUnitTestsBeforeIt() async throws {
      try await onOwnThread {
        let project = try SparkProject("unit_build", files: Self.files)
        let failing = try project.swdbt(["build"])
        #expect(failing.status == 1, "\(failing.stdout)\(failing.stderr)")
        // The seed is built; `clean`, whose unit test failed, is skipped.
        #expect(try project.rows("select count(*) from {schema}.orders") == [["2"]])
        #expect(try project.rows("show tables in {schema} like 'clean'").isEmpty)
        // With the seed built, fixtures take its column types from the catalog.
        let passing = try project.swdbt(["build", "--exclude", "unit_test:wrong_*"])
        #expect(passing.status == 0, "\(passing.stdout)\(passing.stderr)")
        let lines = passing.stdout.split(separator: "\n")
        let unitTest = lines.firstIndex { $0.contains("lowers_emails") }
        let model = lines.firstIndex { $0.contains("model") && $0.contains(".clean") }
        #expect(
          unitTest != nil && model != nil && (unitTest ?? 0) < (model ?? 0), "\(passing.stdout)")
        let built = try project.rows(
          "select id, email, cast(amount * 10 as int) from {schema}.clean order by id")
        #expect(built == [["1", "a@b.com", "15"], ["2", "c@d.com", "30"]], "\(built)")
      }
    }
  }
#endif
