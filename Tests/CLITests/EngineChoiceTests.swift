import SwdbtTestSupport
import Testing

/// The target's `type` picks the engine; a type swdbt has no engine for is a located error
/// that lists the supported ones, before any connection.
@Suite struct EngineChoiceTests {
  @Test func anUnknownTargetTypeIsALocatedErrorListingTheSupportedTypes() throws {
    let fixture = try ProjectFixture([
      "project.yml": """
      name: shop
      targets:
        dev: {type: snowflake, schema: s}
      """,
      "models/m.sql": "select 1 as id\n",
    ])
    let result = try Executable.run(["run"], in: fixture.root)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("project.yml:3:")
        && result.stderr.contains(
          "error: target `dev` has type `snowflake`"),
      "\(result.stderr)")
    #expect(result.stderr.contains("swdbt supports `postgres`"), "\(result.stderr)")
  }
}
