import Diagnostics
import Foundation
import OrderedCollections
import Project
import SwdbtTestSupport
import Template
import Testing

private let projectFile = """
  name: shop
  targets:
    local: {type: postgres, schema: dev}
  vars:
    region: eu
    shop:
      scoped: yes
  models:
    shop:
      +materialized: view
      +tags: [base]
      marts:
        +materialized: table
        +schema: marts
        +tags: [marts]
  """

@Suite struct ProjectLoaderTests {
  @Test func folderConfigThenYAMLAppliesInOrder() throws {
    let fixture = try ProjectFixture([
      "project.yml": projectFile,
      "models/marts/revenue.sql": "select 1",
      "models/staging/stg.sql": "select 2",
      "models/marts/_marts.yml": """
      version: 2
      models:
        - name: revenue
          description: Revenue per month.
          config: {materialized: incremental, tags: [finance]}
          columns:
            - name: month
              meta: {pii: false}
              data_tests: [not_null, unique]
      """,
    ])
    let sink = CollectingSink()
    let project = try ProjectLoader.load(root: fixture.root, sink: sink)
    #expect(sink.diagnostics.isEmpty)
    let revenue = try #require(project.models.first { $0.name == "revenue" })
    #expect(revenue.config.materialized == "incremental")
    #expect(revenue.config.schema == "marts")
    #expect(revenue.config.tags == ["base", "marts", "finance"])
    #expect(revenue.patch?.columns.first?.tests.map(\.testName) == ["not_null", "unique"])
    #expect(revenue.fqn == ["shop", "marts", "revenue"])
    let staging = try #require(project.models.first { $0.name == "stg" })
    #expect(staging.config.materialized == "view")
    #expect(project.target.schema == "dev")
    #expect(project.vars["region"] == .string("eu"))
    #expect(project.vars["scoped"] == .string("yes"))
  }

  @Test func commandLineVarsOverrideProjectVars() throws {
    let fixture = try ProjectFixture(["project.yml": projectFile])
    let project = try ProjectLoader.load(
      root: fixture.root, options: LoadOptions(vars: "{region: us, extra: 3}"),
      sink: CollectingSink())
    #expect(project.vars["region"] == .string("us"))
    #expect(project.vars["extra"] == .integer(3))
  }

