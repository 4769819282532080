import Compiler
import Execution
import OrderedCollections
import Project
import Template

/// A snapshot's settings, read from its config once: strategy, key, meta column names.
///
/// The SQL it makes follows dbt's semantics (dbt-adapters' snapshot helpers): `dbt_scd_id` is
/// the md5 of the key parts and the updated-at value, each cast to varchar, NULL as empty,
/// joined by `|`; current rows have `dbt_valid_to` NULL or `dbt_valid_to_current`.
struct SnapshotConfig {
  enum Strategy: Equatable {
    /// A row changed when its `updated_at` is later than its current version's `dbt_valid_from`.
    case timestamp(updatedAt: String)
    /// A row changed when one of these columns differs; nil means `all`.
    case check(columns: [String]?)
  }

  enum HardDeletes: String {
    case ignore, invalidate
    case newRecord = "new_record"
  }

  let strategy: Strategy
  /// The unique key's parts: SQL expressions over the query's columns (a column name, usually).
  let uniqueKey: [String]
  let hardDeletes: HardDeletes
  /// `dbt_valid_to_current`: the SQL value current rows hold instead of NULL.
  let validToCurrent: String?
  /// Meta column names after `snapshot_meta_column_names`, as written (unquoted, as dbt
  /// writes them, so that a table dbt built is found by the same names).
  let scdID: String
  let updatedAt: String
  let validFrom: String
  let validTo: String
  let isDeleted: String

  /// The time of the snapshot: the transaction's start, as dbt-postgres's `snapshot_get_time`.
  static let now = "now()::timestamp without time zone"

  /// Reads the config; a problem is a message and a hint.
  static func read(_ config: NodeConfig, name: String) -> Result<
    SnapshotConfig, SnapshotProblem
  > {
    guard let strategyName = config["strategy"]?.stringValue else {
      return .failure(
        SnapshotProblem(
          "snapshot `\(name)` has no `strategy`",
          hint:
            "set `strategy: timestamp` with `updated_at`, or `strategy: check` with `check_cols`"
        ))
    }
    let keyParts: [String]
    switch config["unique_key"] {
    case .string(let text)? where !text.trimmingWhitespace().isEmpty: keyParts = [text]
    case .list(let items)? where !items.isEmpty:
      keyParts = items.map { $0.stringValue ?? $0.rendered }
    default:
      return .failure(
        SnapshotProblem(
          "snapshot `\(name)` has no `unique_key`",
          hint: "set `unique_key` to the column (or list of columns) that identifies a row"))
    }
    let strategy: Strategy
    switch strategyName {
    case "timestamp":
      guard let column = config["updated_at"]?.stringValue, !column.isEmpty else {
        return .failure(
          SnapshotProblem(
            "snapshot `\(name)` uses the `timestamp` strategy but has no `updated_at`",
            hint: "set `updated_at` to the column that holds when each row last changed"))
      }
      strategy = .timestamp(updatedAt: column)
    case "check":
      switch config["check_cols"] {
      case .string("all")?: strategy = .check(columns: nil)
      case .list(let items)? where !items.isEmpty:
        strategy = .check(columns: items.compactMap(\.stringValue))
      default:
        return .failure(
          SnapshotProblem(
            "snapshot `\(name)` uses the `check` strategy but has no `check_cols`",
            hint: "set `check_cols: all` or a list of the columns to compare"))
      }
    default:
      return .failure(
        SnapshotProblem(
          "unknown snapshot strategy `\(strategyName)` in `\(name)`",
          hint: "expected `timestamp` or `check`"))
    }
    var hardDeletes = HardDeletes.ignore
    if let text = config["hard_deletes"]?.stringValue {
      guard let mode = HardDeletes(rawValue: text) else {
        return .failure(
          SnapshotProblem(
            "unknown `hard_deletes` mode `\(text)` in `\(name)`",
            hint: "expected `ignore`, `invalidate` or `new_record`"))
      }
      hardDeletes = mode
    } else if config["invalidate_hard_deletes"]?.isTruthy == true {
      hardDeletes = .invalidate
    }
    var names: [String: String] = [:]
    if case .dict(let entries)? = config["snapshot_meta_column_names"] {
      for (key, value) in entries { names[key] = value.stringValue }
    }
    func column(_ key: String) -> String { names[key] ?? key }
    let current = config["dbt_valid_to_current"]?.stringValue?.trimmingWhitespace()
    return .success(
      SnapshotConfig(
        strategy: strategy, uniqueKey: keyParts, hardDeletes: hardDeletes,
        validToCurrent: current?.isEmpty == false ? current : nil,
        scdID: column("dbt_scd_id"), updatedAt: column("dbt_updated_at"),
        validFrom: column("dbt_valid_from"), validTo: column("dbt_valid_to"),
        isDeleted: column("dbt_is_deleted")))
  }

  /// The meta columns the snapshot's table holds, in dbt's order.
  var metaColumns: [String] {
    var columns = [scdID, updatedAt, validFrom, validTo]
    if hardDeletes == .newRecord { columns.append(isDeleted) }
    return columns
  }

  /// The updated-at value of a source row: its `updated_at`, or the snapshot's time (`check`).
  var updatedAtExpression: String {
    if case .timestamp(let column) = strategy { return column }
    return Self.now
  }

  /// dbt's `dbt_scd_id`: md5 of the key parts and `updatedAt`, each cast to varchar.
  func scdIDExpression(updatedAt: String) -> String {
    let parts = (uniqueKey + [updatedAt]).map { "coalesce(cast(\($0) as varchar), '')" }
    return "md5(" + parts.joined(separator: " || '|' || ") + ")"
  }

  /// The key as one text value in which NULL parts are values too: two rows have the same
  /// text exactly when every part is equal or both NULL. Hash-joinable, unlike `is not
  /// distinct from`.
  var keyExpression: String {
    if uniqueKey.count == 1 {
      return "coalesce(cast(\(uniqueKey[0]) as text) || 'v', 'n')"
    }
    let parts = uniqueKey.map {
      "coalesce(length(cast(\($0) as text)) || ':' || cast(\($0) as text), 'n')"
    }
    return parts.joined(separator: " || ',' || ")
  }

  /// Whether a row of the table is current.
  func isCurrent(_ alias: String) -> String {
    guard let validToCurrent else { return "\(alias).\(validTo) is null" }
    return "(\(alias).\(validTo) is null or \(alias).\(validTo) = \(validToCurrent))"
  }

  /// What a new current row holds in `dbt_valid_to`.
  var openValidTo: String { validToCurrent ?? "null" }
}

/// A snapshot config that cannot be run.
struct SnapshotProblem: Error {
  let message: String
  let hint: String

  init(_ message: String, hint: String) {
    self.message = message
    self.hint = hint
  }
}
