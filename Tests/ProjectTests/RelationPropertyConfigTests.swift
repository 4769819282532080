import Diagnostics
import Project
import SwdbtTestSupport
import Testing

/// `indexes`, `persist_docs`, `unlogged` and `on_configuration_change` reach DDL, so their
/// values are checked where the config is read.
@Suite struct RelationPropertyConfigTests {
  @Test(
    arguments: [
      ("indexes: [{columns: [id, name], unique: true, type: hash}, {columns: id}]", nil),
      ("persist_docs: {relation: true, columns: false}", nil),
      ("unlogged: true", nil),
      ("on_configuration_change: continue", nil),
      ("materialized: materialized_view", nil),
      ("indexes: [{colums: [id]}]", "unknown index key `colums` in `indexes`"),
      ("indexes: [{unique: true}]", "an entry of `indexes` has no `columns`"),
      ("indexes: [{columns: []}]", "an index's `columns` must be a non-empty list"),
      ("indexes: [{columns: [id], type: 'btree; drop table x'}]", "an index's `type` must be"),
      ("indexes: {columns: [id]}", "`indexes` must be a list"),
      ("persist_docs: true", "`persist_docs` must be a mapping"),
      ("unlogged: 'yes'", "`unlogged` must be true or false"),
      ("on_configuration_change: aply", "did you mean `apply`?"),
    ] as [(String, String?)])
  func relationPropertiesAreChecked(setting: String, problem: String?) throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\nmodels:\n  shop:\n    +\(setting)\n",
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

  /// dbt ignores other `persist_docs` keys (dbt's own adapter tests write `relations`): a
  /// warning with the likely key, not an error.
  @Test func anUnknownPersistDocsKeyIsAWarning() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\nmodels:\n  shop:\n    +persist_docs: {relations: true}\n",
      "models/m.sql": "select 1",
    ])
    let sink = CollectingSink()
    _ = try ProjectLoader.load(root: fixture.root, sink: sink)
    let rendered = DiagnosticRenderer().render(sink.diagnostics)
    #expect(rendered.hasPrefix("project.yml:4:5: warning: "), "\(rendered)")
    #expect(rendered.contains("did you mean `relation`?"), "\(rendered)")
    #expect(!sink.hasErrors)
  }
}
