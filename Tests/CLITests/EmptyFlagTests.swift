import SwdbtTestSupport
import Testing

/// `compile --empty` writes every `ref` and `source` as dbt's empty subquery.
@Suite struct EmptyFlagTests {
  @Test func compileEmptyWritesRefsAndSourcesAsEmptySubqueries() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
      "models/base.sql": "select 1 as id\n",
      "models/eph.sql": "{{ config(materialized='ephemeral') }}\nselect 2 as id\n",
      "models/user.sql":
        "select * from {{ ref('base') }}\nunion all select * from {{ ref('eph') }}\n"
        + "union all select * from {{ source('crm', 'people') }}\n-- {{ this }}\n",
      "models/sources.yml":
        "version: 2\nsources:\n  - name: crm\n    schema: raw\n    tables:\n      - name: people\n",
    ])
    let result = try Executable.run(["compile", "--empty"], in: fixture.root)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try fixture.read("target/compiled/shop/models/user.sql")
        == """
        with __dbt__cte__eph as (
        select 2 as id
        )
        select * from (select * from "dev"."base" where false limit 0) _dbt_limit_subq_base
        union all select * from (select * from __dbt__cte__eph where false limit 0) _dbt_limit_subq___dbt__cte__eph
        union all select * from (select * from "raw"."people" where false limit 0) _dbt_limit_subq_people
        -- "dev"."user"

        """)
    // Without the flag, the names are plain.
    #expect(try Executable.run(["compile"], in: fixture.root).status == 0)
    #expect(
      try fixture.read("target/compiled/shop/models/user.sql").contains(
        "select * from \"dev\".\"base\"\n"))
  }
}
