import SwdbtTestSupport
import Testing

/// `swdbt ls` with dbt's `--resource-type` values and `--output json --output-keys`.
@Suite struct ListOutputTests {
  static let files = [
    "project.yml": "name: it\n", "seeds/raw.csv": "id\n1\n",
    "models/a.sql": "select * from {{ ref('raw') }}\n",
    "models/schema.yml":
      "models:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [not_null]\n",
  ]

  @Test func resourceTypesAsDbtNamesThem() throws {
    let fixture = try ProjectFixture(Self.files)
    let seeds = try Executable.run(
      ["ls", "--resource-type", "seed", "--output", "name"], in: fixture.root)
    #expect(seeds.stdout.split(separator: "\n") == ["raw"], "\(seeds.stderr)")
    let all = try Executable.run(
      ["ls", "--resource-type", "all", "--output", "name"], in: fixture.root)
    #expect(all.stdout.split(separator: "\n").count == 3, "\(all.stdout)")
    let exposures = try Executable.run(["ls", "--resource-type", "exposure"], in: fixture.root)
    #expect(exposures.status == 0)
    #expect(exposures.stdout.isEmpty)
    let wrong = try Executable.run(["ls", "--resource-type", "modle"], in: fixture.root)
    #expect(wrong.status == 64)
  }

  @Test func outputKeysKeepOnlyThoseKeysInTheirOrder() throws {
    let fixture = try ProjectFixture(Self.files)
    let result = try Executable.run(
      [
        "ls", "-s", "a", "--resource-type", "model", "--output", "json", "--output-keys",
        "resource_type", "name",
      ], in: fixture.root)
    #expect(result.stdout == "{\"resource_type\":\"model\",\"name\":\"a\"}\n", "\(result.stderr)")
    let refused = try Executable.run(["ls", "--output-keys", "name"], in: fixture.root)
    #expect(refused.status == 64)
  }
}
