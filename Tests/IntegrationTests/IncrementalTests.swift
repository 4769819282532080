import Foundation
import SwdbtTestSupport
import Testing

@Suite struct IncrementalTests {
  static func project(strategy: String, extra: String = "") -> [String: String] {
    [
      "seeds/events.csv": "id,value,day\n1,a,2024-01-01\n2,b,2024-01-02\n",
      "models/events_inc.sql":
        """
      {{ config(materialized='incremental', unique_key='id', incremental_strategy='\(strategy)'\(extra)) }}
      select id, value, day from {{ ref('events') }}
      {% if is_incremental() %}
      where day >= (select max(day) from {{ this }})
      {% endif %}

      """,
    ]
  }

  @Test(arguments: ["append", "delete+insert", "merge"])
  func strategiesWriteTheExpectedRows(strategy: String) async throws {
    let fixture = try await DatabaseFixture(
      "inc_" + strategy.replacing("+", with: ""), files: Self.project(strategy: strategy))
    #expect(try fixture.swdbt(["seed"]).status == 0)
    let first = try fixture.swdbt(["run"])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("created incremental table"))
    // Day 2 changes, day 3 arrives; day 1 is outside the incremental window.
    try fixture.project.write(
      "seeds/events.csv", "id,value,day\n1,a,2024-01-01\n2,B,2024-01-02\n3,c,2024-01-03\n")
    #expect(try fixture.swdbt(["seed"]).status == 0)
    let second = try fixture.swdbt(["run"])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stdout.contains("\(strategy) into incremental table"))
    let rows = try fixture.rows(
      "select id, value from \(fixture.relation("events_inc")) order by id, value")
    switch strategy {
    case "append":
      #expect(rows == [["1", "a"], ["2", "B"], ["2", "b"], ["3", "c"]])
    default:
      #expect(rows == [["1", "a"], ["2", "B"], ["3", "c"]])
    }
    let full = try fixture.swdbt(["run", "--full-refresh"])
    #expect(full.status == 0)
    #expect(
      try fixture.rows("select id, value from \(fixture.relation("events_inc")) order by id")
        == [["1", "a"], ["2", "B"], ["3", "c"]])
  }

  @Test func nullUniqueKeysWarn() async throws {
    let fixture = try await DatabaseFixture(
      "inc_nullkey",
      files: [
        "models/m.sql":
          "{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge') }}\nselect null::int as id, 1 as v\n"
      ])
    #expect(try fixture.swdbt(["run"]).status == 0)
    let second = try fixture.swdbt(["run"])
    #expect(second.status == 0)
    #expect(
      second.stderr.contains(
        "warning: 1 new row of `m` has NULL in unique_key `id`; merge cannot match them"),
      "\(second.stderr)")
  }

  @Test func onSchemaChangePolicies() async throws {
    func model(_ policy: String, columns: String) -> String {
      "{{ config(materialized='incremental', unique_key='id', on_schema_change='\(policy)') }}\nselect \(columns)\n"
    }
    let fixture = try await DatabaseFixture(
      "inc_schema",
      files: [
        "models/failing.sql": model("fail", columns: "1 as id, 'x' as a"),
        "models/appending.sql": model("append_new_columns", columns: "1 as id, 'x' as a"),
        "models/syncing.sql": model("sync_all_columns", columns: "1 as id, 'x' as a"),
        "models/ignoring.sql": model("ignore", columns: "1 as id, 'x' as a"),
      ])
    #expect(try fixture.swdbt(["run"]).status == 0)
    let changed = "2 as id, 'y' as b"
    try fixture.project.write("models/failing.sql", model("fail", columns: changed))
    try fixture.project.write("models/appending.sql", model("append_new_columns", columns: changed))
    try fixture.project.write("models/syncing.sql", model("sync_all_columns", columns: changed))
    try fixture.project.write("models/ignoring.sql", model("ignore", columns: changed))
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "the columns of \(fixture.relation("failing")) changed (new `b`; removed `a`) and on_schema_change is `fail`"
      ), "\(result.stderr)")
    func columns(_ name: String) throws -> [String] {
      try fixture.rows(
        "select column_name from information_schema.columns where table_schema = '\(fixture.schema)' "
          + "and table_name = '\(name)' order by ordinal_position"
      ).map { $0[0] ?? "" }
    }
    #expect(try columns("appending") == ["id", "a", "b"])
    #expect(try columns("syncing") == ["id", "b"])
    #expect(try columns("ignoring") == ["id", "a"])
    #expect(
      try fixture.rows("select id, a, b from \(fixture.relation("appending")) order by id")
        == [["1", "x", nil], ["2", nil, "y"]])
    #expect(
      try fixture.rows("select id, a from \(fixture.relation("ignoring")) order by id")
        == [["1", "x"], ["2", nil]])
  }
}