  /// Directories are listed level by level and in parallel, each sorted on its own: the whole
  /// list must still come out as the sorted full paths (`a-c` before `a/b` before `a0`).
  @Test func listsMatchingFilesInTheOrderOfTheirWholePaths() throws {
    let fixture = try ProjectFixture([
      "a/b.sql": "", "a-c.sql": "", "a/z/y.sql": "", "a/x.yml": "", "a0.sql": "", "é/e.sql": "",
      "b.SQL": "", "notes.md": "", ".hidden/h.sql": "", "a/.h.sql": "", "z/deep/er/still/f.sql": "",
    ])
    let files = FileSystem.files(under: fixture.root, suffixes: [".sql", ".yml"])
    #expect(
      files == [
        "a-c.sql", "a/b.sql", "a/x.yml", "a/z/y.sql", "a0.sql", "z/deep/er/still/f.sql",
        "é/e.sql",
      ])
    #expect(files == files.sorted())
    #expect(FileSystem.files(under: fixture.root + "/missing", suffixes: [".sql"]).isEmpty)
  }

  /// Small files take one read into scratch space; a file of the scratch size or larger is
  /// read again from the start: every size around that edge reads back whole.
  @Test func readsFilesOfEverySizeAroundTheScratchBuffer() throws {
    var files: [String: String] = [:]
    for size in [0, 1, 16_383, 16_384, 16_385, 40_000] {
      files["f\(size)"] = String(
        String(repeating: "abcdefghijklm", count: size / 13 + 1).prefix(size))
    }
    let fixture = try ProjectFixture(files)
    for (name, content) in files {
      #expect(try FileSystem.read(fixture.root + "/" + name) == Array(content.utf8), "\(name)")
    }
    #expect(throws: FileSystem.Failure.self) { try FileSystem.read(fixture.root + "/missing") }
  }

  /// A link to a folder above it nests without end; the listing stops instead of recursing
  /// until the stack overflows.
  @Test func aLinkToAnEnclosingFolderEndsTheListing() throws {
    let fixture = try ProjectFixture(["models/a.sql": "select 1"])
    try FileManager.default.createSymbolicLink(
      atPath: fixture.root + "/models/again", withDestinationPath: fixture.root + "/models")
    let files = FileSystem.files(under: fixture.root + "/models", suffixes: [".sql"])
    #expect(files.first == "a.sql")
    #expect(files.contains("again/again/a.sql"))
  }

  @Test func readsDbtProjectFileWhenProjectYmlIsMissing() throws {
    let fixture = try ProjectFixture([
      "dbt_project.yml":
        "name: jaffle\nconfig-version: 2\nprofile: jaffle\nmodel-paths: [\"models\"]\n",
      "models/orders.sql": "select 1",
      // dbt's default test path: a dbt project's singular tests are found without settings.
      "tests/assert_orders_exist.sql": "select 1 where false",
    ])
    let project = try ProjectLoader.load(root: fixture.root, sink: CollectingSink())
    #expect(project.name == "jaffle")
    #expect(project.models.map(\.uniqueID) == ["model.jaffle.orders"])
    #expect(project.singularTests.map(\.uniqueID) == ["test.jaffle.assert_orders_exist"])
    #expect(project.projectFile.profile == "jaffle")
  }

  @Test func misspelledConfigKeysAreErrorsWithHints() throws {
    let fixture = try ProjectFixture([
      "project.yml": """
      name: shop
      models:
        shop:
          +materialised: table
          staging:
            uniqe_key: id
      """,
      "models/staging/a.sql": "select 1",
      "models/staging/a.yml":
        "version: 2\nmodels:\n  - name: a\n    config:\n      incremental_stratgy: merge\n",
    ])
    let sink = CollectingSink()
    _ = try ProjectLoader.load(root: fixture.root, sink: sink)
    let rendered = DiagnosticRenderer().render(sink.diagnostics)
    #expect(
      rendered == """
        models/staging/a.yml:5:7: error: unknown model config `incremental_stratgy`
        5 |       incremental_stratgy: merge
          |       ^~~~~~~~~~~~~~~~~~~
        hint: did you mean `incremental_strategy`?
        project.yml:4:5: error: unknown model config `materialised`
        4 |     +materialised: table
          |     ^~~~~~~~~~~~~
        hint: did you mean `materialized`?
        project.yml:6:7: error: unknown model config `uniqe_key`
        6 |       uniqe_key: id
          |       ^~~~~~~~~
        hint: did you mean `+unique_key`?

        """)
  }

  @Test func invalidConfigValuesNameTheAllowedOnes() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\nmodels:\n  shop:\n    +materialized: tabel\n",
      "models/a.sql": "select 1",
    ])
    let sink = CollectingSink()
    _ = try ProjectLoader.load(root: fixture.root, sink: sink)
    #expect(sink.diagnostics.map(\.message) == ["unknown materialization `tabel`"])
    #expect(sink.diagnostics.first?.hint == "did you mean `table`?")
  }

  @Test func yamlSyntaxErrorsPointAtTheProblem() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\n",
      "models/a.sql": "select 1",
      "models/a.yml": "version: 2\nmodels:\n  - name: a\n    description: [unclosed\n",
    ])
    let sink = CollectingSink()
    _ = try ProjectLoader.load(root: fixture.root, sink: sink)
    let diagnostic = try #require(sink.diagnostics.first)
    #expect(diagnostic.code == "yaml.syntax")
    #expect(diagnostic.range?.file.path == "models/a.yml")
    #expect(diagnostic.range.map { $0.start.line } == 5)
  }

  @Test func missingProjectFileThrowsWithAHint() throws {
    let fixture = try ProjectFixture(["models/a.sql": "select 1"])
    #expect {
      _ = try ProjectLoader.load(root: fixture.root, sink: CollectingSink())
    } throws: { error in
      (error as? Diagnostic)?.hint == "run swdbt from a project's root or pass `--project-dir DIR`"
    }
  }

  @Test func literalPasswordsAreRefused() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  prod: {type: postgres, host: db, password: hunter2}\n"
    ])
    let sink = CollectingSink()
    let project = try ProjectLoader.load(root: fixture.root, sink: sink)
    #expect(sink.diagnostics.map(\.code) == ["project.literal-password"])
    let rendered = DiagnosticRenderer().render(sink.diagnostics)
    #expect(!rendered.contains("hunter2"))
    #expect(
      rendered.hasPrefix(
        "project.yml:3:36: error: target `prod` has a literal password in `password`: "
          + "passwords are only read from the environment\n"))
    #expect(project.target.settings["password"] == nil)
  }

  @Test(arguments: [
    (
      "lock_timeout: soon", "lock_timeout",
      "3:50: error: target `prod`: `lock_timeout` must be a duration"
    ),
    (
      "lock_timeout: -5", "lock_timeout",
      "3:50: error: target `prod`: `lock_timeout` must be a duration"
    ),
    (
      "connect_timeout: 2.5", "connect_timeout",
      "3:53: error: target `prod`: `connect_timeout` must be a whole number of seconds"
    ),
  ])
  func badTimeoutIsALocatedError(setting: String, key: String, expected: String) throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  prod: {type: postgres, host: db, \(setting)}\n"
    ])
    let sink = CollectingSink()
    let project = try ProjectLoader.load(root: fixture.root, sink: sink)
    #expect(sink.diagnostics.map(\.code) == ["project.target-setting"])
    let rendered = DiagnosticRenderer().render(sink.diagnostics)
    #expect(rendered.hasPrefix("project.yml:" + expected + "\n"), "\(rendered)")
    #expect(project.target.settings[key] == nil)
  }

  @Test func timeoutsInEveryAcceptedFormPass() throws {
    let fixture = try ProjectFixture([
      "project.yml":
        "name: shop\ntargets:\n  a: {type: postgres, host: db, lock_timeout: 10s, connect_timeout: 5}\n"
        + "  b: {type: postgres, host: db, lock_timeout: 2500, connect_timeout: '7'}\n"
        + "  c: {type: postgres, host: db, lock_timeout: '1.5 min'}\n"
    ])
    let sink = CollectingSink()
    _ = try ProjectLoader.load(root: fixture.root, sink: sink)
    #expect(sink.diagnostics.isEmpty, "\(DiagnosticRenderer().render(sink.diagnostics))")
  }

  @Test func unknownTargetSuggestsADeclaredOne() throws {
    let fixture = try ProjectFixture(["project.yml": projectFile])
    #expect {
      _ = try ProjectLoader.load(
        root: fixture.root, options: LoadOptions(targetName: "locl"), sink: CollectingSink())
    } throws: { error in
      (error as? Diagnostic)?.hint == "did you mean `local`?"
    }
  }

  @Test func configPathsThatMatchNothingAreWarned() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\nmodels:\n  shop:\n    stagin:\n      +materialized: table\n",
      "models/staging/a.sql": "select 1",
    ])
    let sink = CollectingSink()
    _ = try ProjectLoader.load(root: fixture.root, sink: sink)
    #expect(sink.diagnostics.map(\.message) == ["`models: shop.stagin` applies to no model"])
  }
}

