public import Diagnostics
public import OrderedCollections
public import Template

/// The kinds of node a project holds, named as dbt names them in unique ids.
public enum ResourceType: String, Sendable, CaseIterable, Codable {
  case model, seed, source, test, snapshot
}

/// The resolved configuration of one node: known keys only, with dbt's merge rules.
///
/// Precedence is project file < YAML < `{{ config() }}`; later layers override, except that
/// `tags` accumulate, `meta` and `grants` merge key by key, and hooks append.
public struct NodeConfig: Sendable {
  /// The configured values by canonical key (`pre_hook`, not `pre-hook`).
  public private(set) var values: OrderedDictionary<String, Value>

  /// Creates a configuration from canonical keys.
  public init(_ values: OrderedDictionary<String, Value> = [:]) {
    self.values = values
  }

  /// This configuration overlaid with a later, more specific layer.
  public func merged(with layer: NodeConfig) -> NodeConfig {
    // Most layers are empty (20,000 tests of a large project have no config of their own).
    if layer.values.isEmpty { return self }
    if values.isEmpty { return layer }
    var result = values
    for (key, value) in layer.values {
      switch (key, result[key], value) {
      case ("tags", let existing?, _):
        var tags = NodeConfig.strings(existing)
        for tag in NodeConfig.strings(value) where !tags.contains(tag) { tags.append(tag) }
        result[key] = .list(tags.map { .string($0) })
      case ("meta", .dict(var existing)?, .dict(let added)),
        ("grants", .dict(var existing)?, .dict(let added)):
        existing.merge(added) { $1 }
        result[key] = .dict(existing)
      case ("pre_hook", let existing?, _), ("post_hook", let existing?, _):
        result[key] = .list(NodeConfig.list(existing) + NodeConfig.list(value))
      default:
        result[key] = value
      }
    }
    return NodeConfig(result)
  }

  /// The value of a key, if set.
  public subscript(key: String) -> Value? { values[key] }

  /// This configuration without some keys (a microbatch's middle batches run no hooks).
  public func removing(_ keys: Set<String>) -> NodeConfig {
    NodeConfig(values.filter { !keys.contains($0.key) })
  }

  /// `materialized`, defaulting to `view` for models.
  public var materialized: String { values["materialized"]?.stringValue ?? "view" }
  /// The custom schema, if any.
  public var schema: String? { nonEmptyString("schema") }
  /// The alias (relation name), if any.
  public var alias: String? { nonEmptyString("alias") }
  /// The custom database, if any.
  public var database: String? { nonEmptyString("database") }
  /// Whether the node is enabled (default true).
  public var enabled: Bool { values["enabled"].map(\.isTruthy) ?? true }
  /// The node's tags, in order, without duplicates.
  public var tags: [String] { values["tags"].map(NodeConfig.strings) ?? [] }
  /// `sql_header` (the config, or dbt's `set_sql_header` block), nil when unset or blank.
  public var sqlHeader: String? {
    guard let text = values["sql_header"]?.stringValue,
      text.contains(where: { !$0.isWhitespace })
    else { return nil }
    return text
  }
  /// How a test keeps its failing rows (`table` or `view`), or nil: `store_failures_as`
  /// decides when set (`ephemeral` keeps none), else `store_failures: true` means a table.
  public var storedFailuresKind: String? {
    if let kind = values["store_failures_as"]?.stringValue {
      return kind == "ephemeral" ? nil : kind
    }
    return values["store_failures"]?.isTruthy == true ? "table" : nil
  }

  private func nonEmptyString(_ key: String) -> String? {
    guard let text = values[key]?.stringValue, !text.isEmpty else { return nil }
    return text
  }

  /// The `unique_key` columns: a string (commas allowed) or a list, as dbt reads it.
  public var uniqueKey: [String] {
    guard let value = values["unique_key"] else { return [] }
    return Self.strings(value).flatMap { $0.split(separator: ",") }.map {
      String($0).trimmingWhitespace()
    }.filter { !$0.isEmpty }
  }

  /// A string or list of strings as a list of strings.
  public static func strings(_ value: Value) -> [String] {
    switch value {
    case .string(let text): [text]
    case .list(let items): items.map { $0.stringValue ?? $0.rendered }
    default: []
    }
  }

  /// A value as a list: a list's items, nothing for none, else the value alone.
  public static func list(_ value: Value) -> [Value] {
    if case .list(let items) = value { return items }
    if case .none = value { return [] }
    return [value]
  }
}

