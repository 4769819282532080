import Diagnostics
import Project
import SwdbtTestSupport
import Testing

/// Every key dbt documents is either implemented or reported when used: none is silently
/// accepted (issue 17's rule).
///
/// The keys are copied, as data, from docs.getdbt.com: reference/model-configs,
/// reference/seed-configs, reference/snapshot-configs, reference/data-test-configs,
/// reference/source-configs, reference/exposure-properties, reference/dbt_project.yml,
/// reference/resource-properties (model, seed, column, source properties),
/// reference/resource-configs/postgres-configs and docs/core/connect-data-platform/postgres-setup.
@Suite struct DocumentedKeysTests {
  static let general = [
    "enabled", "tags", "pre_hook", "post_hook", "database", "schema", "alias", "persist_docs",
    "full_refresh", "meta", "grants", "event_time", "docs", "group", "access",
  ]
  static let documented: [KeyScope: [String]] = [
    .modelConfig: general + [
      "materialized", "sql_header", "on_configuration_change", "unique_key", "freshness",
      "on_error", "latest_version_pointer", "contract", "concurrent_batches", "batch_size",
      "lookback", "begin", "incremental_strategy", "on_schema_change", "incremental_predicates",
      "merge_update_columns", "merge_exclude_columns", "indexes", "unlogged", "deprecation_date",
    ],
    .seedConfig: general + ["quote_columns", "column_types", "delimiter"],
    .snapshotConfig: [
      "schema", "database", "alias", "unique_key", "strategy", "updated_at", "check_cols",
      "snapshot_meta_column_names", "dbt_valid_to_current", "hard_deletes", "target_schema",
      "target_database", "invalidate_hard_deletes", "enabled", "tags", "pre_hook", "post_hook",
      "persist_docs", "grants", "event_time", "meta", "docs",
    ],
    .testConfig: [
      "fail_calc", "limit", "severity", "error_if", "warn_if", "store_failures",
      "store_failures_as", "where", "enabled", "tags", "meta", "database", "schema", "alias",
      "group",
    ],
    .sourceConfig: ["enabled", "event_time", "meta", "tags", "freshness", "loaded_at_field"],
    .exposureConfig: ["enabled", "meta", "tags"],
    .projectFile: [
      "name", "config-version", "version", "profile", "model-paths", "seed-paths", "test-paths",
      "analysis-paths", "macro-paths", "snapshot-paths", "docs-paths", "asset-paths",
      "function-paths", "packages-install-path", "clean-targets", "query-comment",
      "require-dbt-version", "dbt-cloud", "flags", "exposures", "quoting", "metrics", "models",
      "seeds", "semantic-models", "saved-queries", "snapshots", "sources", "data_tests", "vars",
      "on-run-start", "on-run-end", "dispatch", "restrict-access", "functions",
    ],
    .target: [
      "type", "host", "user", "password", "port", "dbname", "schema", "threads",
      "keepalives_idle", "connect_timeout", "retries", "search_path", "role", "sslmode",
      "sslcert", "sslkey", "sslrootcert", "application_name",
    ],
    .propertiesFile: [
      "version", "models", "seeds", "sources", "exposures", "unit_tests", "semantic_models",
      "metrics", "saved_queries", "snapshots", "analyses", "macros", "groups",
    ],
    .modelProperty: [
      "name", "description", "docs", "latest_version", "deprecation_date", "access", "config",
      "constraints", "data_tests", "columns", "versions", "time_spine", "meta", "tags", "group",
    ],
    .columnProperty: [
      "name", "description", "meta", "quote", "constraints", "data_tests", "tags", "data_type",
      "granularity", "policy_tags",
    ],
    .sourceProperty: [
      "name", "description", "database", "schema", "loader", "config", "overrides", "quoting",
      "tables", "freshness", "loaded_at_field", "meta", "tags",
    ],
    .sourceTableProperty: [
      "name", "description", "identifier", "data_tests", "config", "loaded_at_field",
      "freshness", "quoting", "external", "columns", "meta", "tags",
    ],
  ]

