public import Diagnostics
import OrderedCollections
public import Template

/// Whether swdbt honours a key dbt documents, and if not how loudly it says so.
public enum KeyStatus: Sendable, Equatable {
  /// swdbt gives the key dbt's meaning.
  case implemented
  /// swdbt does not: an error where ignoring the key would change data, else a warning; the
  /// text is the hint (what would differ, what to do instead).
  case unsupported(Diagnostic.Severity, String)
}

/// The places a dbt key can be written; each has its own table in `ConfigKeys`.
public enum KeyScope: String, Sendable, CaseIterable {
  case modelConfig = "model config"
  case seedConfig = "seed config"
  case snapshotConfig = "snapshot config"
  case testConfig = "test config"
  case sourceConfig = "source config"
  case exposureConfig = "exposure config"
  case projectFile = "project key"
  case target = "target setting"
  case propertiesFile = "properties file section"
  case modelProperty = "model property"
  case seedProperty = "seed property"
  case snapshotProperty = "snapshot property"
  case columnProperty = "column property"
  case sourceProperty = "source property"
  case sourceTableProperty = "source table property"

  /// The config scope of a resource type.
  public static func config(_ resource: ResourceType) -> KeyScope {
    switch resource {
    case .model: .modelConfig
    case .seed: .seedConfig
    case .test: .testConfig
    case .source: .sourceConfig
    case .snapshot: .snapshotConfig
    }
  }
}

/// The one table of every key dbt documents (configs, properties, project file, targets) with
/// swdbt's status for it, so that no key is accepted and silently ignored.
///
/// A key missing from its scope's table is unknown: a misspelt config is an error with a "did
/// you mean" hint; an unknown property, project key or target setting is a warning. To mark a
/// key implemented, change its entry in `ConfigKeys+Tables.swift` to `.implemented`.
public enum ConfigKeys {
  /// The status of a key in a scope (keys in canonical spelling, `pre_hook` not `pre-hook`,
  /// except project keys, which dbt spells with dashes); nil when dbt does not document it.
  public static func status(_ key: String, in scope: KeyScope) -> KeyStatus? {
    table(scope)[key]
  }

  /// Every key of a scope, for suggestions and the conformance test.
  public static func keys(in scope: KeyScope) -> Dictionary<String, KeyStatus>.Keys {
    table(scope).keys
  }

  /// The diagnostic for a known but unsupported key, located at `range`; nil when the key is
  /// implemented or unknown (the caller reports unknown keys in its own words).
  ///
  /// The value is read only for an unsupported key, so that a large `columns:` list is never
  /// converted just to be checked.
  public static func diagnostic(
    _ key: String, in scope: KeyScope, value: @autoclosure () -> Value, at range: SourceRange?
  ) -> Diagnostic? {
    guard case .unsupported(let severity, let hint)? = status(key, in: scope),
      !asksForWhatSwdbtDoes(key, value())
    else { return nil }
    return unsupported(key, scope: scope, severity: severity, hint: hint, at: range)
  }

  /// Whether an unsupported key's value asks for what swdbt does anyway: `quoting` with every
  /// part `true` is dbt-postgres's default, and swdbt always quotes; swdbt never sends usage
  /// statistics, which `flags: {send_anonymous_usage_stats: false}` asks for.
  static func asksForWhatSwdbtDoes(_ key: String, _ value: Value) -> Bool {
    guard case .dict(let parts) = value else { return false }
    switch key {
    case "quoting": return parts.values.allSatisfy { $0 == .bool(true) }
    case "flags": return parts == ["send_anonymous_usage_stats": .bool(false)]
    default: return false
    }
  }

  /// `swdbt does not support the <scope> `key` yet`, with `; it has no effect` on warnings.
  static func unsupported(
    _ key: String, scope: KeyScope, severity: Diagnostic.Severity, hint: String,
    at range: SourceRange?
  ) -> Diagnostic {
    let message = "swdbt does not support the \(scope.rawValue) `\(key)` yet"
    return Diagnostic(
      severity, code: "config.unsupported-key",
      severity == .error ? message : message + "; it has no effect", at: range, hint: hint)
  }

  private static func table(_ scope: KeyScope) -> [String: KeyStatus] {
    switch scope {
    case .modelConfig: model
    case .seedConfig: seed
    case .snapshotConfig: snapshot
    case .testConfig: test
    case .sourceConfig: source
    case .exposureConfig: exposure
    case .projectFile: project
    case .target: target
    case .propertiesFile: propertiesFile
    case .modelProperty, .seedProperty: modelProperty
    case .snapshotProperty: snapshotProperty
    case .columnProperty: columnProperty
    case .sourceProperty: sourceProperty
    case .sourceTableProperty: sourceTableProperty
    }
  }
}