/// Checks config keys against `ConfigKeys` and their values against what swdbt runs.
///
/// Unknown keys are errors with a "did you mean" hint: a misspelt `materialised` that is
/// silently ignored is one of dbt's long-standing traps. Keys dbt knows and swdbt does not
/// implement are an error or a warning, as their entry in `ConfigKeys` says.
public enum ConfigSchema {
  /// Materializations swdbt builds.
  public static let materializations = [
    "view", "table", "incremental", "ephemeral", "materialized_view", "seed",
  ]
  /// Incremental strategies swdbt runs.
  /// (`insert_overwrite` is dbt-spark's; the PostgreSQL engine refuses it when building.)
  public static let incrementalStrategies = [
    "append", "delete+insert", "merge", "microbatch", "insert_overwrite",
  ]
  /// Values of `on_schema_change`.
  public static let schemaChangePolicies = [
    "ignore", "fail", "append_new_columns", "sync_all_columns",
  ]

  /// The keys dbt documents for a resource type, implemented or not.
  public static func keys(for resource: ResourceType) -> Set<String> {
    Set(ConfigKeys.keys(in: .config(resource)))
  }

  /// The canonical spelling of a key: dbt accepts `pre-hook` for `pre_hook`.
  public static func canonical(_ key: String) -> String {
    key.replacing("-", with: "_")
  }

  /// Whether a key is a config dbt documents for a resource type.
  public static func isKnown(_ key: String, for resource: ResourceType) -> Bool {
    ConfigKeys.status(canonical(key), in: .config(resource)) != nil
  }

  /// Checks a key and its value; returns the problem, if any, located at `range`. A warning
  /// (a key without effect on data) leaves the value usable; an error does not.
  public static func check(
    _ key: String, _ value: Value, for resource: ResourceType, at range: SourceRange?
  ) -> Diagnostic? {
    let canonicalKey = canonical(key)
    switch ConfigKeys.status(canonicalKey, in: .config(resource)) {
    case nil:
      return .error(
        "config.unknown-key", "unknown \(resource.rawValue) config `\(key)`", at: range,
        hint: Suggestions.didYouMean(canonicalKey, in: keys(for: resource).sorted()))
    case .unsupported(let severity, let hint)?:
      if ConfigKeys.asksForWhatSwdbtDoes(canonicalKey, value) { return nil }
      return ConfigKeys.unsupported(
        key, scope: .config(resource), severity: severity, hint: hint, at: range)
    case .implemented?:
      break
    }
    func oneOf(_ allowed: [String], _ what: String) -> Diagnostic? {
      guard let text = value.stringValue else {
        return .error("config.invalid-value", "`\(key)` must be a string", at: range)
      }
      guard allowed.contains(text) else {
        return .error(
          "config.invalid-value", "unknown \(what) `\(text)`", at: range,
          hint: Suggestions.didYouMean(text, in: allowed)
            ?? "expected one of \(allowed.map { "`\($0)`" }.joined(separator: ", "))")
      }
      return nil
    }
    switch canonicalKey {
    case "materialized" where resource == .model:
      let allowed = materializations.filter { $0 != "seed" }
      if let name = value.stringValue, !allowed.contains(name) {
        return .unknownMaterialization(name, allowed: allowed, at: range)
      }
      return oneOf(allowed, "materialization")
    case "materialized" where resource == .snapshot:
      return oneOf(["snapshot"], "snapshot materialization")
    case "strategy": return oneOf(["timestamp", "check"], "snapshot strategy")
    case "hard_deletes": return oneOf(["ignore", "invalidate", "new_record"], "`hard_deletes`")
    case "check_cols":
      if value.stringValue == "all" { return nil }
      if case .list(let items) = value, !items.isEmpty,
        items.allSatisfy({ $0.stringValue != nil })
      {
        return nil
      }
      return .error(
        "config.invalid-value", "`check_cols` must be `all` or a list of column names",
        at: range)
    case "snapshot_meta_column_names":
      return checkMetaColumnNames(value, at: range)
    case "incremental_strategy": return oneOf(incrementalStrategies, "incremental strategy")
    case "store_failures_as":
      return oneOf(["table", "view", "ephemeral"], "`store_failures_as`")
    case "on_schema_change": return oneOf(schemaChangePolicies, "`on_schema_change` policy")
    case "severity":
      if let text = value.stringValue, ["error", "warn"].contains(text.lowercased()) { return nil }
      return .error(
        "config.invalid-value", "`severity` must be `error` or `warn`", at: range)
    case "tags":
      switch value {
      case .string, .list: return nil
      default:
        return .error(
          "config.invalid-value", "`tags` must be a string or a list of strings", at: range)
      }
    case "grants":
      guard case .dict(let entries) = value else {
        return .error("config.invalid-value", "`\(key)` must be a mapping", at: range)
      }
      return checkGrants(entries, at: range)
    case "delimiter", "quote_columns": return checkSeedValue(key, value, at: range)
    case "indexes", "persist_docs", "unlogged", "on_configuration_change":
      return checkRelationProperty(canonicalKey, value, at: range)
    case "contract": return checkContract(value, at: range)
    case "batch_size":
      return oneOf(BatchTime.Size.allCases.map(\.rawValue), "`batch_size`")
    case "lookback":
      if case .integer(let count) = value, count >= 0 { return nil }
      return .error(
        "config.invalid-value", "`lookback` must be a whole number of batches, 0 or more",
        at: range)
    case "begin":
      if let text = value.stringValue, BatchTime(parsing: text) != nil { return nil }
      return .error(
        "config.invalid-value", "`begin` must be a date or time such as `2024-01-01`",
        at: range, hint: "write it as a string: `2024-01-01` or `2024-01-01 06:00:00`")
    case "sql_header":
      switch value {
      case .string, .none: return nil
      default:
        return .error(
          "config.invalid-value", "`sql_header` must be SQL text", at: range,
          hint: "write the statements as a string, or use `{% call set_sql_header(config) %}`")
      }
    case "meta", "column_types":
      if case .dict = value { return nil }
      return .error("config.invalid-value", "`\(key)` must be a mapping", at: range)
    default:
      return nil
    }
  }
}

