import Diagnostics
import OrderedCollections
import Project
import SwdbtTestSupport
import Template
import Testing

/// `unit_tests:` in properties files: every fixture format, fixture files, overrides, config.
@Suite struct UnitTestSpecTests {
  private func load(_ files: [String: String]) throws -> (LoadedProject, [Diagnostic]) {
    let fixture = try ProjectFixture(files)
    let sink = CollectingSink()
    let project = try ProjectLoader.load(root: fixture.root, sink: sink)
    return (project, sink.diagnostics)
  }

  @Test func readsEveryFormatOverridesAndConfig() throws {
    let (project, diagnostics) = try load([
      "project.yml": "name: shop\n",
      "models/a.sql": "select 1 as id",
      "tests/fixtures/people.csv": "id,name\n1,\"Ann, B\"\n2,\n",
      "models/a.yml": """
      unit_tests:
        - name: test_a
          model: a
          description: checks a
          config: {tags: [fast], enabled: true}
          overrides:
            macros: {is_incremental: true}
            vars: {rate: 2}
            env_vars: {REGION: eu}
          given:
            - input: ref('b')
              rows: [{id: 1}]
            - input: source('raw', 'people')
              format: csv
              fixture: people
            - input: this
              format: sql
              rows: select 1 as id
          expect:
            format: csv
            rows: |
              id
              1
      """,
    ])
    #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
    let test = try #require(project.unitTests.first)
    #expect(test.uniqueID(project: "shop") == "unit_test.shop.a.test_a")
    #expect(test.description == "checks a")
    #expect(test.config.tags == ["fast"])
    #expect(test.macroOverrides["is_incremental"] == .bool(true))
    #expect(test.varOverrides["rate"] == .integer(2))
    #expect(test.envOverrides["REGION"] == .string("eu"))
    #expect(test.given.map(\.input) == ["ref('b')", "source('raw', 'people')", "this"])
    #expect(test.given[0].fixture.rows == [["id": .integer(1)]])
    #expect(
      test.given[1].fixture.rows == [
        ["id": .string("1"), "name": .string("Ann, B")], ["id": .string("2"), "name": .none],
      ])
    #expect(test.given[2].fixture.sql == "select 1 as id")
    #expect(test.expect.rows == [["id": .string("1")]])
  }

  @Test func aUnitTestWithoutModelOrFixtureFileIsALocatedError() throws {
    let (_, diagnostics) = try load([
      "project.yml": "name: shop\n",
      "models/a.sql": "select 1 as id",
      "models/a.yml": """
      unit_tests:
        - name: no_model
        - name: no_file
          model: a
          given: []
          expect: {format: csv, fixture: missing}
      """,
    ])
    #expect(
      diagnostics.map { "\($0.range?.start.line ?? 0) \($0.message)" } == [
        "2 unit test `no_model` has no `model`",
        "6 fixture file `missing.csv` not found",
      ])
  }
}