@Suite struct YAMLMutationTests {
  @Test func mutatedPropertiesFilesNeverTrap() throws {
    let seed = Array(
      """
      version: 2
      sources:
        - name: crm
          tables: [{name: customers, columns: [{name: id, tests: [unique]}]}]
      models:
        - name: orders
          description: "Orders: one row each"
          config: {materialized: table, tags: [a, b]}
          columns:
            - name: id
              data_tests:
                - not_null
                - relationships: {to: ref('customers'), field: id}
                - accepted_values: {values: [1, 2], severity: warn}
      """.utf8)
    var state: UInt64 = 42
    func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state >> 33
    }
    let alphabet = Array(":-[]{},'\"\n #&*!|>".utf8)
    // Past the YAML bounds (nesting, alias expansion): a diagnostic each, never a trap or hang.
    var bomb = "\nb0: &b0 [x, x, x, x, x, x, x, x, x, x]\n"
    for level in 1..<12 {
      bomb +=
        "b\(level): &b\(level) ["
        + Array(repeating: "*b\(level - 1)", count: 10)
        .joined(separator: ", ") + "]\n"
    }
    let bombs = [
      Array(String(repeating: "[", count: 700).utf8),
      Array(String(repeating: "{a: ", count: 700).utf8),
      Array(bomb.utf8), Array(" &a ".utf8), Array(" *a".utf8),
    ]
    var diagnosed = 0
    for _ in 0..<2_000 {
      var bytes = seed
      for _ in 0..<(1 + Int(next() % 3)) {
        let position = Int(next() % UInt64(bytes.count))
        switch next() % 4 {
        case 0: bytes.remove(at: position)
        case 1 where next() % 4 == 0:
          bytes.insert(contentsOf: bombs[Int(next() % UInt64(bombs.count))], at: position)
        case 1: bytes.insert(alphabet[Int(next() % UInt64(alphabet.count))], at: position)
        default: bytes[position] = UInt8(truncatingIfNeeded: next())
        }
      }
      let sink = CollectingSink()
      _ = SchemaFile.parse(SourceFile(path: "m.yml", bytes: bytes), projectName: "shop", sink: sink)
      if !sink.diagnostics.isEmpty { diagnosed += 1 }
      _ = DiagnosticRenderer().render(sink.diagnostics)
    }
    #expect(diagnosed > 100)
  }
}

