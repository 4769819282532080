import Diagnostics
import Project
import SwdbtTestSupport
import Testing

@testable import Compiler

/// Generic tests have dbt's unique ids, `test.<package>.<name>.<hash>`: the hash is the end
/// of an MD5 over the name and Python's `repr` of the test's metadata. The expected ids are
/// the ones dbt-core 1.12 wrote to its manifest for this very project.
@Suite struct GenericTestIDTests {
  static let files: [String: String] = [
    "project.yml": "name: tid\ntargets:\n  dev: {type: postgres, schema: dev}\n",
    "models/orders.sql": "select 1 as id, 'placed' as status, 1 as customer_id\n",
    "models/customers.sql": "select 1 as id\n",
    "models/versioned.sql": "select 1 as id\n",
    "seeds/people.csv": "id,name\n1,a\n",
    "macros/tests.sql": #"""
    {% test my_range(model, column_name, min_value=none, max_value=none, opts=none, flag=none, label=none) %}
    select * from {{ model }} where {{ column_name }} < {{ min_value }}
    {% endtest %}
    {% test row_check(model, expr) %}
    select * from {{ model }} where not ({{ expr }})
    {% endtest %}

    """#,
    "dbt_packages/mypkg/dbt_project.yml": "name: mypkg\nversion: '1.0'\nconfig-version: 2\n",
    "dbt_packages/mypkg/macros/t.sql": #"""
    {% test at_least(model, column_name, n=1, labels=none) %}
    select 1 where false
    {% endtest %}

    """#,
    // Arguments of every YAML type, strings with quotes, backslashes, tabs and unprintable
    // characters (Python's repr escapes them), sources, seeds, a quoted column, `name:`,
    // a namespaced test from a package, and `description:` (no argument in dbt).
    "models/schema.yml": #"""
    version: 2
    sources:
      - name: raw
        schema: raw
        tables:
          - name: events
            columns:
              - name: event_id
                data_tests:
                  - not_null
                  - unique
                  - accepted_values:
                      arguments:
                        values: ['a', 'b']
    models:
      - name: orders
        data_tests:
          - row_check:
              arguments:
                expr: "status <> 'x' and id > 0"
          - row_check:
              arguments:
                expr: 'say "hi"'
              config:
                severity: warn
        columns:
          - name: id
            data_tests:
              - not_null
              - unique:
                  config:
                    where: "id > 0"
              - my_range:
                  arguments:
                    min_value: 0
                    max_value: 1.5
                    opts: {b: [1, 2.0, true], a: null}
                    flag: false
                    label: "it's \\ ok\ttab"
          - name: status
            data_tests:
              - accepted_values:
                  arguments:
                    values: ['placed', 'shipped', 'completed', 'return_pending', 'returned']
                  description: "Statuses"
              - accepted_values:
                  arguments:
                    values: [1, 2]
                    quote: false
                  name: custom_status_name
          - name: customer_id
            data_tests:
              - relationships:
                  arguments:
                    to: ref('customers')
                    field: id
              - relationships:
                  arguments:
                    to: source('raw', 'events')
                    field: event_id
      - name: customers
        columns:
          - name: id
            quote: true
            data_tests:
              - not_null

    """#,
    "models/more.yml": #"""
    version: 2
    seeds:
      - name: people
        columns:
          - name: name
            data_tests:
              - mypkg.at_least:
                  arguments:
                    n: 2
                    labels: ["caf\u00e9", "nb\u00a0sp", "x\\y", "q'\"q"]
    models:
      - name: versioned
        data_tests:
          - not_null:
              column_name: id
          - mypkg.at_least:
              arguments:
                column_name: id
                n: -3.25
          - row_check:
              arguments:
                expr: "id > 0"
              description: a described test

    """#,
  ]

  @Test func genericTestIDsAreDbts() throws {
    let fixture = try ProjectFixture(Self.files)
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    let compilation = try #require(Compiler.compile(loaded, sink: sink))
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let ids = compilation.nodes.map(\.uniqueID).filter { $0.hasPrefix("test.") }.sorted()
    #expect(
      ids == [
        "test.tid.accepted_values_orders_status__placed__shipped__completed__return_pending__returned.be6b5b5ec3",
        "test.tid.custom_status_name.16879353c7",
        "test.tid.my_range_orders_id__False__it_s_ok_tab__1_5__0___1_2_0_True___None.6e05ba447b",
        "test.tid.mypkg_at_least_people_name__caf___nb_sp__x_y__q_q__2.c22576862d",
        "test.tid.mypkg_at_least_versioned_id___3_25.687e3c5c09",
        "test.tid.not_null_customers__id_.7dfc93adb8",
        "test.tid.not_null_orders_id.84ef11d8fe",
        "test.tid.not_null_versioned_id.f1f149ad05",
        "test.tid.relationships_orders_customer_id__event_id__source_raw_events_.2ccec56341",
        "test.tid.relationships_orders_customer_id__id__ref_customers_.4282b0c525",
        "test.tid.row_check_orders_say_hi_.bed02a146f",
        "test.tid.row_check_orders_status_x_and_id_0.a04a86e9e6",
        "test.tid.row_check_versioned_id_0.683e47a8ff",
        "test.tid.source_accepted_values_raw_events_event_id__a__b.01e0fc4bd2",
        "test.tid.source_not_null_raw_events_event_id.1893a9eae2",
        "test.tid.source_unique_raw_events_event_id.825f404073",
        "test.tid.unique_orders_id.1360ecc70e",
      ], "\(ids)")
    // The name stays the readable one.
    let notNull = compilation.nodes.first {
      $0.uniqueID == "test.tid.not_null_orders_id.84ef11d8fe"
    }
    #expect(notNull?.name == "not_null_orders_id")
    #expect(notNull?.genericTest?.namespace == nil)
    // dbt's `test_metadata.namespace`.
    let namespaced = compilation.nodes.filter { $0.genericTest?.testName == "at_least" }
    #expect(namespaced.count == 2 && namespaced.allSatisfy { $0.genericTest?.namespace == "mypkg" })
  }

  /// Python's `repr` of strings: the quote it picks and what it escapes.
  @Test func stringsAreWrittenAsPythonsRepr() {
    let cases: [(String, String)] = [
      ("plain", "'plain'"),
      ("it's", "\"it's\""),
      ("say \"hi\"", "'say \"hi\"'"),
      ("both ' and \"", "'both \\' and \"'"),
      ("back\\slash\ttab\nline", "'back\\\\slash\\ttab\\nline'"),
      (
        "caf\u{e9} nb\u{a0}sp \u{7f} \u{200b} \u{1F600}",
        "'caf\u{e9} nb\\xa0sp \\x7f \\u200b \u{1F600}'"
      ),
    ]
    for (input, expected) in cases {
      var text: [UInt8] = []
      GenericTestID.appendString(input, to: &text)
      #expect(String(decoding: text, as: UTF8.self) == expected, "\(input)")
    }
  }
}
