import Foundation
import SwdbtTestSupport
import Testing

/// `--warn-error`, `--store-failures`, `build --resource-type`, `--target-path`, colors, and
/// dbt's environment variables.
@Suite struct GlobalFlagsTests {
  /// A model with a warning test that fails, and an erroring `not_null` on a null column.
  static let tested: [String: String] = [
    "models/m.sql": "select 1 as id union all select 1\n",
    "models/schema.yml":
      "version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests:\n          - unique: {config: {severity: warn}}\n",
  ]

  @Test func warnErrorMakesAWarningTestFail() async throws {
    let fixture = try await DatabaseFixture("warnerror", files: Self.tested)
    #expect(try fixture.swdbt(["run"]).status == 0)
    let plain = try fixture.swdbt(["test"])
    #expect(plain.status == 0, "\(plain.stderr)")
    #expect(plain.stdout.contains("WARN 1 unique_m_id"))

    let strict = try fixture.swdbt(["test", "--warn-error"])
    #expect(strict.status == 1)
    #expect(strict.stdout.contains("FAIL 1 unique_m_id"), "\(strict.stdout)")
    #expect(try fixture.project.read("target/run_results.json").contains("\"status\":\"fail\""))

    let excluded = try fixture.swdbt([
      "test", "--warn-error-options", #"{"include": "all", "exclude": ["LogTestResult"]}"#,
    ])
    #expect(excluded.status == 0, "\(excluded.stderr)")

    // A selection that matches nothing is a warning, so an error too.
    let nothing = try fixture.swdbt(["run", "-s", "nosuchmodel", "--warn-error"])
    #expect(nothing.status == 1)
    #expect(
      nothing.stderr.contains("error: 1 warning is an error with --warn-error (select.nothing)"),
      "\(nothing.stderr)")
  }

  @Test func malformedWarnErrorOptionsAreAUsageError() throws {
    let fixture = try ProjectFixture(["project.yml": "name: shop\n"])
    let result = try Executable.run(
      ["run", "--warn-error-options", "{\"inclde\": \"all\"}"], in: fixture.root)
    #expect(result.status == 64)
    #expect(result.stderr.contains("unknown key `inclde` in `--warn-error-options`"))
  }

  @Test func storeFailuresKeepsTheRowsOfEveryTest() async throws {
    let fixture = try await DatabaseFixture("storefail", files: Self.tested)
    #expect(try fixture.swdbt(["run"]).status == 0)
    let result = try fixture.swdbt(["test", "--store-failures"])
    #expect(result.status == 0, "\(result.stderr)")
    let audit = "\"\(fixture.schema)_dbt_test__audit\".\"unique_m_id\""
    #expect(result.stdout.contains("failing rows stored in \(audit)"), "\(result.stdout)")
    #expect(try fixture.scalar("select count(*) from \(audit)") == "1")
  }

  @Test func buildRunsOnlyTheResourceTypesAsked() async throws {
    let fixture = try await DatabaseFixture("restype", files: Self.tested)
    let models = try fixture.swdbt(["build", "--exclude-resource-type", "test"])
    #expect(models.status == 0, "\(models.stderr)")
    #expect(models.stdout.contains("Running 1 node"), "\(models.stdout)")
    #expect(!models.stdout.contains("unique_m_id"))
    let tests = try fixture.swdbt(["build", "--resource-type", "test"])
    #expect(tests.stdout.contains("Running 1 node"), "\(tests.stdout)")
    #expect(tests.stdout.contains("WARN 1 unique_m_id"))
  }

  static let twoTargets: [String: String] = [
    "project.yml":
      "name: shop\ntarget: dev\ntargets:\n  dev: {type: postgres, schema: dev}\n  prod: {type: postgres, schema: prod}\n",
    "models/a.sql": "select 1 as id -- {{ this }}\n",
  ]

  @Test func environmentVariablesChooseTargetProjectAndArtifacts() throws {
    let fixture = try ProjectFixture(Self.twoTargets)
    let elsewhere = FileManager.default.temporaryDirectory.path
    let result = try Executable.run(
      ["compile"], in: elsewhere,
      environment: [
        "DBT_PROJECT_DIR": fixture.root, "DBT_TARGET": "prod", "DBT_TARGET_PATH": "out",
      ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try fixture.read("out/compiled/shop/models/a.sql").contains("\"prod\".\"a\""))
    #expect(fixture.exists("out/compiled"))
    #expect(!fixture.exists("target"))
    // The flags win over the environment.
    let flags = try Executable.run(
      ["compile", "--target", "dev", "--target-path", "flagged"], in: fixture.root,
      environment: ["DBT_TARGET": "prod"])
    #expect(flags.status == 0, "\(flags.stderr)")
    #expect(try fixture.read("flagged/compiled/shop/models/a.sql").contains("\"dev\".\"a\""))
  }

  @Test func logFormatFromTheEnvironmentAndColorsOnRequest() throws {
    var files = Self.twoTargets
    files["models/a.sql"] = "select {{ var('missing') }}\n"
    let fixture = try ProjectFixture(files)
    let json = try Executable.run(
      ["compile"], in: fixture.root, environment: ["DBT_LOG_FORMAT": "json"])
    #expect(json.status == 1)
    #expect(json.stderr.hasPrefix("{"), "\(json.stderr)")
    let colored = try Executable.run(["compile", "--use-colors"], in: fixture.root)
    #expect(colored.stderr.contains("\u{1B}["), "\(colored.stderr)")
    let plain = try Executable.run(["compile", "--use-colors", "--no-color"], in: fixture.root)
    #expect(!plain.stderr.contains("\u{1B}["))
  }

  @Test func everyCommandLogsToLogsDbtLogUnlessToldNot() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\n", "models/a.sql": "select 1 as id\n",
      "models/b.sql": "select * from {{ ref('nope') }}\n",
    ])
    let compiled = try Executable.run(["compile"], in: fixture.root)
    #expect(compiled.status == 1)
    let log = try fixture.read("logs/dbt.log")
    // The compile's error, as on stderr, is in the log too.
    #expect(log.contains("models/b.sql:1:"), "\(log)")
    #expect(log.contains("`nope`"), "\(log)")

    let moved = try Executable.run(["parse", "--log-path", "elsewhere"], in: fixture.root)
    #expect(moved.status == 1)
    #expect(fixture.exists("elsewhere/dbt.log"))

    let quietLog = try ProjectFixture(["project.yml": "name: shop\n", "models/a.sql": "select 1\n"])
    let none = try Executable.run(["compile", "--log-level-file", "none"], in: quietLog.root)
    #expect(none.status == 0, "\(none.stderr)")
    #expect(!quietLog.exists("logs"))
    let byEnvironment = try Executable.run(
      ["compile"], in: quietLog.root, environment: ["DBT_LOG_LEVEL_FILE": "none"])
    #expect(byEnvironment.status == 0)
    #expect(!quietLog.exists("logs"))
  }
}