/// Jinja in YAML values is rendered with `var`, `env_var` and `target`, as dbt renders it.
@Suite struct YAMLJinjaLoaderTests {
  @Test func sourcesConfigsAndTestArgumentsAreRendered() throws {
    let fixture = try ProjectFixture([
      "project.yml":
        "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\nvars:\n  seed_name: raw_base\n",
      "models/m.sql": "select 1 as x\n",
      "models/_m.yml": """
      version: 2
      sources:
        - name: raw
          schema: "{{ target.schema }}_raw"
          database: "{{ env_var('RAW_DB') }}"
          tables:
            - name: base
              identifier: "{{ var('seed_name', 'base') }}"
      models:
        - name: m
          config:
            alias: "{{ var('seed_name') }}_m"
            grants: {select: ["{{ env_var('GRANTEE') }}"]}
            post_hook: "grant select on {{ this }} to x"
          columns:
            - name: x
              data_tests:
                - accepted_values: {values: ["{{ var('seed_name') }}", "{{ ref('x') }}"]}
      """,
    ])
    let sink = CollectingSink()
    let project = try ProjectLoader.load(
      root: fixture.root, options: LoadOptions(environment: ["RAW_DB": "lake", "GRANTEE": "bi"]),
      sink: sink)
    #expect(sink.diagnostics.isEmpty, "\(sink.diagnostics.map(\.message))")
    let source = try #require(project.sources.first)
    #expect(source.schema == "dev_raw")
    #expect(source.database == "lake")
    #expect(source.identifier == "raw_base")
    let model = try #require(project.models.first)
    #expect(model.config.alias == "raw_base_m")
    #expect(model.config["grants"] == .dict(["select": .list([.string("bi")])]))
    // Hooks wait for run time, where `this` is known.
    #expect(model.config["post_hook"] == .string("grant select on {{ this }} to x"))
    let test = try #require(model.patch?.columns.first?.tests.first)
    // What needs more than the parse-time context is left for the test's own rendering.
    #expect(
      test.arguments["values"] == .list([.string("raw_base"), .string("{{ ref('x') }}")]))
  }

  @Test func projectFileModelConfigsAreRenderedThenChecked() throws {
    let fixture = try ProjectFixture([
      "project.yml": """
      name: shop
      targets:
        dev: {type: postgres, schema: dev}
      vars:
        mart_schema: finance
      models:
        shop:
          +materialized: "{{ 'table' if target.name == 'dev' else 'view' }}"
          +schema: "{{ var('mart_schema') }}"
          +post-hook: "analyze {{ this }}"
          staging:
            +materialized: "{{ 'tabel' }}"
      """,
      "models/m.sql": "select 1\n",
      "models/staging/s.sql": "select 1\n",
    ])
    let sink = CollectingSink()
    let project = try ProjectLoader.load(root: fixture.root, sink: sink)
    let model = try #require(project.models.first { $0.name == "m" })
    #expect(model.config.materialized == "table")
    #expect(model.config.schema == "finance")
    #expect(model.config["post_hook"] == .string("analyze {{ this }}"))
    // A rendered value is checked like a literal one.
    #expect(sink.diagnostics.map(\.severity) == [.error])
    #expect(sink.diagnostics.first?.message.contains("tabel") == true)
  }

  @Test func descriptionsRenderDocBlocks() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
      "models/m.sql": "select 1 as x\n",
      "models/docs.md": "{% docs orders %}\nOne row per order.\n{% enddocs %}\n",
      "models/_m.yml": """
      version: 2
      sources:
        - name: raw
          tables:
            - name: base
              description: "From {{ target.name }}: {{ doc('orders') }}"
      models:
        - name: m
          description: "{{ doc('orders') }}"
          columns:
            - name: x
              description: "x of {{ doc('orders') }}"
      """,
    ])
    let sink = CollectingSink()
    let project = try ProjectLoader.load(root: fixture.root, sink: sink)
    #expect(sink.diagnostics.isEmpty, "\(sink.diagnostics.map(\.message))")
    let model = try #require(project.models.first)
    #expect(model.patch?.description == "One row per order.")
    #expect(model.patch?.columns.first?.description == "x of One row per order.")
    #expect(project.sources.first?.description == "From dev: One row per order.")
  }

  @Test func anUndefinedVarIsAnErrorAtTheValue() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
      "models/_s.yml": """
      version: 2
      sources:
        - name: raw
          tables:
            - name: base
              identifier: "{{ var('missing') }}"
      """,
    ])
    let sink = CollectingSink()
    _ = try ProjectLoader.load(root: fixture.root, sink: sink)
    let error = try #require(sink.diagnostics.first)
    #expect(
      error.message
        == "cannot render the `identifier` value: var `missing` is not defined and has no default")
    #expect(error.range?.start.line == 6)
  }
}

