import Foundation
import SwdbtTestSupport
import Testing

/// `persist_docs`, `indexes` and `unlogged`, asserted by PostgreSQL's catalog.
@Suite struct RelationPropertyTests {
  static let tricky = """
    Described "with double quotes"
    and 'single quotes'; -- reserved
    /* comment */ $$ dollars $$ $lbl$ labeled $lbl$
    """

  static let schemaYAML = """
    version: 2
    models:
      - name: table_model
        description: |
          Table model. \(tricky.split(separator: "\n").joined(separator: "\n      "))
        columns:
          - name: id
            description: "id column"
          - name: Name
            description: "see {{ doc('name_doc') }}"
          - name: no_such_column
            description: "nowhere"
      - name: view_model
        description: "View model"
        columns:
          - name: id
            description: "view id"
      - name: quoted_model
        columns:
          - name: MyCol
            description: "must not land on mycol"
            quote: true
      - name: inc_model
        description: "Incremental v1"

    """

  static func description(_ fixture: DatabaseFixture, _ name: String) throws -> String? {
    try fixture.scalar("select obj_description('\(fixture.relation(name))'::regclass, 'pg_class')")
  }

  static func columnComment(_ fixture: DatabaseFixture, _ name: String, _ column: Int) throws
    -> String?
  {
    try fixture.scalar("select col_description('\(fixture.relation(name))'::regclass, \(column))")
  }

  @Test func persistDocsWritesCommentsAfterEveryBuildAndKeepsThemAcrossSwaps() async throws {
    let fixture = try await DatabaseFixture(
      "persist_docs",
      projectYAML: "models:\n  it:\n    +persist_docs: {relation: true, columns: true}\n",
      files: [
        "models/table_model.sql":
          "{{ config(materialized='table') }}\nselect 1 as id, 'Joe' as name\n",
        "models/view_model.sql": "select 2 as id, 'Bob' as name\n",
        "models/quoted_model.sql": "{{ config(materialized='table') }}\nselect 1 as mycol\n",
        "models/inc_model.sql": "{{ config(materialized='incremental') }}\nselect 1 as id\n",
        "models/reader.sql": "select id from {{ ref('table_model') }}\n",
        "models/schema.yml": Self.schemaYAML,
        "models/docs.md": "{% docs name_doc %}\nthe person's name\n{% enddocs %}\n",
      ])
    let first = try fixture.swdbt(["run"])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(
      first.stderr.contains(
        "warning: the YAML of `table_model` documents column `no_such_column`, which "),
      "\(first.stderr)")
    #expect(first.stderr.contains("documents column `MyCol`, which "), "\(first.stderr)")
    for _ in 0..<2 {
      let table = try Self.description(fixture, "table_model")
      #expect(table?.hasPrefix("Table model. Described \"with double quotes\"") == true)
      #expect(table?.contains("/* comment */ $$ dollars $$ $lbl$ labeled $lbl$") == true)
      #expect(try Self.columnComment(fixture, "table_model", 1) == "id column")
      // An unquoted YAML name matches the column PostgreSQL folded it to.
      #expect(try Self.columnComment(fixture, "table_model", 2) == "see the person's name")
      #expect(try Self.description(fixture, "view_model") == "View model")
      #expect(try Self.columnComment(fixture, "view_model", 1) == "view id")
      #expect(try Self.columnComment(fixture, "view_model", 2) == nil)
      #expect(try Self.columnComment(fixture, "quoted_model", 1) == nil)
      // The second run swaps a new table in (with a dependent view): the comments come along.
      let again = try fixture.swdbt(["run"])
      #expect(again.status == 0, "\(again.stderr)")
    }
    // An incremental run (no swap) writes the current description too.
    try fixture.project.write(
      "models/schema.yml", Self.schemaYAML.replacing("Incremental v1", with: "Incremental v2"))
    #expect(try Self.description(fixture, "inc_model") == "Incremental v1")
    let third = try fixture.swdbt(["run", "-s", "inc_model"])
    #expect(third.status == 0, "\(third.stderr)")
    #expect(third.stdout.contains("append into incremental table"), "\(third.stdout)")
    #expect(try Self.description(fixture, "inc_model") == "Incremental v2")
  }

