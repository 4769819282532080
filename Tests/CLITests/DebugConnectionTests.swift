import SwdbtTestSupport
import Testing

/// `debug --connection`: only the connection is checked; what prevents one is the one
/// failed check, in dbt's words, exit 1.
@Suite struct DebugConnectionTests {
  static let profiles = """
    shop:
      target: dev
      outputs:
        dev:
          type: postgres
          host: /nonexistent-socket-dir
          user: nobody
          dbname: none
          schema: s

    """

  @Test func unknownTargetIsTheFailedCheck() throws {
    let fixture = try ProjectFixture([
      "dbt_project.yml": "name: shop\nprofile: shop\n", "profiles.yml": Self.profiles,
    ])
    let result = try Executable.run(
      ["debug", "--connection", "--target", "NONE"], in: fixture.root)
    #expect(result.status == 1)
    #expect(result.stdout.contains("Skipping steps before connection verification"))
    #expect(result.stdout.contains("1 check failed"))
    #expect(result.stdout.contains("The profile 'shop' does not have a target named 'NONE'."))
  }

  @Test func unknownProfileIsReportedEvenWithABrokenProjectFile() throws {
    let fixture = try ProjectFixture([
      "dbt_project.yml": "invalid-key: x\n", "profiles.yml": Self.profiles,
    ])
    let result = try Executable.run(
      ["debug", "--connection", "--profile", "NONE"], in: fixture.root)
    #expect(result.status == 1)
    #expect(result.stdout.contains("Could not find profile named 'NONE'"), "\(result.stdout)")
  }

  @Test func unreachableServerFailsTheConnectionTest() throws {
    let fixture = try ProjectFixture([
      "dbt_project.yml": "name: shop\nprofile: shop\n", "profiles.yml": Self.profiles,
    ])
    let result = try Executable.run(["debug", "--connection"], in: fixture.root)
    #expect(result.status == 1)
    #expect(result.stdout.contains("Connection test: [ERROR]"), "\(result.stdout)")
    #expect(!result.stdout.contains("All checks passed"))
  }
}
