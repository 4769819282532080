import Diagnostics
import Project
import SwdbtTestSupport
import Template
import Testing

/// dbt keys swdbt does not implement are reported where they are written, never ignored.
@Suite struct UnsupportedKeysTests {
  private func load(_ files: [String: String]) throws -> [Diagnostic] {
    let fixture = try ProjectFixture(files)
    let sink = CollectingSink()
    _ = try ProjectLoader.load(root: fixture.root, sink: sink)
    return sink.diagnostics
  }

  @Test func configsThatWouldChangeDataAreLocatedErrors() throws {
    let diagnostics = try load([
      "project.yml": """
      name: shop
      models:
        shop:
          +quoting: {identifier: false}
          +full_refresh: false
      """,
      "models/a.sql": "select 1 as id",
      "models/a.yml":
        "version: 2\nmodels:\n  - name: a\n    config:\n      full_refresh: false\n",
    ])
    #expect(
      DiagnosticRenderer().render(diagnostics) == """
        models/a.yml:5:7: error: swdbt does not support the model config `full_refresh` yet
        5 |       full_refresh: false
          |       ^~~~~~~~~~~~
        hint: `full_refresh: false` would not keep `--full-refresh` from rebuilding it; remove the key
        project.yml:4:5: error: swdbt does not support the model config `quoting` yet
        4 |     +quoting: {identifier: false}
          |     ^~~~~~~~
        hint: swdbt quotes every identifier, as dbt-postgres does by default; remove `quoting`
        project.yml:5:5: error: swdbt does not support the model config `full_refresh` yet
        5 |     +full_refresh: false
          |     ^~~~~~~~~~~~~
        hint: `full_refresh: false` would not keep `--full-refresh` from rebuilding it; remove the key

        """)
  }

  @Test func configsWithoutEffectOnDataAreWarningsAndTheModelStillLoads() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\nmodels:\n  shop:\n    +docs: {show: false}\n",
      "models/a.sql": "select 1 as id",
      "models/a.yml": "version: 2\nmodels:\n  - name: a\n    config:\n      group: finance\n",
    ])
    let sink = CollectingSink()
    let project = try ProjectLoader.load(root: fixture.root, sink: sink)
    #expect(project.models.map(\.name) == ["a"])
    #expect(sink.diagnostics.map(\.severity) == [.warning, .warning])
    #expect(
      sink.diagnostics.map(\.message) == [
        "swdbt does not support the model config `group` yet; it has no effect",
        "swdbt does not support the model config `docs` yet; it has no effect",
      ])
  }

  @Test func seedAndTestConfigsAreCheckedAgainstTheirOwnTables() throws {
    let diagnostics = try load([
      "project.yml": """
      name: shop
      seeds:
        shop:
          +persist_docs: {relation: true}
      data_tests:
        shop:
          +database: other
      """,
      "models/a.sql": "select 1 as id",
      "seeds/s.csv": "id\n1\n",
    ])
    #expect(
      diagnostics.map(\.message) == [
        "swdbt does not support the seed config `persist_docs` yet",
        "swdbt does not support the test config `database` yet",
      ])
    #expect(diagnostics.allSatisfy { $0.severity == .error })
  }

  @Test func propertiesFileSectionsSwdbtDoesNotReadAreWarnings() throws {
    let diagnostics = try load([
      "project.yml": "name: shop\n",
      "models/a.sql": "select 1 as id",
      "models/a.yml": """
      version: 2
      exposures:
        - name: dashboard
      saved_queries:
        - name: test_a
      semantic_models:
        - name: orders
      metrics:
        - name: revenue
      """,
    ])
    // Exposures are read by `docs generate` (Docs), the semantic layer's sections by `swdbt
    // query` (Metrics), not by loading.
    #expect(diagnostics.map { "\($0.range?.start.line ?? 0) \($0.message)" } == [])
  }

  @Test func propertiesThatWouldChangeDataAreErrors() throws {
    let diagnostics = try load([
      "project.yml": "name: shop\n",
      "models/a.sql": "select 1 as id",
      "models/a.yml": """
      version: 2
      models:
        - name: a
          latest_version: 2
          versions:
            - v: 2
      """,
    ])
    #expect(
      diagnostics.map { "\($0.severity) \($0.range?.start.line ?? 0) \($0.message)" } == [
        "error 4 swdbt does not support the model property `latest_version` yet",
        "error 5 swdbt does not support the model property `versions` yet",
      ])
  }

  @Test func snapshotBlocksBecomeSnapshotNodesWithTheFileNameInTheirFQN() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\nsnapshots:\n  shop:\n    +strategy: timestamp\n",
      "models/a.sql": "select 1 as id",
      "snapshots/crm/orders.sql":
        "{% snapshot orders %}select 1{% endsnapshot %}\n{% snapshot items %}select 2{% endsnapshot %}",
    ])
    let sink = CollectingSink()
    let project = try ProjectLoader.load(root: fixture.root, sink: sink)
    #expect(sink.diagnostics.map(\.message) == [])
    let snapshots = project.models.filter { $0.resourceType == .snapshot }
    #expect(snapshots.map(\.uniqueID) == ["snapshot.shop.items", "snapshot.shop.orders"])
    #expect(
      snapshots.map(\.fqn) == [
        ["shop", "crm", "orders", "items"], ["shop", "crm", "orders", "orders"],
      ])
    #expect(snapshots.allSatisfy { $0.config["strategy"]?.stringValue == "timestamp" })
    #expect(snapshots.allSatisfy { $0.config.materialized == "snapshot" })
  }

  @Test func aSnapshotFileWithoutABlockIsReported() throws {
    let diagnostics = try load([
      "project.yml": "name: shop\n",
      "snapshots/orders.sql": "select 1",
    ])
    #expect(
      diagnostics.map { "\($0.path ?? "") \($0.message)" } == [
        "snapshots/orders.sql `snapshots/orders.sql` defines no `{% snapshot %}` block"
      ])
  }

  @Test func projectKeysAndTargetSettingsAreCheckedToo() throws {
    let diagnostics = try load([
      "project.yml": """
      name: shop
      quoting: {identifier: false}
      require-dbt-version: ">=1.8.0"
      targets:
        dev: {type: postgres, schema: dev, search_path: other, retries: 3, colour: red}
      """,
      "models/a.sql": "select 1 as id",
    ])
    #expect(
      diagnostics.map { "\($0.severity) \($0.message)" } == [
        "error swdbt does not support the project key `quoting` yet",
        "error swdbt does not support the target setting `search_path` yet",
        "warning swdbt does not support the target setting `retries` yet; it has no effect",
        "warning unknown target setting `colour` is ignored",
      ])
  }

  /// `quoting` that asks for what swdbt always does (dbt-postgres's default) needs no report.
  @Test func quotingEverythingIsWhatSwdbtDoesAndPassesSilently() throws {
    let diagnostics = try load([
      "project.yml": """
      name: shop
      quoting: {database: true, schema: true, identifier: true}
      models:
        shop:
          +quoting: {identifier: true}
      """,
      "models/a.sql": "select 1 as id",
      "models/s.yml": """
      version: 2
      sources:
        - name: crm
          quoting: {identifier: true}
          tables:
            - name: customers
              quoting: {schema: false}
      """,
    ])
    #expect(
      diagnostics.map { "\($0.severity) \($0.range?.start.line ?? 0) \($0.message)" } == [
        "error 7 swdbt does not support the source table property `quoting` yet"
      ])
  }

  /// dbt's adapter test suite writes `flags: {send_anonymous_usage_stats: false}` into every
  /// project; swdbt never sends usage statistics, so only other flags are reported.
  @Test func flagsAskingForNoUsageStatisticsPassSilently() throws {
    let quiet = try load([
      "project.yml": "name: shop\nflags: {send_anonymous_usage_stats: false}\n",
      "models/a.sql": "select 1 as id",
    ])
    #expect(quiet.isEmpty)
    let other = try load([
      "project.yml": "name: shop\nflags: {send_anonymous_usage_stats: false, fail_fast: true}\n",
      "models/a.sql": "select 1 as id",
    ])
    #expect(
      other.map(\.message) == [
        "swdbt does not support the project key `flags` yet; it has no effect"
      ])
  }

  /// dbt reads these keys beside a generic test's arguments as config, not as arguments.
  @Test func inlineTestConfigKeysAreCheckedLikeConfig() throws {
    let diagnostics = try load([
      "project.yml": "name: shop\n",
      "models/a.sql": "select 1 as id",
      "models/a.yml": """
      version: 2
      models:
        - name: a
          columns:
            - name: id
              data_tests:
                - unique: {alias: my_unique, store_failures_as: table, database: other}
      """,
    ])
    // `alias` and `store_failures_as` are config (implemented); `database` is reported.
    #expect(
      diagnostics.map(\.message) == ["swdbt does not support the test config `database` yet"])
  }
}
