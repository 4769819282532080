#if Spark
  import Foundation
  import SwdbtTestSupport
  import Testing

  /// `on_schema_change` of incremental models on a real Spark (parquet tables): a model built
  /// once, then run again with other columns under each policy and strategy.
  @Suite(.serialized, .enabled(if: SparkServer.isReachable, SparkServer.skipReason))
  struct SparkSchemaChangeTests {
    /// Shape 1: `id, a, day`; shape 2: `a` removed, `b` added; shape 3: `b` added only.
    static func model(_ policy: String, _ strategy: String = "append", partitioned: Bool = false)
      -> String
    {
      """
      {{ config(materialized='incremental', incremental_strategy='\(strategy)', \
      on_schema_change='\(policy)'\(partitioned ? ", partition_by=['day']" : "")) }}
      {% if var('shape') == 1 %}
      select {{ var('id') }} as id, 'a{{ var('id') }}' as a, {{ var('id') }} as day
      {% elif var('shape') == 2 %}
      select {{ var('id') }} as id, cast({{ var('id') }}0 as bigint) as b, {{ var('id') }} as day
      {% else %}
      select {{ var('id') }} as id, 'a{{ var('id') }}' as a, {{ var('id') }} as day,
        cast({{ var('id') }}0 as bigint) as b
      {% endif %}
      """
    }

    func columns(_ project: SparkProject, _ table: String) throws -> [String] {
      try project.rows("describe table {schema}.\(table)").prefix {
        ($0[0] ?? "") != "" && !($0[0] ?? "").hasPrefix("#")
      }
      .map { "\($0[0] ?? "") \($0[1] ?? "")" }
    }

    @Test func eachPolicyOnAppendAndInsertOverwrite() async throws {
      try await onOwnThread {
        let project = try SparkProject(
          "schemachange",
          files: [
            "models/failing.sql": Self.model("fail"),
            "models/synced.sql": Self.model("sync_all_columns"),
            "models/synced_add.sql": Self.model("sync_all_columns"),
            "models/appended.sql": Self.model("append_new_columns"),
            "models/overwritten.sql": Self.model(
              "append_new_columns", "insert_overwrite", partitioned: true),
            "models/whole.sql": Self.model("append_new_columns", "insert_overwrite"),
          ])
        let first = try project.swdbt(["run", "--vars", "{shape: 1, id: 1}"])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")

        // `fail` and `sync_all_columns` (a removed column on parquet) stop, altering nothing.
        let refused = try project.swdbt(
          ["run", "--select", "failing", "synced", "--vars", "{shape: 2, id: 2}"])
        #expect(refused.status == 1)
        let output = refused.stdout + refused.stderr
        #expect(
          output.contains(
            "the columns of `\(project.schema)`.`failing` changed (new `b`; removed `a`) and "
              + "on_schema_change is `fail`"), "\(output)")
        #expect(output.contains("run with --full-refresh"), "\(output)")
        #expect(
          output.contains(
            "on_schema_change `sync_all_columns` of `synced` would remove `a` in "
              + "`\(project.schema)`.`synced`, but `parquet` tables on Spark cannot drop or "
              + "retype columns; nothing was changed"), "\(output)")
        #expect(output.contains("models/synced.sql"), "\(output)")
        for table in ["failing", "synced"] {
          #expect(try columns(project, table) == ["id int", "a string", "day int"])
          #expect(try project.rows("select id, a from {schema}.\(table)") == [["1", "a1"]])
        }

        // `append_new_columns`: `b` added, the rows without `a` get null in it.
        let appended = try project.swdbt(
          ["run", "--select", "appended", "overwritten", "whole", "--vars", "{shape: 2, id: 2}"])
        #expect(appended.status == 0, "\(appended.stdout)\(appended.stderr)")
        #expect(try columns(project, "appended") == ["id int", "a string", "day int", "b bigint"])
        #expect(
          try project.rows("select id, a, b from {schema}.appended order by id")
            == [["1", "a1", nil], ["2", nil, "20"]])
        // Partitioned: `b` goes before the partition column; day 1's partition is kept.
        #expect(
          try columns(project, "overwritten") == ["id int", "a string", "b bigint", "day int"])
        #expect(
          try project.rows("select id, a, b, day from {schema}.overwritten order by id")
            == [["1", "a1", nil, "1"], ["2", nil, "20", "2"]])
        // Unpartitioned insert_overwrite replaces the whole table with the new rows.
        #expect(
          try project.rows("select id, a, b from {schema}.whole") == [["2", nil, "20"]])

        // `sync_all_columns` with only a new column adds it on parquet.
        let added = try project.swdbt(
          ["run", "--select", "synced_add", "--vars", "{shape: 3, id: 3}"])
        #expect(added.status == 0, "\(added.stdout)\(added.stderr)")
        #expect(
          try columns(project, "synced_add") == ["id int", "a string", "day int", "b bigint"])
        #expect(
          try project.rows("select id, a, b from {schema}.synced_add order by id")
            == [["1", "a1", nil], ["3", "a3", "30"]])

        // An unknown policy is a located error when the project loads.
        try project.files.write("models/unknown.sql", Self.model("sometimes"))
        let unknown = try project.swdbt([
          "run", "--select", "unknown", "--vars", "{shape: 1, id: 1}",
        ])
        #expect(unknown.status != 0)
        let unknownOutput = unknown.stdout + unknown.stderr
        #expect(unknownOutput.contains("models/unknown.sql:1:"), "\(unknownOutput)")
        #expect(unknownOutput.contains("sometimes"), "\(unknownOutput)")
        #expect(try project.rows("show tables in {schema} like 'unknown'").isEmpty)
      }
    }
  }
#endif
