import Diagnostics
import Project
import SwdbtTestSupport
import Testing

/// `query-comment`'s BigQuery-only `job-label` is not taken silently.
@Suite struct QueryCommentConfigTests {
  @Test func jobLabelIsReportedAsWithoutEffect() throws {
    let fixture = try ProjectFixture([
      "project.yml": """
      name: shop
      targets:
        dev: {type: postgres, schema: dev}
      query-comment:
        comment: hello
        job-label: true
      """,
      "models/a.sql": "select 1 as id\n",
    ])
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    let warning = sink.diagnostics.first { $0.message.contains("job-label") }
    #expect(warning?.severity == .warning)
    #expect(warning?.message.contains("has no effect on PostgreSQL") == true)
    #expect(warning?.range != nil)
    #expect(loaded.projectFile.queryComment.comment == .template("hello"))
  }
}