  @Test(arguments: Array(documented.keys).sorted { $0.rawValue < $1.rawValue })
  func everyDocumentedKeyIsInTheTable(scope: KeyScope) {
    let missing = (Self.documented[scope] ?? []).filter {
      ConfigKeys.status($0, in: scope) == nil
    }
    #expect(missing.isEmpty, "\(scope.rawValue): \(missing)")
  }

  /// A value each implemented key accepts; unsupported keys are reported whatever the value.
  static func sample(_ key: String) -> String {
    switch key {
    case "materialized": "table"
    case "incremental_strategy": "merge"
    case "on_schema_change": "ignore"
    case "severity": "warn"
    case "tags": "[a]"
    case "grants": "{select: [reader]}"
    case "meta": "{owner: me}"
    case "column_types": "{id: text}"
    case "enabled": "true"
    case "persist_docs": "{relation: true, columns: true}"
    case "on_configuration_change": "apply"
    case "contract": "{enforced: false}"
    case "store_failures_as": "view"
    case "batch_size": "day"
    case "freshness": "{warn_after: {count: 1, period: hour}}"
    case "lookback": "1"
    case "begin": "'2024-01-01'"
    case "indexes": "[{columns: [id]}]"
    case "unlogged", "quote_columns": "true"
    case "delimiter": "','"
    case "strategy": "check"
    case "hard_deletes": "new_record"
    case "check_cols": "all"
    case "invalidate_hard_deletes": "true"
    case "snapshot_meta_column_names": "{dbt_valid_to: valid_to}"
    default: "x"
    }
  }

  /// The unsupported keys of a scope, each with the severity it must be reported with.
  static func unsupported(_ scope: KeyScope) -> [(String, Diagnostic.Severity)] {
    (documented[scope] ?? []).compactMap { key in
      guard case .unsupported(let severity, _)? = ConfigKeys.status(key, in: scope) else {
        return nil
      }
      return (key, severity)
    }
  }

  private func diagnostics(_ files: [String: String]) throws -> [Diagnostic] {
    let fixture = try ProjectFixture(files.merging(["models/a.sql": "select 1 as id"]) { $1 })
    let sink = CollectingSink()
    _ = try ProjectLoader.load(root: fixture.root, sink: sink)
    return sink.diagnostics
  }

  /// Every unsupported key is reported, naming it and its scope, with its severity; every
  /// implemented one is taken without a word.
  private func expectReported(
    _ diagnostics: [Diagnostic], _ scope: KeyScope, keys: [String]? = nil
  ) {
    let used = keys ?? Self.documented[scope] ?? []
    for key in used {
      let about = diagnostics.filter {
        $0.message.hasPrefix("swdbt does not support the \(scope.rawValue) `\(key)` yet")
      }
      switch ConfigKeys.status(key, in: scope) {
      case .unsupported(let severity, _)?:
        #expect(about.map(\.severity) == [severity], "\(scope.rawValue) `\(key)`")
        #expect(about.first?.range != nil, "\(scope.rawValue) `\(key)` is located")
      default:
        #expect(about.isEmpty, "\(scope.rawValue) `\(key)`")
      }
    }
    let unexpected = diagnostics.filter {
      !$0.message.hasPrefix("swdbt does not support the \(scope.rawValue)")
    }
    #expect(unexpected.isEmpty, "\(unexpected.map(\.message))")
  }

  @Test(arguments: [
    (KeyScope.modelConfig, "models"), (.seedConfig, "seeds"), (.testConfig, "data_tests"),
    (.snapshotConfig, "snapshots"),
  ])
  func everyConfigIsImplementedOrReportedInTheProjectFile(scope: KeyScope, section: String) throws {
    let lines = (Self.documented[scope] ?? []).map { "    +\($0): \(Self.sample($0))" }
    let found = try diagnostics([
      "project.yml": "name: shop\n\(section):\n  shop:\n" + lines.joined(separator: "\n") + "\n",
      "seeds/s.csv": "id\n1\n",
      "snapshots/s.sql": "{% snapshot s_history %}select 1 as id{% endsnapshot %}",
      "models/a.yml":
        "version: 2\nmodels:\n  - name: a\n    data_tests: [{unique: {column_name: id}}]\n",
    ])
    expectReported(found, scope)
  }

