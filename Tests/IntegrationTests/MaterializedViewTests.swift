import Foundation
import SwdbtTestSupport
import Testing

/// The `materialized_view` materialization: create, refresh, `on_configuration_change`,
/// rebuilds, and switching to and from other materializations.
@Suite struct MaterializedViewTests {
  static func model(index: String = "id", query: String = "select * from {{ ref('my_seed') }}")
    -> String
  {
    "{{ config(materialized='materialized_view', indexes=[{'columns': ['\(index)']}]) }}\n"
      + query + "\n"
  }

  static func fixture(_ name: String, policy: String? = nil) async throws -> DatabaseFixture {
    let fixture = try await DatabaseFixture(
      name,
      projectYAML: policy.map { "models:\n  +on_configuration_change: \($0)\n" } ?? "",
      files: [
        "seeds/my_seed.csv": "id,value\n1,100\n2,200\n3,300\n",
        "models/my_mv.sql": model(),
        "models/reader.sql": "select id from {{ ref('my_mv') }}\n",
      ])
    #expect(try fixture.swdbt(["seed"]).status == 0)
    let created = try fixture.swdbt(["run"])
    #expect(created.status == 0, "\(created.stderr)")
    #expect(created.stdout.contains("created materialized view"), "\(created.stdout)")
    return fixture
  }

  static func indexColumns(_ fixture: DatabaseFixture) throws -> [String?] {
    try fixture.rows(
      """
      select string_agg(a.attname, ',') from pg_index x
      join pg_attribute a on a.attrelid = x.indrelid and a.attnum = any(x.indkey)
      where x.indrelid = '\(fixture.relation("my_mv"))'::regclass
      group by x.indexrelid order by 1
      """
    ).map { $0[0] }
  }

  static func oid(_ fixture: DatabaseFixture) throws -> String? {
    try fixture.scalar("select '\(fixture.relation("my_mv"))'::regclass::oid::text")
  }

  @Test func createsThenRefreshesOnLaterRuns() async throws {
    let fixture = try await Self.fixture("mv_refresh")
    #expect(
      try fixture.scalar(
        "select count(*) from pg_matviews where schemaname = '\(fixture.schema)' "
          + "and matviewname = 'my_mv'") == "1")
    #expect(try Self.indexColumns(fixture) == ["id"])
    let before = try Self.oid(fixture)
    _ = try fixture.rows("insert into \(fixture.relation("my_seed")) values (4, 400)")
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("my_mv"))") == "3")
    let again = try fixture.swdbt(["run", "-s", "my_mv"])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stdout.contains("refreshed materialized view"), "\(again.stdout)")
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("my_mv"))") == "4")
    #expect(try Self.oid(fixture) == before)
  }

  @Test func applyAltersIndexesInPlaceAndRebuildsOnAChangedQuery() async throws {
    let fixture = try await Self.fixture("mv_apply")
    let before = try Self.oid(fixture)
    try fixture.project.write("models/my_mv.sql", Self.model(index: "value"))
    let altered = try fixture.swdbt(["run", "-s", "my_mv"])
    #expect(altered.status == 0, "\(altered.stderr)")
    #expect(altered.stdout.contains("altered indexes of materialized view"), "\(altered.stdout)")
    #expect(try Self.indexColumns(fixture) == ["value"])
    #expect(try Self.oid(fixture) == before)
    try fixture.project.write(
      "models/my_mv.sql",
      Self.model(index: "value", query: "select id, value, 1 as marker from {{ ref('my_seed') }}"))
    let replaced = try fixture.swdbt(["run", "-s", "my_mv"])
    #expect(replaced.status == 0, "\(replaced.stderr)")
    #expect(replaced.stdout.contains("replaced materialized view"), "\(replaced.stdout)")
    #expect(try Self.oid(fixture) != before)
    #expect(try fixture.scalar("select sum(marker) from \(fixture.relation("my_mv"))") == "3")
    #expect(try Self.indexColumns(fixture) == ["value"])
    // The view reading it was recreated on the new one.
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("reader"))") == "3")
  }

  @Test func continueWarnsAndLeavesItAsItIs() async throws {
    let fixture = try await Self.fixture("mv_continue", policy: "continue")
    try fixture.project.write("models/my_mv.sql", Self.model(index: "value"))
    let run = try fixture.swdbt(["run", "-s", "my_mv"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stderr.contains(
        "warning: the indexes of materialized view \(fixture.relation("my_mv")) changed and "
          + "`on_configuration_change` is `continue`"), "\(run.stderr)")
    #expect(try Self.indexColumns(fixture) == ["id"])
  }

  @Test func failFailsTheNodeAndKeepsTheView() async throws {
    let fixture = try await Self.fixture("mv_fail", policy: "fail")
    try fixture.project.write(
      "models/my_mv.sql",
      Self.model(index: "value", query: "select id, value, 1 as marker from {{ ref('my_seed') }}"))
    let run = try fixture.swdbt(["run", "-s", "my_mv"])
    #expect(run.status == 1)
    #expect(
      run.stderr.contains("`on_configuration_change` is `fail`"), "\(run.stderr)")
    #expect(try Self.indexColumns(fixture) == ["id"])
    // --full-refresh rebuilds whatever the policy.
    let full = try fixture.swdbt(["run", "-s", "my_mv", "--full-refresh"])
    #expect(full.status == 0, "\(full.stderr)")
    #expect(try Self.indexColumns(fixture) == ["value"])
    #expect(try fixture.scalar("select sum(marker) from \(fixture.relation("my_mv"))") == "3")
  }

  @Test func switchesToAndFromTablesAndViews() async throws {
    let fixture = try await Self.fixture("mv_switch")
    let kind =
      "select relkind::text from pg_class where oid = '\(fixture.relation("my_mv"))'::regclass"
    for (materialized, expected) in [
      ("table", "r"), ("materialized_view", "m"), ("view", "v"), ("materialized_view", "m"),
    ] {
      try fixture.project.write(
        "models/my_mv.sql",
        "{{ config(materialized='\(materialized)') }}\nselect * from {{ ref('my_seed') }}\n")
      let run = try fixture.swdbt(["run"])
      #expect(run.status == 0, "\(run.stderr)")
      #expect(try fixture.scalar(kind) == expected)
      #expect(try fixture.scalar("select count(*) from \(fixture.relation("reader"))") == "3")
    }
  }

  @Test func catalogTypesItAsAMaterializedView() async throws {
    let fixture = try await Self.fixture("mv_catalog")
    let docs = try fixture.swdbt(["docs", "generate"])
    #expect(docs.status == 0, "\(docs.stderr)")
    let data = try Data(
      contentsOf: URL(fileURLWithPath: fixture.project.root + "/target/catalog.json"))
    let catalog = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    let nodes = catalog?["nodes"] as? [String: Any]
    func type(_ id: String) -> String? {
      ((nodes?[id] as? [String: Any])?["metadata"] as? [String: Any])?["type"] as? String
    }
    #expect(type("model.it.my_mv") == "MATERIALIZED VIEW")
    #expect(type("model.it.reader") == "VIEW")
    #expect(type("seed.it.my_seed") == "BASE TABLE")
  }
}
