import Foundation
import SwdbtTestSupport
import Testing

/// `state:`, `result:` selectors against an earlier manifest, without a database.
@Suite struct StateSelectionTests {
  @Test func stateSelectorsWithoutStateAreAUsageError() async throws {
    let fixture = try ProjectFixture(["project.yml": "name: it\n", "models/a.sql": "select 1\n"])
    let result = try Executable.run(["ls", "-s", "state:modified"], in: fixture.root)
    #expect(result.status == 64)
    #expect(result.stderr.contains("need `--state`"))
    let typo = try Executable.run(
      ["ls", "-s", "state:modifed", "--state", "x"], in: fixture.root)
    #expect(typo.status == 64)
    #expect(typo.stderr.contains("did you mean `modified`"), "\(typo.stderr)")
    let missing = try Executable.run(
      ["ls", "-s", "state:new", "--state", "nowhere"], in: fixture.root)
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("cannot read a manifest at"))
    let same = try Executable.run(["run", "--defer", "--state", "target"], in: fixture.root)
    #expect(same.status == 1)
    #expect(same.stderr.contains("The state and target directories are the same: 'target'"))
  }

  @Test func newNodesAndPreviousResultsAreSelectable() async throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: it\n", "models/a.sql": "select 1 as x\n",
      "models/b.sql": "select * from {{ ref('a') }}\n",
    ])
    #expect(try Executable.run(["parse"], in: fixture.root).status == 0)
    try FileManager.default.copyItem(
      atPath: fixture.root + "/target", toPath: fixture.root + "/prev")
    try fixture.write(
      "prev/run_results.json",
      #"{"results": [{"unique_id": "model.it.a", "status": "error"}]}"#)
    try fixture.write("models/c.sql", "select * from {{ ref('b') }}\n")
    let new = try Executable.run(
      ["ls", "-s", "state:new", "--state", "prev", "--output", "name"], in: fixture.root)
    #expect(new.stdout.split(separator: "\n") == ["c"], "\(new.stderr)")
    let failed = try Executable.run(
      ["ls", "-s", "result:error+", "--state", "prev", "--output", "name"], in: fixture.root)
    #expect(failed.stdout.split(separator: "\n").sorted() == ["a", "b", "c"])
    let old = try Executable.run(
      ["ls", "-s", "state:old,state:unmodified", "--state", "prev", "--output", "name"],
      in: fixture.root)
    #expect(old.stdout.split(separator: "\n").sorted() == ["a", "b"])
  }

  @Test func macrosDescriptionsAndRelationsAreComparedAsDbtDoes() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: it\n",
      "macros/cents.sql": "{% macro cents(x) %}{{ x }} / 100{% endmacro %}\n",
      "macros/wrap.sql": "{% macro wrap(x) %}({{ cents(x) }}){% endmacro %}\n",
      "models/direct.sql": "select {{ cents('1') }} as d\n",
      "models/indirect.sql": "select {{ wrap('1') }} as d\n",
      "models/plain.sql": "select 1 as d\n",
      "models/documented.sql": "{{ config(persist_docs={'relation': true}) }}\nselect 1 as d\n",
      "models/schema.yml": "models:\n  - name: documented\n    description: before\n"
        + "  - name: plain\n    description: before\n",
    ])
    #expect(try Executable.run(["parse"], in: fixture.root).status == 0)
    try FileManager.default.copyItem(
      atPath: fixture.root + "/target", toPath: fixture.root + "/prev")
    try fixture.write("macros/cents.sql", "{% macro cents(x) %}{{ x }} / 100.0{% endmacro %}\n")
    try fixture.write(
      "models/schema.yml",
      "models:\n  - name: documented\n    description: after\n"
        + "  - name: plain\n    description: after\n    config: {alias: plain_v2}\n")
    func names(_ selector: String) throws -> [String] {
      try Executable.run(
        ["ls", "-s", selector, "--state", "prev", "--output", "name"], in: fixture.root
      ).stdout.split(separator: "\n").map(String.init).sorted()
    }
    // Both the model calling the macro and the one calling a macro that calls it.
    #expect(try names("state:modified.macros") == ["direct", "indirect"])
    // Only a description that is persisted counts.
    #expect(try names("state:modified.persisted_descriptions") == ["documented"])
    #expect(try names("state:modified.relation") == ["plain"])
    #expect(try names("state:modified.body").isEmpty)
    #expect(try names("state:modified") == ["direct", "documented", "indirect", "plain"])
  }
}
