import Diagnostics
import OrderedCollections
import Project
import SwdbtTestSupport
import Testing

/// A password is read from the environment as `{{ env_var('NAME') }}`, the whole password.
@Suite struct TargetPasswordTests {
  @Test(arguments: [
    ("password: hunter2", "password", "literal"),
    ("password: 4242", "password", "literal"),
    ("password: \"{{ env_var('P', 'hunter2') }}\"", "password", "default"),
    ("password: \"hunter2 env_var\"", "password", "literal"),
    ("password: \"{{ env_var('P') }}hunter2\"", "password", "more than"),
    ("url: \"postgresql://u:hunter2@db/w\"", "url", "literal"),
    ("url: \"postgresql://u@db/w?sslmode=require&password=hunter2\"", "url", "literal"),
    ("url: \"postgresql://u:{{ env_var('P', 'hunter2') }}@db/w\"", "url", "default"),
    ("dbname: \"dbname=w password=hunter2\"", "dbname", "literal"),
    ("database: \"postgres://u:hunter2{{ env_var('P') }}@db/w\"", "database", "more than"),
  ])
  func aPasswordNotReadFromTheEnvironmentIsALocatedError(
    setting: String, key: String, why: String
  ) throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntarget: prod\ntargets:\n  prod:\n    type: postgres\n"
        + "    host: db\n    \(setting)\n"
    ])
    let sink = CollectingSink()
    let project = try ProjectLoader.load(root: fixture.root, sink: sink)
    #expect(sink.diagnostics.map(\.code) == ["project.literal-password"])
    let rendered = DiagnosticRenderer().render(sink.diagnostics)
    #expect(!rendered.contains("hunter2"))
    #expect(!rendered.contains("4242"))
    #expect(rendered.hasPrefix("project.yml:7:5: error: target `prod` "), "\(rendered)")
    #expect(rendered.contains("`\(key)`"), "\(rendered)")
    #expect(rendered.contains(why), "\(rendered)")
    #expect(rendered.contains("PGPASSWORD"))
    #expect(project.target.settings[key] == nil)
    #expect(project.target.refusals.count == 1)
  }

  @Test(arguments: [
    "password: \"{{ env_var('P') }}\"",
    "password: \"{{env_var(\\\"P\\\")}}\"",
    "url: \"postgresql://u:{{ env_var('P') }}@db/w\"",
    "url: \"postgresql://u@db/w?password={{ env_var('P') }}&sslmode=require\"",
    "url: \"{{ env_var('DATABASE_URL') }}\"",
    "url: \"postgresql://u@db/w\"",
    "dbname: \"dbname=w password='{{ env_var('P') }}'\"",
    "dbname: warehouse",
  ])
  func aPasswordReadFromTheEnvironmentIsAccepted(setting: String) throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntarget: prod\ntargets:\n  prod:\n    type: postgres\n"
        + "    host: db\n    \(setting)\n"
    ])
    let sink = CollectingSink()
    let project = try ProjectLoader.load(root: fixture.root, sink: sink)
    #expect(sink.diagnostics.isEmpty, "\(DiagnosticRenderer().render(sink.diagnostics))")
    #expect(project.target.refusals.isEmpty)
  }
}
