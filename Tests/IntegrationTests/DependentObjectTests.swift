import Adapter
import Foundation
import SwdbtTestSupport
import Testing

/// What a table swap does to objects that depend on the replaced relation and that swdbt did
/// not build: recreated exactly, or the node fails naming them and the old relation stays.
@Suite struct DependentObjectTests {
  static let files: [String: String] = [
    "seeds/raw.csv": "id,amount\n1,10\n2,20\n",
    "models/totals.sql":
      "{{ config(materialized='table') }}\nselect sum(amount) as total from {{ ref('raw') }}\n",
  ]

  /// A fixture whose `totals` table holds 30, then the seed changed so that a rebuild makes 100.
  func builtFixture(_ name: String) async throws -> DatabaseFixture {
    let fixture = try await DatabaseFixture(name, files: Self.files)
    #expect(try fixture.swdbt(["seed"]).status == 0)
    #expect(try fixture.swdbt(["run"]).status == 0)
    try fixture.project.write("seeds/raw.csv", "id,amount\n1,10\n2,20\n3,70\n")
    #expect(try fixture.swdbt(["seed"]).status == 0)
    return fixture
  }

  @Test func materializedViewIsRecreatedWithItsIndexCommentAndNewData() async throws {
    let fixture = try await builtFixture("matview")
    let matview = fixture.relation("hand_mv")
    _ = try fixture.connection.execute(
      """
      create materialized view \(matview) as select total from \(fixture.relation("totals"));
      create unique index hand_mv_total on \(matview) (total);
      comment on materialized view \(matview) is 'by hand'
      """)
    let result = try fixture.swdbt(["run", "-s", "totals"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try fixture.scalar("select total from \(matview)") == "100")
    #expect(
      try fixture.scalar("select indexdef from pg_indexes where indexname = 'hand_mv_total'")?
        .contains("UNIQUE INDEX hand_mv_total") == true)
    #expect(try fixture.scalar("select obj_description('\(matview)'::regclass)") == "by hand")
  }

  @Test func viewKeepsOwnerOptionsGrantsAndComments() async throws {
    let fixture = try await builtFixture("viewprops")
    let role = "it_owner_\(UUID().uuidString.prefix(6).lowercased())"
    let view = fixture.relation("opts")
    _ = try fixture.connection.execute(
      """
      create role \(role);
      create view \(view) with (security_barrier) as select total from \(fixture.relation("totals")) \
      where total > 0 with local check option;
      grant select on \(view) to public;
      grant update (total) on \(view) to \(role);
      comment on view \(view) is 'kept';
      comment on column \(view).total is 'the total';
      alter view \(view) owner to \(role)
      """)
    defer {
      _ = try? fixture.connection.execute(
        "drop view if exists \(view); drop owned by \(role); drop role \(role)")
    }
    let result = try fixture.swdbt(["run", "-s", "totals"])
    #expect(result.status == 0, "\(result.stderr)")
    let row = try #require(
      try fixture.rows(
        """
        select c.relowner::regrole::text, array_to_string(c.reloptions, ','), \
        has_table_privilege('public', c.oid, 'select')::text, \
        has_column_privilege('\(role)', c.oid, 'total', 'update')::text, \
        obj_description(c.oid, 'pg_class'), col_description(c.oid, 1) \
        from pg_class c where c.oid = '\(view)'::regclass
        """
      ).first)
    #expect(
      row == [
        role, "security_barrier=true,check_option=local", "true", "true", "kept", "the total",
      ])
  }

  @Test func sqlFunctionDependingOnTheTableFailsTheNodeNamingItAndKeepsEverything() async throws {
    let fixture = try await builtFixture("atomicfn")
    let function = "\"\(fixture.schema)\".count_totals"
    _ = try fixture.connection.execute(
      """
      create function \(function)() returns bigint language sql \
      begin atomic select count(*) from \(fixture.relation("totals")); end
      """)
    let result = try fixture.swdbt(["run", "-s", "totals"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "\(fixture.relation("totals")) cannot be replaced: function \(fixture.schema).count_totals()"
          + " depends on it"), "\(result.stderr)")
    #expect(try fixture.scalar("select \(function)()") == "1")
    #expect(try fixture.scalar("select total from \(fixture.relation("totals"))") == "30")
  }

  @Test func temporaryViewOfAnotherSessionFailsTheNodeNamingItAndSurvives() async throws {
    let fixture = try await builtFixture("tempview")
    let reader = try await PostgresServer.connect()
    defer { reader.close() }
    _ = try reader.execute(
      "create temporary view tv as select total from \(fixture.relation("totals"))")
    let result = try fixture.swdbt(["run", "-s", "totals"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("cannot be replaced: temporary view")
        && result.stderr.contains(".tv of another session depends on it"), "\(result.stderr)")
    #expect(try reader.execute("select total from tv").scalar == "30")
    #expect(try fixture.scalar("select total from \(fixture.relation("totals"))") == "30")
  }
}

/// Re-runs of a project whose tables, views and incremental models share seeds never deadlock
/// with several threads.
@Suite struct SharedSeedRerunTests {
  @Test func rerunsWithFourThreadsAllSucceed() async throws {
    var files: [String: String] = [:]
    for seed in 0..<4 { files["seeds/s\(seed).csv"] = "id,v\n1,\(seed)\n2,\(seed)\n" }
    for table in 0..<24 {
      // A short sleep keeps each build's shared lock on its seed held while others swap.
      files["models/t\(table).sql"] =
        "{{ config(materialized='table') }}\nselect id, v from {{ ref('s\(table % 4)') }}, "
        + "(select pg_sleep(0.02)) pause\n"
      files["models/w\(table).sql"] =
        "select t.id, t.v + s.v as total from {{ ref('t\(table)') }} t "
        + "join {{ ref('s\((table + 1) % 4)') }} s using (id)\n"
    }
    for model in 0..<8 {
      files["models/inc\(model).sql"] =
        "{{ config(materialized='incremental', unique_key='id') }}\n"
        + "select id, v from {{ ref('s\(model % 4)') }}\n"
    }
    let fixture = try await DatabaseFixture("rerun", files: files)
    #expect(try fixture.swdbt(["seed"]).status == 0)
    #expect(try fixture.swdbt(["run"]).status == 0)
    for round in 1...3 {
      let result = try fixture.swdbt(["run", "--threads", "4"])
      #expect(result.status == 0, "round \(round): \(result.stderr)")
    }
    let build = try fixture.swdbt(["build", "--threads", "4"])
    #expect(build.status == 0, "build: \(build.stderr)")
    #expect(try fixture.scalar("select sum(total) from \(fixture.relation("w3"))") == "6")
  }
}
