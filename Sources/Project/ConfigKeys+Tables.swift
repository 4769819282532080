import Diagnostics

// The keys dbt documents, per scope, with swdbt's status. A key another branch implements
// becomes `.implemented` by changing its one line here.

extension KeyStatus {
  /// Unsupported, and ignoring the key would change data: an error.
  static func error(_ hint: String) -> KeyStatus { .unsupported(.error, hint) }
  /// Unsupported, without effect on data: a warning.
  static func warning(_ hint: String) -> KeyStatus { .unsupported(.warning, hint) }
}

extension ConfigKeys {
  private static let noExposures = KeyStatus.warning(
    "exposure configs are not applied; `docs generate` reads exposures as written")
  private static let notShown = KeyStatus.warning(
    "the docs site shows every node; remove the key")
  private static let noGroups = KeyStatus.warning(
    "swdbt does not check groups or model access; remove the key")
  private static let noFreshness = KeyStatus.warning(
    "`source freshness` reads `loaded_at_field`; `loaded_at_query` is not run")
  private static let noQuoting = KeyStatus.error(
    "swdbt quotes every identifier, as dbt-postgres does by default; remove `quoting`")
  private static let noVersions = KeyStatus.error(
    "model versions are not built; declare each version as its own model")

  /// Configs shared by models, seeds and snapshots (dbt's "general configurations").
  private static let general: [String: KeyStatus] = [
    "enabled": .implemented, "tags": .implemented, "meta": .implemented,
    "schema": .implemented, "database": .implemented, "alias": .implemented,
    "grants": .implemented, "pre_hook": .implemented, "post_hook": .implemented,
    "persist_docs": .implemented, "docs": notShown, "event_time": .implemented,
    "full_refresh": .error(
      "`full_refresh: false` would not keep `--full-refresh` from rebuilding it; remove the key"),
    "quoting": noQuoting, "group": noGroups, "access": noGroups,
  ]

  static let model: [String: KeyStatus] = general.merging([
    "materialized": .implemented, "unique_key": .implemented,
    "incremental_strategy": .implemented, "on_schema_change": .implemented,
    "sql_header": .implemented,
    "contract": .implemented, "indexes": .implemented, "unlogged": .implemented,
    "on_configuration_change": .implemented, "incremental_predicates": .implemented,
    "predicates": .implemented, "merge_update_columns": .implemented,
    "merge_exclude_columns": .implemented, "batch_size": .implemented, "lookback": .implemented,
    "begin": .implemented,
    "concurrent_batches": .warning("swdbt runs a model's batches one after another"),
    "freshness": .warning("model freshness (`build_after`) is a dbt platform feature"),
    "on_error": .warning("a failed model always skips what depends on it"),
    "latest_version_pointer": .warning("model versions are not built"),
    "deprecation_date": .warning("swdbt does not warn about deprecated models"),
    "static_analysis": .warning("swdbt always reads each model's compiled SQL itself"),
    // dbt-spark's table options: applied by the Spark engine, warned about by the others.
    "file_format": .implemented, "partition_by": .implemented, "clustered_by": .implemented,
    "buckets": .implemented, "location_root": .implemented, "tblproperties": .implemented,
  ]) { $1 }

  static let seed: [String: KeyStatus] = general.merging([
    "column_types": .implemented, "materialized": .implemented,
    "enabled": .implemented, "pre_hook": .implemented, "post_hook": .implemented,
    "quote_columns": .implemented, "delimiter": .implemented,
    "persist_docs": .error(
      "no comment would be written on the seed's table or its columns; remove the key"),
    "full_refresh": .warning("swdbt always replaces a seed's table whole"),
  ]) { $1 }

  static let snapshot: [String: KeyStatus] = general.merging(
    [
      "materialized", "target_schema", "target_database", "unique_key", "strategy",
      "updated_at", "check_cols", "snapshot_meta_column_names", "dbt_valid_to_current",
      "hard_deletes", "invalidate_hard_deletes",
    ].map { ($0, KeyStatus.implemented) }
      + [
        ("quote_columns", .warning("snapshot columns keep the names the query gives them")),
        ("full_refresh", .warning("a snapshot is never rebuilt: its history cannot be")),
      ]
  ) { $1 }

  static let test: [String: KeyStatus] = [
    "enabled": .implemented, "tags": .implemented, "meta": .implemented,
    "severity": .implemented, "where": .implemented, "limit": .implemented,
    "warn_if": .implemented, "error_if": .implemented, "fail_calc": .implemented,
    "store_failures": .implemented, "schema": .implemented,
    "store_failures_as": .implemented, "alias": .implemented,
    "database": .error("failures would be stored in the target's database; remove the key"),
    "group": noGroups, "docs": notShown,
  ]

  static let source: [String: KeyStatus] = [
    "enabled": .implemented, "tags": .implemented, "meta": .implemented,
    "event_time": .implemented, "freshness": .implemented, "loaded_at_field": .implemented,
    "loaded_at_query": noFreshness,
  ]

  static let exposure: [String: KeyStatus] = [
    "enabled": noExposures, "tags": noExposures, "meta": noExposures,
  ]

