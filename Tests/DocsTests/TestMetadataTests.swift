import Compiler
import Diagnostics
import Docs
import Foundation
import Project
import SwdbtTestSupport
import Testing

/// A generic test's `test_metadata` in manifest.json as dbt writes it: the arguments as
/// written (`to: "ref('orders')"`, not the resolved relation), `column_name`, and `model` as
/// the Jinja dbt renders at run time. The expected texts are `dbt parse`'s (dbt-core 1.10).
@Suite struct TestMetadataTests {
  static let files: [String: String] = [
    "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
    "models/orders.sql": "select 1 as id, 'a' as status\n",
    "models/items.sql": "select 1 as id, 1 as order_id from {{ source('src', 'tbl') }}\n",
    "models/schema.yml": """
    version: 2
    sources:
      - name: src
        tables:
          - name: tbl
            columns:
              - name: id
                data_tests: [not_null]
    models:
      - name: orders
        columns:
          - name: id
            data_tests: [not_null]
          - name: status
            data_tests:
              - accepted_values: {values: ['a', 'b']}
      - name: items
        columns:
          - name: order_id
            data_tests:
              - relationships: {to: ref('orders'), field: id}
              - relationships:
                  to: source('src', 'tbl')
                  field: id
    """,
  ]

  @Test func kwargsHoldTheArgumentsAsWrittenAndTheModelsJinja() throws {
    let fixture = try ProjectFixture(Self.files)
    let sink = CollectingSink()
    let project = try ProjectLoader.load(root: fixture.root, sink: sink)
    let compilation = try #require(Compiler.compile(project, sink: sink))
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let metadata = Manifest.Metadata(
      generatedAt: "2026-01-01T00:00:00.000Z", invocationID: "test", adapterType: "postgres")
    let text = String(decoding: Manifest.json(compilation, metadata: metadata), as: UTF8.self)
    // Ids and kwargs (in dbt's order) as `dbt parse` writes them.
    let expected = [
      "test.shop.accepted_values_orders_status__a__b.b355593ca6":
        #"{"values":["a","b"],"column_name":"status","model":"{{ get_where_subquery(ref('orders')) }}"}"#,
      "test.shop.not_null_orders_id.84ef11d8fe":
        #"{"column_name":"id","model":"{{ get_where_subquery(ref('orders')) }}"}"#,
      "test.shop.relationships_items_order_id__id__ref_orders_.c2081153bf":
        #"{"to":"ref('orders')","field":"id","column_name":"order_id","model":"{{ get_where_subquery(ref('items')) }}"}"#,
      "test.shop.relationships_items_order_id__id__source_src_tbl_.93c4d22499":
        #"{"to":"source('src', 'tbl')","field":"id","column_name":"order_id","model":"{{ get_where_subquery(ref('items')) }}"}"#,
      "test.shop.source_not_null_src_tbl_id.bb1c78af71":
        #"{"column_name":"id","model":"{{ get_where_subquery(source('src', 'tbl')) }}"}"#,
    ]
    for (id, kwargs) in expected {
      let node = try #require(text.range(of: "\"\(id)\":{"), "\(id) missing")
      let rest = text[node.upperBound...]
      let metadata = try #require(rest.range(of: "\"test_metadata\":"))
      let kwargsStart = try #require(rest[metadata.upperBound...].range(of: "\"kwargs\":"))
      let written = String(rest[kwargsStart.upperBound...].prefix(kwargs.count))
      #expect(written == kwargs, "\(id)")
    }
  }
}
