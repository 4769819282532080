import SwdbtTestSupport
import Testing

/// `unit_tests:` run by `swdbt test` and `swdbt build`, on a database where nothing is built.
@Suite struct UnitTestRunTests {
  static let files: [String: String] = [
    "models/orders.sql": "select 1 as id, 10.5::numeric as amount, 'x'::text as email\n",
    "models/clean.sql":
      """
    {{ config(materialized='incremental') }}
    select id, lower(email) as email, amount * {{ var('rate', 1) }} as amount
    from {{ ref('orders') }}
    {% if is_incremental() %} where id > (select max(id) from {{ this }}) {% endif %}

    """,
    "macros/today.sql": "{% macro today() %}current_date{% endmacro %}\n",
    "models/stamped.sql": "select id, {{ today() }} as loaded_on from {{ ref('orders') }}\n",
    "models/unit.yml":
      """
    models:
      - name: orders
        columns:
          - {name: id, data_type: integer}
          - {name: amount, data_type: numeric}
          - {name: email, data_type: text}
    unit_tests:
      - name: lowers_emails
        model: clean
        given:
          - input: ref('orders')
            rows:
              - {id: 1, email: A@B.COM, amount: 2}
              - {id: 2, email: c@d.com, amount: 3}
        expect:
          rows:
            - {id: 2, email: c@d.com, amount: 3}
            - {id: 1, email: a@b.com, amount: 2}
      - name: csv_and_overrides
        model: clean
        overrides:
          macros: {is_incremental: true}
          vars: {rate: 10}
        given:
          - input: ref('orders')
            format: csv
            rows: |
              id,email,amount
              1,x@y.z,1
              5,p@q.r,2
          - input: this
            format: sql
            rows: select 3 as id, 'old' as email, 1 as amount
        expect:
          format: csv
          rows: |
            id,amount
            5,20
      - name: macro_overridden
        model: stamped
        overrides:
          macros: {today: "'2024-01-31'::date"}
        given:
          - input: ref('orders')
            rows: [{id: 1}]
        expect:
          rows: [{id: 1, loaded_on: 2024-01-31}]
      - name: wrong_expectation
        model: clean
        given:
          - input: ref('orders')
            rows: [{id: 1, email: a, amount: 1}]
        expect:
          rows: [{id: 1, email: b}]

    """,
  ]

  @Test func unitTestsRunOnAnEmptyDatabaseAndPrintTheDifferingRows() async throws {
    let fixture = try await DatabaseFixture("unit_tests", files: Self.files)
    let passing = try fixture.swdbt([
      "test", "--select", "test_type:unit", "--exclude", "unit_test:wrong_expectation",
    ])
    #expect(passing.status == 0, "\(passing.stdout)\(passing.stderr)")
    #expect(passing.stdout.contains("PASS=3"), "\(passing.stdout)")
    let manifest = try fixture.project.read("target/manifest.json")
    #expect(manifest.contains("\"unit_tests\":{\"unit_test.it.clean.csv_and_overrides\""))
    let results = try fixture.project.read("target/run_results.json")
    #expect(results.contains("unit_test.it.clean.lowers_emails"))
    // Selecting the model selects its unit tests.
    let byModel = try fixture.swdbt(["test", "--select", "clean"])
    #expect(byModel.status == 1)
    #expect((byModel.stdout + byModel.stderr).contains("wrong_expectation"))
    let failing = try fixture.swdbt(["test", "--select", "unit_test:wrong_expectation"])
    #expect(failing.status == 1)
    let output = failing.stdout + failing.stderr
    #expect(output.contains("models/unit.yml:"))
    #expect(output.contains("- | expected | 1  | b"), "\(output)")
    #expect(output.contains("+ | actual   | 1  | a"), "\(output)")
  }

  @Test func aFailingUnitTestSkipsItsModelInBuild() async throws {
    let fixture = try await DatabaseFixture("unit_tests_build", files: Self.files)
    let build = try fixture.swdbt(["build"])
    #expect(build.status == 1)
    #expect(
      try fixture.scalar("select to_regclass('\(fixture.relation("orders"))') is not null") == "t")
    #expect(try fixture.scalar("select to_regclass('\(fixture.relation("clean"))') is null") == "t")
  }
}
