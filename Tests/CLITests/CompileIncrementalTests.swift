import Foundation
import SwdbtTestSupport
import Testing

/// `compile` of an incremental model shows the SQL a run would use: the `is_incremental()`
/// branch once the relation exists in the target, as dbt's `compile` (which connects).
@Suite struct CompileIncrementalTests {
  static let model = """
    {{ config(materialized='incremental') }}
    select 1 as id
    {% if is_incremental() %}where 1 > (select max(id) from {{ this }}){% endif %}

    """

  @Test func compileShowsTheIncrementalBranchOnceTheRelationExists() async throws {
    let fixture = try await DatabaseFixture("compileinc", files: ["models/inc.sql": Self.model])
    let first = try fixture.swdbt(["compile", "-s", "inc"])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(!first.stdout.contains("where 1 >"), "\(first.stdout)")

    let run = try fixture.swdbt(["run"])
    #expect(run.status == 0, "\(run.stderr)")
    let again = try fixture.swdbt(["compile", "-s", "inc"])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(
      again.stdout.contains("where 1 > (select max(id) from \(fixture.relation("inc")))"),
      "\(again.stdout)")
    let compiled = try fixture.project.read("target/compiled/it/models/inc.sql")
    #expect(compiled.contains("where 1 > (select max(id) from"), "\(compiled)")
  }

  @Test func compileWithoutADatabaseGivesTheFirstRunSQLWithANote() throws {
    let fixture = try ProjectFixture([
      "project.yml": """
      name: it
      target: away
      targets:
        away:
          type: postgres
          host: /nonexistent-swdbt-socket
          user: swdbt
          dbname: postgres
          schema: s

      """,
      "models/inc.sql": Self.model,
    ])
    let result = try Executable.run(["compile", "-s", "inc"], in: fixture.root)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("select 1 as id"), "\(result.stdout)")
    #expect(!result.stdout.contains("where 1 >"))
    #expect(
      result.stderr.contains(
        "note: cannot reach the target (cannot connect"), "\(result.stderr)")
    #expect(result.stderr.contains("compiled as on their first run"))
  }
}
