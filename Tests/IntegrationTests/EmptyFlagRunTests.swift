import SwdbtTestSupport
import Testing

/// `--empty` builds every model with its columns and no rows: refs and sources read
/// `(select * from x where false limit 0)`; seeds are created with their columns and no rows.
@Suite struct EmptyFlagRunTests {
  static let files: [String: String] = [
    "seeds/raw_source.csv": "id\n3\n",
    "models/model_input.sql": "select 1 as id\n",
    "models/ephemeral_model_input.sql":
      "{{ config(materialized='ephemeral') }}\nselect 2 as id\n",
    "models/model.sql":
      """
    {{ config(materialized='table') }}
    select *
    from {{ ref('model_input') }}
    union all
    select *
    from {{ ref('ephemeral_model_input') }}
    union all
    select *
    from {{ source('seed_sources', 'raw_source') }}

    """,
    "models/growing.sql":
      "{{ config(materialized='incremental') }}\nselect id, 'x'::text as label from {{ ref('model') }}\n",
    "models/sources.yml":
      """
    sources:
      - name: seed_sources
        schema: "{{ target.schema }}"
        tables:
          - name: raw_source

    """,
  ]

  func columns(_ fixture: DatabaseFixture, _ name: String) throws -> [[String?]] {
    try fixture.rows(
      "select attname, format_type(atttypid, atttypmod) from pg_attribute "
        + "where attrelid = '\(fixture.relation(name))'::regclass and attnum > 0 "
        + "and not attisdropped order by attnum")
  }

  @Test func runEmptyBuildsEveryModelWithItsColumnsAndNoRows() async throws {
    let fixture = try await DatabaseFixture("empty", files: Self.files)
    #expect(try fixture.swdbt(["seed"]).status == 0)
    let empty = try fixture.swdbt(["run", "--empty"])
    #expect(empty.status == 0, "\(empty.stderr)")
    for name in ["model", "growing"] {
      #expect(try fixture.scalar("select count(*) from \(fixture.relation(name))") == "0")
    }
    #expect(try columns(fixture, "model") == [["id", "integer"]])
    #expect(try columns(fixture, "growing") == [["id", "integer"], ["label", "text"]])
    // A model's own query is not limited, only what it reads (as in dbt): this view reads
    // nothing, so it keeps its row.
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("model_input"))") == "1")
    #expect(
      try fixture.scalar(
        "select relkind from pg_class where oid = '\(fixture.relation("model_input"))'::regclass")
        == "v")
    let full = try fixture.swdbt(["run", "--full-refresh"])
    #expect(full.status == 0, "\(full.stderr)")
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("model"))") == "3")
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("growing"))") == "3")
    #expect(try fixture.swdbt(["run", "--empty"]).status == 0)
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("model"))") == "0")
  }

  @Test func buildEmptyCreatesSeedsWithTheirTypesAndNoRows() async throws {
    let fixture = try await DatabaseFixture(
      "emptyseed",
      files: [
        "seeds/raw_seed.csv":
          "id,name,price,is_active,created_at\n1,Alice,1.23,true,2024-01-01 00:00:00\n"
          + "2,Bob,99.99,false,2024-06-15 12:30:00\n",
        "models/model.sql": "select * from {{ ref('raw_seed') }}\n",
      ])
    let result = try fixture.swdbt(["build", "--empty"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("TOTAL=2"), "\(result.stdout)")
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("raw_seed"))") == "0")
    let types = try columns(fixture, "raw_seed").map { $0[1] ?? "" }
    #expect(types == ["integer", "text", "numeric", "boolean", "timestamp without time zone"])
    #expect(try fixture.swdbt(["seed", "--empty"]).status == 0)
    #expect(try fixture.swdbt(["seed", "--full-refresh"]).status == 0)
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("raw_seed"))") == "2")
  }
}
