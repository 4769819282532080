import Diagnostics
import Project
import SwdbtTestSupport
import Testing

/// `grants` keys are PostgreSQL's table privileges, checked where the config is read.
@Suite struct GrantsConfigTests {
  @Test(
    arguments: [
      ("grants: {select: [a], 'all privileges': [b], Insert: c}", nil),
      ("grants: {'select on x to y; drop table z; --': [a]}", "unknown privilege `select on x"),
      ("grants: {selct: [a]}", "did you mean `select`?"),
      ("grants: {select: {a: 1}}", "roles of `select` must be"),
    ] as [(String, String?)])
  func grantsPrivilegesAreChecked(grants: String, problem: String?) throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\nmodels:\n  shop:\n    +\(grants)\n",
      "models/m.sql": "select 1",
    ])
    let sink = CollectingSink()
    _ = try ProjectLoader.load(root: fixture.root, sink: sink)
    let rendered = DiagnosticRenderer().render(sink.diagnostics)
    if let problem {
      #expect(rendered.hasPrefix("project.yml:4:5: error: "), "\(rendered)")
      #expect(rendered.contains(problem), "\(rendered)")
    } else {
      #expect(sink.diagnostics.isEmpty, "\(rendered)")
    }
  }
}
