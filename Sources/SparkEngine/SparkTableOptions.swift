import Compiler
import Diagnostics
import Execution
import Project
import Template

/// dbt-spark's table options of a node: `file_format` (parquet unless set), `partition_by`,
/// `clustered_by` with `buckets`, `location_root`, `tblproperties`.
struct SparkTableOptions {
  var fileFormat: String
  var partitionBy: [String]
  var clusteredBy: [String]
  var buckets: Int?
  /// `location_root/<identifier>`, when `location_root` is set.
  var location: String?
  var properties: [(String, String)]

  init(_ config: NodeConfig, identifier: String) {
    fileFormat = config["file_format"]?.stringValue?.lowercased() ?? "parquet"
    partitionBy = config["partition_by"].map(NodeConfig.strings) ?? []
    clusteredBy = config["clustered_by"].map(NodeConfig.strings) ?? []
    if case .integer(let count)? = config["buckets"] { buckets = count }
    location = config["location_root"]?.stringValue.map { root in
      (root.hasSuffix("/") ? String(root.dropLast()) : root) + "/" + identifier
    }
    properties = []
    if case .dict(let entries)? = config["tblproperties"] {
      properties = entries.map { ($0.key, $0.value.stringValue ?? $0.value.rendered) }
    }
  }

  /// ` using ... partitioned by (...) clustered by (...) into n buckets location '...'
  /// tblproperties (...)`; `marker` adds swdbt's intermediate property.
  func clauses(marker: Bool) -> String {
    var text = " using \(fileFormat)"
    if !partitionBy.isEmpty {
      text +=
        " partitioned by (\(partitionBy.map(SparkSQLText.identifier).joined(separator: ", ")))"
    }
    if !clusteredBy.isEmpty, let buckets {
      text +=
        " clustered by (\(clusteredBy.map(SparkSQLText.identifier).joined(separator: ", ")))"
        + " into \(buckets) buckets"
    }
    if let location { text += " location \(SparkSQLText.literal(location))" }
    var all = properties
    if marker { all.append((SparkEngine.intermediateProperty, "true")) }
    if !all.isEmpty {
      text +=
        " tblproperties ("
        + all.map { "\(SparkSQLText.literal($0.0)) = \(SparkSQLText.literal($0.1))" }
        .joined(separator: ", ") + ")"
    }
    return text
  }
}

/// What a node's config asks that Spark cannot do (an error before anything is sent), and
/// the keys that have no effect on Spark (warnings).
enum SparkConfigChecks {
  /// dbt-spark's file formats.
  static let fileFormats = [
    "parquet", "delta", "iceberg", "hudi", "orc", "csv", "json", "text", "avro", "hive", "libsvm",
  ]
  static let strategies = ["append", "insert_overwrite", "merge", "delete+insert"]

  static func problem(of node: CompiledNode) -> Diagnostic? {
    let config = node.config
    let path = node.originalFilePath
    let options = SparkTableOptions(config, identifier: node.name)
    if config["file_format"] != nil, !fileFormats.contains(options.fileFormat) {
      return .error(
        "config.spark-file-format",
        "unknown `file_format` `\(options.fileFormat)` of `\(node.name)`",
        path: path,
        hint: Suggestions.didYouMean(options.fileFormat, in: fileFormats)
          ?? "Spark reads \(fileFormats.map { "`\($0)`" }.joined(separator: ", "))")
    }
    if !options.clusteredBy.isEmpty, options.buckets == nil {
      return .error(
        "config.spark-buckets", "`clustered_by` of `\(node.name)` needs `buckets`", path: path,
        hint: "set `buckets` to the number of buckets")
    }
    if options.buckets != nil, options.clusteredBy.isEmpty {
      return .error(
        "config.spark-buckets", "`buckets` of `\(node.name)` needs `clustered_by`", path: path,
        hint: "set `clustered_by` to the bucketing column(s)")
    }
    guard config.materialization == .incremental else { return nil }
    let strategy = config["incremental_strategy"]?.stringValue ?? "append"
    guard strategies.contains(strategy) else {
      return .error(
        "config.spark-strategy",
        "incremental strategy `\(strategy)` of `\(node.name)` is not supported on Spark",
        path: path,
        hint: "Spark takes \(strategies.map { "`\($0)`" }.joined(separator: ", "))")
    }
    if strategy == "merge" || strategy == "delete+insert",
      !SparkEngine.mergeFileFormats.contains(options.fileFormat)
    {
      return .error(
        "config.spark-merge-file-format",
        "incremental strategy `\(strategy)` of `\(node.name)` needs a `file_format` with "
          + "row-level writes (delta, iceberg or hudi); `\(options.fileFormat)` tables take "
          + "only `append` and `insert_overwrite`", path: path,
        hint: "set `file_format: delta` (or iceberg, hudi), or use `incremental_strategy: "
          + "append` or `insert_overwrite`")
    }
    return nil
  }

  static func warnings(of node: CompiledNode) -> [Diagnostic] {
    var warnings = EngineConfigChecks.inapplicable(
      EngineConfigChecks.postgresOnlyKeys + ["grants", "persist_docs"], of: node, engine: "Spark",
      hint: "it is applied on PostgreSQL targets only; remove it for Spark")
    if node.config.materialization == .view {
      warnings += EngineConfigChecks.inapplicable(
        EngineConfigChecks.sparkOnlyKeys, of: node, engine: "a Spark view",
        hint: "table options apply to tables and incremental models")
    }
    return warnings
  }
}