  @Test func indexesAndUnloggedAreCreatedAndRecreatedOnTheSwappedTable() async throws {
    let fixture = try await DatabaseFixture(
      "indexes",
      files: [
        "models/indexed.sql":
          """
        {{ config(materialized='table', unlogged=true, indexes=[
            {'columns': ['id'], 'unique': true},
            {'columns': ['name'], 'type': 'hash'},
            {'columns': ['id', 'name']}]) }}
        select 1 as id, 'a' as name

        """,
        "models/reader.sql": "select id from {{ ref('indexed') }}\n",
      ])
    let indexQuery = """
      select string_agg(a.attname, ',' order by k.n), am.amname, x.indisunique::text
      from pg_index x join pg_class i on i.oid = x.indexrelid join pg_am am on am.oid = i.relam
      cross join lateral unnest(x.indkey) with ordinality k(attnum, n)
      join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum
      where x.indrelid = '\(fixture.relation("indexed"))'::regclass
      group by x.indexrelid, am.amname, x.indisunique order by 1, 2
      """
    for _ in 0..<2 {
      let run = try fixture.swdbt(["run"])
      #expect(run.status == 0, "\(run.stderr)")
      #expect(
        try fixture.rows(indexQuery) == [
          ["id", "btree", "true"], ["id,name", "btree", "false"], ["name", "hash", "false"],
        ])
      #expect(
        try fixture.scalar(
          "select relpersistence::text from pg_class where oid = '\(fixture.relation("indexed"))'::regclass"
        ) == "u")
    }
    // The old table's indexes went with it: none is left behind in the schema.
    #expect(
      try fixture.scalar(
        "select count(*) from pg_indexes where schemaname = '\(fixture.schema)'") == "3")
  }

  @Test func incrementalModelsGetTheirIndexesOnceAndGainNewOnes() async throws {
    func model(_ indexes: String) -> String {
      "{{ config(materialized='incremental', indexes=[\(indexes)]) }}\nselect 1 as id, 2 as v\n"
    }
    let fixture = try await DatabaseFixture(
      "inc_indexes", files: ["models/inc.sql": model("{'columns': ['id']}")])
    #expect(try fixture.swdbt(["run"]).status == 0)
    #expect(try fixture.swdbt(["run"]).status == 0)
    let count =
      "select count(*) from pg_index where indrelid = '\(fixture.relation("inc"))'::regclass"
    #expect(try fixture.scalar(count) == "1")
    try fixture.project.write(
      "models/inc.sql", model("{'columns': ['id']}, {'columns': ['v'], 'unique': false}"))
    let third = try fixture.swdbt(["run"])
    #expect(third.status == 0, "\(third.stderr)")
    #expect(try fixture.scalar(count) == "2")
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("inc"))") == "3")
  }

  @Test func malformedIndexesAreLocatedErrors() async throws {
    let fixture = try await DatabaseFixture(
      "bad_indexes",
      files: [
        "models/bad.sql":
          "{{ config(materialized='table', indexes=[{'column': ['id']}]) }}\nselect 1 as id\n"
      ])
    let run = try fixture.swdbt(["run"])
    #expect(run.status == 1)
    #expect(
      run.stderr.contains("models/bad.sql:1:"), "\(run.stderr)")
    #expect(run.stderr.contains("error: unknown index key `column` in `indexes`"), "\(run.stderr)")
    #expect(run.stderr.contains("hint: did you mean `columns`?"), "\(run.stderr)")
  }

  @Test func indexesOnAViewAndAnUnloggedViewAreWarnings() async throws {
    let fixture = try await DatabaseFixture(
      "inapplicable",
      files: [
        "models/v.sql":
          "{{ config(materialized='view', unlogged=true, indexes=[{'columns': ['id']}]) }}\n"
          + "select 1 as id\n"
      ])
    let run = try fixture.swdbt(["run"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stderr.contains("warning: `indexes` has no effect on `v`, a view"), "\(run.stderr)")
    #expect(
      run.stderr.contains("warning: `unlogged` has no effect on `v`, a view"), "\(run.stderr)")
  }
}