  @Test func everySourceConfigIsImplementedOrReportedInYAML() throws {
    let lines = (Self.documented[.sourceConfig] ?? []).map { "      \($0): \(Self.sample($0))" }
    let found = try diagnostics([
      "project.yml": "name: shop\n",
      "models/s.yml": "version: 2\nsources:\n  - name: crm\n    config:\n"
        + lines.joined(separator: "\n") + "\n    tables: [{name: customers}]\n",
    ])
    expectReported(found, .sourceConfig)
  }

  @Test func exposuresAreReadAndTheirProjectConfigsWarn() throws {
    #expect(Self.unsupported(.exposureConfig).allSatisfy { $0.1 == .warning })
    #expect(Self.unsupported(.exposureConfig).count == Self.documented[.exposureConfig]?.count)
    let found = try diagnostics([
      "project.yml": "name: shop\nsnapshots:\n  +strategy: check\n",
      "models/e.yml":
        "version: 2\nexposures:\n  - {name: board, type: dashboard, owner: {name: me}}\n",
    ])
    // `docs generate` reads exposures (lineage nodes, dashboards); loading says nothing.
    #expect(found.map(\.message) == [])
  }

  @Test func everyProjectKeyIsImplementedOrReported() throws {
    let keys = Self.unsupported(.projectFile).map(\.0)
    let lines = keys.map { "\($0): x" }
    let found = try diagnostics(["project.yml": "name: shop\n" + lines.joined(separator: "\n")])
    expectReported(found, .projectFile, keys: keys)
  }

  @Test func everyTargetSettingIsImplementedOrReported() throws {
    let lines = (Self.documented[.target] ?? []).map { key in
      switch key {
      case "type": "      type: postgres"
      case "threads", "port", "connect_timeout", "keepalives_idle", "retries": "      \(key): 3"
      case "password": "      password: \"{{ env_var('PASSWORD') }}\""
      default: "      \(key): x"
      }
    }
    let found = try diagnostics([
      "project.yml": "name: shop\ntargets:\n  prod:\n" + lines.joined(separator: "\n") + "\n"
    ])
    expectReported(found, .target)
  }

  @Test func everyPropertyIsImplementedOrReported() throws {
    func block(_ scope: KeyScope, indent: String, skip: Set<String>) -> String {
      (Self.documented[scope] ?? []).filter { !skip.contains($0) }.map { key in
        let value =
          switch key {
          case "meta", "config", "docs", "freshness", "external": "{}"
          // `quoting` everything is swdbt's own behaviour, so ask for less.
          case "quoting": "{identifier: false}"
          case "tags", "constraints", "data_tests", "versions": "[]"
          default: "x"
          }
        return indent + key + ": " + value
      }.joined(separator: "\n")
    }
    let yaml = """
      version: 2
      models:
        - name: a
      \(block(.modelProperty, indent: "    ", skip: ["name", "columns"]))
          columns:
            - name: id
      \(block(.columnProperty, indent: "        ", skip: ["name"]))
      sources:
        - name: crm
      \(block(.sourceProperty, indent: "    ", skip: ["name", "tables"]))
          tables:
            - name: customers
      \(block(.sourceTableProperty, indent: "        ", skip: ["name", "columns"]))
      """
    let found = try diagnostics(["project.yml": "name: shop\n", "models/a.yml": yaml])
    for scope in [KeyScope.modelProperty, .columnProperty, .sourceProperty, .sourceTableProperty] {
      let mine = found.filter { $0.message.contains("the \(scope.rawValue) `") }
      expectReported(mine, scope)
    }
    let others = found.filter { !$0.message.hasPrefix("swdbt does not support the") }
    #expect(others.isEmpty, "\(others.map(\.message))")
  }
}
