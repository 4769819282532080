import Foundation
import SwdbtTestSupport
import Testing

/// `docs generate`'s catalog.json, as dbt writes it.
@Suite struct CatalogTests {
  /// A source naming a seed's table is in the catalog as well as the seed, as dbt lists it.
  @Test func aSourceOverASeedsTableIsListedUnderBoth() async throws {
    let fixture = try await DatabaseFixture(
      "catalogsource",
      files: [
        "seeds/base.csv": "id\n1\n",
        "models/schema.yml": """
        version: 2
        sources:
          - name: raw
            schema: "{{ target.schema }}"
            tables:
              - name: seed
                identifier: base
        """,
        "models/m.sql": "select * from {{ source('raw', 'seed') }}\n",
      ])
    // The source does not depend on the seed (as in dbt): load it first.
    #expect(try fixture.swdbt(["seed"]).status == 0)
    #expect(try fixture.swdbt(["run"]).status == 0)
    let docs = try fixture.swdbt(["docs", "generate"])
    #expect(docs.status == 0, "\(docs.stderr)")
    let data = try Data(
      contentsOf: URL(fileURLWithPath: fixture.project.root + "/target/catalog.json"))
    let catalog = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    let nodes = (catalog?["nodes"] as? [String: Any])?.keys.sorted()
    let sources = (catalog?["sources"] as? [String: Any])?.keys.sorted()
    #expect(nodes == ["model.it.m", "seed.it.base"])
    #expect(sources == ["source.it.raw.seed"])
  }
}