extension ConfigSchema {
  /// The columns a snapshot adds, which `snapshot_meta_column_names` may rename.
  public static let snapshotMetaColumns = [
    "dbt_valid_from", "dbt_valid_to", "dbt_scd_id", "dbt_updated_at", "dbt_is_deleted",
  ]

  static func checkMetaColumnNames(_ value: Value, at range: SourceRange?) -> Diagnostic? {
    guard case .dict(let entries) = value else {
      return .error(
        "config.invalid-value", "`snapshot_meta_column_names` must be a mapping", at: range)
    }
    for (key, name) in entries {
      guard snapshotMetaColumns.contains(key) else {
        return .error(
          "config.invalid-value",
          "unknown snapshot column `\(key)` in `snapshot_meta_column_names`",
          at: range,
          hint: Suggestions.didYouMean(key, in: snapshotMetaColumns)
            ?? "expected one of \(snapshotMetaColumns.map { "`\($0)`" }.joined(separator: ", "))")
      }
      guard let text = name.stringValue, !text.isEmpty else {
        return .error(
          "config.invalid-value", "the column name of `\(key)` must be a non-empty string",
          at: range)
      }
    }
    return nil
  }

  /// PostgreSQL's table privileges (`maintain` from PostgreSQL 17), in the spelling swdbt sends.
  public static let tablePrivileges = [
    "select", "insert", "update", "delete", "truncate", "references", "trigger", "maintain", "all",
  ]

  /// The privilege a `grants` key names (`ALL  Privileges` → `all`), or nil when PostgreSQL has
  /// no such table privilege; the key is pasted into `grant`, so nothing else may pass.
  public static func privilege(_ key: String) -> String? {
    let words = key.lowercased().split(whereSeparator: \.isWhitespace)
    let name = words == ["all", "privileges"] ? "all" : words.joined(separator: " ")
    return tablePrivileges.contains(name) ? name : nil
  }

  /// Every `grants` key must be a privilege and every value a role or a list of roles.
  static func checkGrants(_ entries: OrderedDictionary<String, Value>, at range: SourceRange?)
    -> Diagnostic?
  {
    for (key, roles) in entries {
      guard privilege(key) != nil else {
        return .error(
          "config.invalid-value", "unknown privilege `\(key)` in `grants`", at: range,
          hint: Suggestions.didYouMean(key.lowercased(), in: tablePrivileges)
            ?? "expected one of \(tablePrivileges.map { "`\($0)`" }.joined(separator: ", "))")
      }
      let valid: Bool
      switch roles {
      case .string, .none: valid = true
      case .list(let items):
        valid = items.allSatisfy { if case .string = $0 { true } else { false } }
      default: valid = false
      }
      if !valid {
        return .error(
          "config.invalid-value", "the roles of `\(key)` must be a role name or a list of them",
          at: range)
      }
    }
    return nil
  }
}
