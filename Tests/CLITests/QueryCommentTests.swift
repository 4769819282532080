import SwdbtTestSupport
import Testing

/// `query-comment` in the project file: every statement sent for a node carries it, as dbt's.
@Suite struct QueryCommentTests {
  /// A model whose post-hook records the statement the server is running: the hook itself.
  static let recorder: [String: String] = [
    "models/a.sql":
      "{{ config(post_hook=\"create table {{ target.schema }}.seen as select query from pg_stat_activity where pid = pg_backend_pid()\") }}\nselect 1 as id\n"
  ]

  @Test func aTemplateCommentReachesTheServerAndTheDebugLog() async throws {
    let fixture = try await DatabaseFixture(
      "qcomment",
      projectYAML: "query-comment:\n  comment: \"by {{ target.name }} for {{ node.name }}\"\n",
      files: Self.recorder)
    let result = try fixture.swdbt(["run", "--debug", "--log-format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    let seen = try fixture.scalar("select query from \(fixture.relation("seen"))") ?? ""
    #expect(seen.hasPrefix("/* by it for a */\ncreate table"), "\(seen)")
    // The debug log names the event and the node, with the statement as sent.
    #expect(
      result.stderr.contains(
        "\"event\":\"SQLQuery\",\"level\":\"debug\",\"unique_id\":\"model.it.a\""),
      "\(result.stderr)")
    #expect(result.stderr.contains(#"/* by it for a */\ncreate table"#), "\(result.stderr)")
  }

  @Test func appendedCommentsGoAfterTheStatement() async throws {
    let fixture = try await DatabaseFixture(
      "qcappend", projectYAML: "query-comment:\n  comment: tail\n  append: true\n",
      files: Self.recorder)
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    let seen = try fixture.scalar("select query from \(fixture.relation("seen"))") ?? ""
    #expect(seen.hasSuffix("pg_backend_pid()\n/* tail */"), "\(seen)")
  }

  @Test func theDefaultCommentIsDbtsHeader() async throws {
    let fixture = try await DatabaseFixture("qcdefault", files: Self.recorder)
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    let seen = try fixture.scalar("select query from \(fixture.relation("seen"))") ?? ""
    #expect(
      seen.hasPrefix(
        #"/* {"app": "dbt", "dbt_version": "1.10.0", "profile_name": "it", "target_name": "it", "node_id": "model.it.a"} */"#
      ), "\(seen)")
    // No comment at all when the project says so.
    try fixture.project.write(
      "project.yml", try fixture.project.read("project.yml") + "query-comment: null\n")
    _ = try fixture.rows("drop table \(fixture.relation("seen"))")
    #expect(try fixture.swdbt(["run"]).status == 0)
    let plain = try fixture.scalar("select query from \(fixture.relation("seen"))") ?? ""
    #expect(plain.hasPrefix("create table"), "\(plain)")
  }

  @Test func aCommentHoldingTheCommentEndIsAnErrorAtTheKey() async throws {
    let fixture = try await DatabaseFixture(
      "qcbad", projectYAML: "query-comment: \"{{ bad() }}\"\n",
      files: [
        "macros/bad.sql": "{% macro bad() %}x */ y{% endmacro %}\n",
        "models/a.sql": "select 1 as id\n",
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("error: `query-comment` renders to text containing `*/`"),
      "\(result.stderr)")
    #expect(!fixture.project.exists("target/run_results.json"))
  }
}
