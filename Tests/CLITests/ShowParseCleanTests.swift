import Foundation
import SwdbtTestSupport
import Testing

/// `show`, `parse` and `clean`: what they print where, what they write, their exit codes.
@Suite struct ShowParseCleanTests {
  private static let files = [
    "seeds/numbers.csv": "n\n1\n2\n3\n4\n5\n6\n7\n",
    "models/doubled.sql": "select n * 2 as d from {{ ref('numbers') }}\n",
    "models/eph.sql":
      "{{ config(materialized='ephemeral') }}\nselect n + 100 as h from {{ ref('numbers') }}\n",
  ]

  @Test func showPrintsLimitedRowsOnStdoutAndBuildsNothing() async throws {
    let database = try await DatabaseFixture("show", files: Self.files)
    #expect(try database.swdbt(["seed"]).status == 0)
    // `doubled` is never built: show runs its compiled query with the seed under it.
    let shown = try database.swdbt(["show", "-s", "doubled", "--limit", "3"])
    #expect(shown.status == 0, "\(shown.stderr)")
    #expect(shown.stdout.contains("Previewing node 'doubled':"))
    #expect(shown.stdout.contains("| d |"), "\(shown.stdout)")
    #expect(shown.stdout.contains("| 6 |") && !shown.stdout.contains("| 8 |"))
    #expect(
      try database.scalar(
        "select count(*) from pg_class c join pg_namespace s on s.oid = c.relnamespace "
          + "where s.nspname = '\(database.schema)' and c.relname = 'doubled'") == "0")
    // Inline SQL with an ephemeral parent inlined; `--limit -1` fetches every row; JSON rows.
    let inline = try database.swdbt([
      "show", "--inline", "select h from {{ ref('eph') }} order by h", "--limit", "-1", "--output",
      "json",
    ])
    #expect(inline.status == 0, "\(inline.stderr)")
    let line = try #require(inline.stdout.split(separator: "\n").first { $0.hasPrefix("{") })
    let document = try #require(
      try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    let rows = try #require(document["show"] as? [[String: Any]])
    #expect(rows.count == 7)
    #expect(rows.first?["h"] as? Int == 101)
    let results = try database.project.read("target/run_results.json")
    #expect(results.contains("\"which\":\"show\"") && results.contains("\"limit\":-1"))
  }

  @Test func showFailsWithTheDatabaseErrorOnStderr() async throws {
    let database = try await DatabaseFixture("showerr", files: Self.files)
    let failed = try database.swdbt(["show", "--limit", "1", "--inline", "select 1 limit 1"])
    #expect(failed.status == 1)
    #expect(failed.stderr.contains("syntax error at or near \"limit\""), "\(failed.stderr)")
    #expect(failed.stdout.isEmpty)
    // Neither or both of `--select` and `--inline` is a usage error.
    #expect(try database.swdbt(["show"]).status == 64)
  }

  @Test func parseWritesTheManifestAndFailsOnAnError() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
      "models/a.sql": "select 1 as id\n",
    ])
    let parsed = try Executable.run(["parse"], in: fixture.root)
    #expect(parsed.status == 0, "\(parsed.stderr)")
    #expect(try fixture.read("target/manifest.json").contains("\"model.shop.a\""))
    try fixture.write("models/b.sql", "select * from {{ ref('missing') }}\n")
    let broken = try Executable.run(["parse"], in: fixture.root)
    #expect(broken.status == 1)
    #expect(broken.stderr.contains("models/b.sql:1:"), "\(broken.stderr)")
  }

  @Test func cleanDeletesCleanTargetsInsideTheProjectOnly() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
      "models/a.sql": "select 1 as id\n",
      "target/manifest.json": "{}",
      "dbt_packages/p/dbt_project.yml": "name: p\n",
      "logs/x.log": "x",
    ])
    let cleaned = try Executable.run(["clean"], in: fixture.root)
    #expect(cleaned.status == 0, "\(cleaned.stderr)")
    #expect(!fixture.exists("target") && !fixture.exists("dbt_packages"))
    #expect(fixture.exists("logs/x.log") && fixture.exists("models/a.sql"))
    try fixture.write(
      "project.yml",
      "name: shop\nclean-targets: [logs, ../elsewhere, models]\n"
        + "targets:\n  dev: {type: postgres, schema: dev}\n")
    let refused = try Executable.run(["clean"], in: fixture.root)
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("`../elsewhere` is not inside the project"))
    #expect(refused.stderr.contains("`models` holds the project's sources"))
    #expect(!fixture.exists("logs") && fixture.exists("models/a.sql"))
  }
}
