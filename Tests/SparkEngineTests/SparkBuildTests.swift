#if Spark
  import Foundation
  import SwdbtTestSupport
  import Testing

  /// Fails in CI when the Spark server the integration tests need is not there (CI starts it).
  @Test func sparkServerForEngineTestsIsReachableInCI() {
    if SparkServer.isCI && !SparkServer.isReachable {
      Issue.record("CI=true but \(SparkServer.skipReason)")
    }
  }

  /// `swdbt build` on a real Spark: every materialization, seeds, tests, the swap's guarantees.
  @Suite(.serialized, .enabled(if: SparkServer.isReachable, SparkServer.skipReason))
  struct SparkBuildTests {
    static let seed =
      "id,name,amount,day\n1,alice,1.5,2024-01-01\n2,bob,,2024-01-02\n3,carol,7,2024-01-02\n"

    @Test func seedsViewsTablesEphemeralAndFailingTests() async throws {
      try await onOwnThread {
        let project = try SparkProject(
          "build",
          files: [
            "seeds/people.csv": Self.seed,
            "models/base.sql":
              "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('people') }}",
            "models/wide.sql": """
            {{ config(materialized='table', partition_by=['day'], tblproperties={'owner_team': 'data'}) }}
            select id, name, amount, day, {{ dbt.dateadd('day', 1, 'day') }} as next_day,
              {{ dbt.concat(['name', "'!'"]) }} as shout
            from {{ ref('base') }}
            """,
            // A double-quoted string, as Spark users write one (a string on Spark).
            "models/names.sql":
              "select id, upper(name) as name, \"spark\" as engine from {{ ref('wide') }}",
            "models/schema.yml": """
            version: 2
            models:
              - name: wide
                columns:
                  - name: id
                    tests: [not_null, unique]
                  - name: amount
                    tests: [not_null]
            """,
          ])
        let result = try project.swdbt(["build"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("FAIL 1 not_null_wide_amount"), "\(result.stdout)")
        #expect(result.stdout.contains("PASS unique_wide_id"))
        // The seed's types are inferred as dbt-spark's are.
        let types = try project.rows("describe table {schema}.people").prefix(4).map { $0[1] }
        #expect(types == ["bigint", "string", "double", "date"])
        let rows = try project.rows(
          "select id, name, amount, cast(next_day as date), shout from {schema}.wide order by id")
        #expect(
          rows == [
            ["1", "alice", "1.5", "2024-01-02", "alice!"],
            ["2", "bob", nil, "2024-01-03", "bob!"],
            ["3", "carol", "7", "2024-01-03", "carol!"],
          ])
        let properties = try project.rows("show tblproperties {schema}.wide")
        #expect(properties.contains { $0.first == "owner_team" && $0.last == "data" })
        #expect(!properties.contains { $0.first == "swdbt.intermediate" })
        // The view was skipped (its parent's test failed); built alone it reads the table.
        let view = try project.swdbt(["run", "--select", "names"])
        #expect(view.status == 0, "\(view.stdout)\(view.stderr)")
        #expect(
          try project.rows("select name, engine from {schema}.names order by id").first == [
            "ALICE", "spark",
          ])
        // Names as dbt-spark writes them: `schema.name`, unquoted.
        let compiled = try project.files.read("target/compiled/build/models/names.sql")
        #expect(compiled.contains("from \(project.schema).wide"), "\(compiled)")
        // The ephemeral model is never a relation.
        #expect(try project.rows("show tables in {schema} like 'base'").isEmpty)
        // docs generate reads the catalog with DESCRIBE.
        let docs = try project.swdbt(["docs", "generate"])
        #expect(docs.status == 0, "\(docs.stderr)")
        let catalog = try project.files.read("target/catalog.json")
        #expect(catalog.contains("\"next_day\""))
        #expect(catalog.contains("\"VIEW\""))
      }
    }

    @Test func failedTableBuildLeavesTheOldTableAndLeftoversAreCleaned() async throws {
      try await onOwnThread {
        let project = try SparkProject(
          "swap", files: ["models/t.sql": "{{ config(materialized='table') }}\nselect 1 as id"])
        #expect(try project.swdbt(["run"]).status == 0)
        try project.files.write(
          "models/t.sql", "{{ config(materialized='table') }}\nselect id from no_such_table")
        let failed = try project.swdbt(["run"])
        #expect(failed.status == 1)
        #expect(try project.rows("select id from {schema}.t") == [["1"]])
        // What a killed build leaves (marked) is dropped at the next run; a user's table of
        // such a name (unmarked) is kept.
        _ = try project.rows(
          "create table {schema}.t2__swdbt_tmp using parquet tblproperties "
            + "('swdbt.intermediate' = 'true') as select 1 as id")
        _ = try project.rows(
          "create table {schema}.mine__swdbt_tmp using parquet as select 1 as id")
        try project.files.write(
          "models/t.sql", "{{ config(materialized='table') }}\nselect 2 as id")
        let again = try project.swdbt(["run"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        let tables = try project.rows("show tables in {schema}").compactMap { $0[1] }
        #expect(!tables.contains("t2__swdbt_tmp"))
        #expect(tables.contains("mine__swdbt_tmp"))
        // This session listed the old table's files; another session replaced it.
        _ = try project.rows("refresh table {schema}.t")
        #expect(try project.rows("select id from {schema}.t") == [["2"]])
      }
    }

    @Test func incrementalAppendAndInsertOverwrite() async throws {
      try await onOwnThread {
        let model = { (strategy: String, partition: String) in
          """
          {{ config(materialized='incremental', incremental_strategy='\(strategy)'\(partition)) }}
          select {{ var('n') }} as id, {{ var('day') }} as day
          """
        }
        let project = try SparkProject(
          "incr",
          files: [
            "models/appended.sql": model("append", ""),
            "models/overwritten.sql": model("insert_overwrite", ", partition_by=['day']"),
            "models/whole.sql": model("insert_overwrite", ""),
          ])
        for (n, day) in [(1, 1), (2, 2), (3, 1)] {
          let run = try project.swdbt(["run", "--vars", "{n: \(n), day: \(day)}"])
          #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        }
        #expect(
          try project.rows("select id from {schema}.appended order by id") == [["1"], ["2"], ["3"]])
        // Day 1's partition replaced by the third run, day 2's kept.
        #expect(
          try project.rows("select id, day from {schema}.overwritten order by id")
            == [["2", "2"], ["3", "1"]])
        #expect(try project.rows("select id from {schema}.whole") == [["3"]])
      }
    }

    @Test func mergeOnParquetIsRefusedWithTheFileFormat() async throws {
      try await onOwnThread {
        let project = try SparkProject(
          "merge",
          files: [
            "models/m.sql": """
            {{ config(materialized='incremental', incremental_strategy='merge', unique_key='id') }}
            select 1 as id
            """
          ])
        // Refused before anything is built, the first run too (as dbt-spark validates).
        let refused = try project.swdbt(["run"])
        #expect(refused.status == 1)
        let output = refused.stdout + refused.stderr
        #expect(
          output.contains("incremental strategy `merge` of `m` needs a `file_format`"), "\(output)")
        #expect(output.contains("`parquet` tables take only `append` and `insert_overwrite`"))
        #expect(try project.rows("show tables in {schema} like 'm'").isEmpty)
      }
    }

    /// A view replaces a table of the same name (and the other way round): the view is
    /// created in one statement unless Spark says a table is in the way.
    @Test func viewAndTableReplaceEachOther() async throws {
      try await onOwnThread {
        let project = try SparkProject(
          "swap", files: ["models/m.sql": "{{ config(materialized='table') }}\nselect 1 as id"])
        #expect(try project.swdbt(["run"]).status == 0)
        try project.files.write("models/m.sql", "{{ config(materialized='view') }}\nselect 2 as id")
        let view = try project.swdbt(["run", "--debug"])
        #expect(view.status == 0, "\(view.stdout)\(view.stderr)")
        #expect(try project.rows("show views in {schema} like 'm'").count == 1)
        #expect(try project.rows("select id from {schema}.m") == [["2"]])
        try project.files.write(
          "models/m.sql", "{{ config(materialized='table') }}\nselect 3 as id")
        #expect(try project.swdbt(["run"]).status == 0)
        #expect(try project.rows("show views in {schema} like 'm'").isEmpty)
        #expect(try project.rows("select id from {schema}.m") == [["3"]])
        // A view over a view: one statement, no look-up first.
        try project.files.write("models/m.sql", "select 4 as id")
        let again = try project.swdbt(["run", "--debug"])
        #expect(again.status == 0)
        let again2 = try project.swdbt(["run", "--debug"])
        let sent = (again2.stdout + again2.stderr).components(separatedBy: "\n").filter {
          $0.hasPrefix("show ") || $0.hasPrefix("create ")
        }
        #expect(
          sent.count == 1 && sent.first?.hasPrefix("create or replace view") == true, "\(sent)")
      }
    }

    @Test func debugReportsTheSparkServer() async throws {
      try await onOwnThread {
        let project = try SparkProject("debug", files: [:])
        let result = try project.swdbt(["debug"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("server:     Spark 4."), "\(result.stdout)")
        #expect(result.stdout.contains("catalog spark_catalog"), "\(result.stdout)")
        #expect(result.stdout.contains("Connection test: OK"))
      }
    }
  }
#endif