/// A properties entry under the wrong key is not attached, as in dbt, and the warning says where
/// it belongs.
@Suite struct WrongResourceKeyTests {
  @Test func aSeedDescribedUnderModelsKeepsOnlyItsTestsWithAWarning() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
      "seeds/people.csv": "id\n1\n",
      "models/m.sql": "select 1\n",
      "seeds/_seeds.yml": """
      version: 2
      models:
        - name: people
          description: the people
          columns:
            - name: id
              description: the id
              data_tests: [not_null]
        - name: m
      seeds:
        - name: m
      """,
    ])
    let sink = CollectingSink()
    let project = try ProjectLoader.load(root: fixture.root, sink: sink)
    // As dbt: the tests select the seed by name; the description is not applied.
    let patch = try #require(project.seeds.first?.patch)
    #expect(patch.description == "")
    #expect(patch.columns.map(\.name) == ["id"])
    #expect(patch.columns.first?.description == "")
    #expect(patch.columns.first?.tests.map(\.testName) == ["not_null"])
    let messages = sink.diagnostics.map {
      "\($0.range?.start.line ?? 0): \($0.message) | \($0.hint ?? "")"
    }
    #expect(
      messages == [
        "3: `people` is a seed, but it is described under `models:`; its tests run on it, its "
          + "other properties are not applied | move the `people` entry under `seeds:`",
        "11: `m` is a model, but it is described under `seeds:`; its tests run on it, its other "
          + "properties are not applied | move the `m` entry under `models:`",
      ])
  }

}