  static let project: [String: KeyStatus] = [
    "name": .implemented, "version": .implemented, "config-version": .implemented,
    "profile": .implemented, "model-paths": .implemented, "seed-paths": .implemented,
    "test-paths": .implemented, "macro-paths": .implemented, "docs-paths": .implemented,
    "target-path": .implemented, "vars": .implemented, "models": .implemented,
    "seeds": .implemented, "data_tests": .implemented, "tests": .implemented,
    "on-run-start": .implemented, "on-run-end": .implemented,
    // swdbt's own keys: connections in the project file.
    "target": .implemented, "targets": .implemented,
    "sources": .warning("set source configs in the source's YAML `config:` instead"),
    "snapshots": .implemented, "snapshot-paths": .implemented,
    "analysis-paths": .warning("swdbt does not compile analyses yet"),
    "analyses": .warning("swdbt does not compile analyses yet"),
    "asset-paths": .warning("the docs site does not copy assets"),
    "function-paths": .warning("swdbt does not build user-defined functions"),
    "functions": .warning("swdbt does not build user-defined functions"),
    "log-path": .warning("set the log folder with `--log-path` or `DBT_LOG_PATH`, as dbt asks"),
    "packages-install-path": .implemented,
    "clean-targets": .implemented,
    "require-dbt-version": .implemented,
    "dispatch": .implemented,
    "flags": .warning("swdbt reads its settings from the command line"),
    "query-comment": .implemented,
    "quoting": noQuoting,
    "restrict-access": noGroups,
    "exposures": noExposures,
    "metrics": .warning("set metric configs on each metric in its YAML"),
    "semantic-models": .warning("set semantic model configs in their YAML"),
    "saved-queries": .warning("set saved query configs in their YAML"),
    "unit_tests": .warning(
      "project-level unit test config is not applied; set `config:` on each unit test"),
    "dbt-cloud": .warning("dbt platform settings do not apply to swdbt"),
  ]

  /// dbt-postgres's profile keys, and the libpq and swdbt settings targets also accept.
  static let target: [String: KeyStatus] = [
    "type": .implemented, "host": .implemented, "port": .implemented, "user": .implemented,
    "username": .implemented, "password": .implemented, "pass": .implemented,
    "dbname": .implemented, "database": .implemented, "schema": .implemented,
    "threads": .implemented, "sslmode": .implemented, "sslrootcert": .implemented,
    "sslcert": .implemented, "sslkey": .implemented, "connect_timeout": .implemented,
    "keepalives_idle": .implemented, "options": .implemented, "url": .implemented,
    "lock_timeout": .implemented,
    // dbt-spark's `method: connect` settings (`type: spark`).
    "method": .implemented, "token": .implemented, "use_ssl": .implemented,
    "catalog": .implemented,
    "search_path": .error(
      "unqualified names would resolve in the server's default search path; remove the key"),
    "role": .error("statements would run as the login user, not this role; remove the key"),
    "retries": .warning("a failed connection is not retried"),
    "application_name": .warning("swdbt connects as `swdbt`"),
  ]

  static let propertiesFile: [String: KeyStatus] = [
    "version": .implemented, "models": .implemented, "seeds": .implemented,
    "sources": .implemented,
    // Read by `docs generate`: lineage nodes, and dashboards with `charts:`.
    "exposures": .implemented, "snapshots": .implemented,
    "unit_tests": .implemented,
    // Read by the Metrics library (`swdbt query`).
    "semantic_models": .implemented, "metrics": .implemented, "saved_queries": .implemented,
    "analyses": .warning("swdbt does not compile analyses yet"),
    "macros": .warning("macro properties are not read"),
    "groups": noGroups,
    "data_tests": .warning("singular test properties are not read"),
    "functions": .warning("swdbt does not build user-defined functions"),
  ]

  /// Model and seed properties (one list in dbt's docs, with seeds a subset).
  static let modelProperty: [String: KeyStatus] = [
    "name": .implemented, "description": .implemented, "columns": .implemented,
    "tests": .implemented, "data_tests": .implemented, "config": .implemented,
    "meta": .implemented, "tags": .implemented,
    "docs": notShown, "access": noGroups, "group": noGroups,
    "latest_version": noVersions, "versions": noVersions,
    "constraints": .implemented,
    "deprecation_date": .warning("swdbt does not warn about deprecated models"),
    // The semantic layer's latest spec, read by the Metrics library (`swdbt query`).
    "time_spine": .implemented, "semantic_model": .implemented,
    "agg_time_dimension": .implemented, "metrics": .implemented,
    "derived_semantics": .implemented, "primary_entity": .implemented,
  ]

  /// Snapshot properties: a model's, plus `relation:` for a snapshot defined in YAML.
  static let snapshotProperty: [String: KeyStatus] = modelProperty.merging([
    "relation": .implemented,
    "constraints": .warning("a snapshot's table is created from its query; no constraint is added"),
  ]) { $1 }

  static let columnProperty: [String: KeyStatus] = [
    "name": .implemented, "description": .implemented, "data_type": .implemented,
    "meta": .implemented, "tags": .implemented, "tests": .implemented,
    "data_tests": .implemented,
    "constraints": .implemented,
    "quote": .implemented,
    "policy_tags": .warning("policy tags are a BigQuery feature"),
    "granularity": .implemented, "entity": .implemented, "dimension": .implemented,
    "config": .warning("column `config:` is not read; put `meta` and `tags` on the column"),
  ]

  static let sourceProperty: [String: KeyStatus] = [
    "name": .implemented, "description": .implemented, "schema": .implemented,
    "database": .implemented, "tables": .implemented, "meta": .implemented,
    "tags": .implemented, "config": .implemented,
    "loader": .warning("the loader is not recorded in the manifest"),
    "loaded_at_field": .implemented, "freshness": .implemented,
    "quoting": noQuoting,
    "overrides": .error("swdbt does not install packages, so there is no source to override"),
  ]

  static let sourceTableProperty: [String: KeyStatus] = [
    "name": .implemented, "description": .implemented, "identifier": .implemented,
    "columns": .implemented, "tests": .implemented, "data_tests": .implemented,
    "meta": .implemented, "tags": .implemented, "config": .implemented,
    "loaded_at_field": .implemented, "freshness": .implemented,
    "quoting": noQuoting,
    "external": .warning("external tables are not staged; create them before running"),
  ]
}
