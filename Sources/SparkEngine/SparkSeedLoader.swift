import Adapter
import Compiler
import Diagnostics
import Execution
import OrderedCollections
import Project
import Template

/// Loads a CSV seed on Spark: a typed `create table` under the building name, batched
/// `insert ... values`, then drop and rename (a malformed file or failed insert leaves the
/// previous table readable). Types are inferred as dbt-spark's agate conversion does
/// (`bigint`, `double`, `boolean`, `date`, `timestamp`, `string`); `column_types` overrides.
struct SparkSeedLoader {
  let request: SeedLoad
  /// Rows per `insert` statement.
  static let batchSize = 1000

  func load() throws(SeedLoadFailure) -> BuildOutcome {
    let node = request.node
    guard node.originalFilePath.hasSuffix(".csv") else {
      throw .file(
        .error(
          "seed.spark-format", "only CSV seeds load on Spark yet", path: request.displayPath,
          hint: "convert the seed to CSV for Spark targets"))
    }
    let bytes: [UInt8]
    do {
      bytes = try FileSystem.read(request.path)
    } catch {
      throw .file(
        .error("seed.read", "cannot read the seed: \(error.reason)", path: request.displayPath))
    }
    let delimiter = node.config["delimiter"]?.stringValue?.utf8.first ?? UInt8(ascii: ",")
    let table: SparkCSV
    do throws(SparkCSV.Problem) {
      table = try SparkCSV.parse(bytes, delimiter: delimiter)
    } catch {
      let file = SourceFile(path: request.displayPath, bytes: bytes)
      let offset = file.offset(line: error.line, column: 1)
      throw .file(
        .error(
          "seed.invalid", error.message,
          at: SourceRange(file: file, span: Span(start: offset, end: offset))))
    }
    var types = table.header.indices.map { SparkCSV.inferType(table.rows, column: $0) }
    if case .dict(let overrides)? = node.config["column_types"] {
      for (name, value) in overrides {
        if let index = table.header.firstIndex(where: { $0.lowercased() == name.lowercased() }),
          let type = value.stringValue
        {
          types[index] = type
        }
      }
    }
    let relation = SparkSQLText.relation(request.relation)
    let runner = StatementRunner(connection: request.connection, action: "loading seed \(relation)")
    let building = SparkSQLText.relation(
      request.relation.schema, request.relation.identifier + SparkEngine.buildingSuffix)
    do throws(StatementFailure) {
      var preHooks = try Hooks.statements(
        "pre_hook", of: node, context: request.hooks, transaction: false,
        connection: request.connection)
      preHooks += try Hooks.statements(
        "pre_hook", of: node, context: request.hooks, transaction: true,
        connection: request.connection)
      for hook in preHooks { try runner.run(hook) }
      let definition = zip(table.header, types).map { "\(SparkSQLText.identifier($0)) \($1)" }
        .joined(separator: ", ")
      try runner.run("drop table if exists \(building)")
      try runner.run(
        "create table \(building) (\(definition)) using parquet tblproperties "
          + "(\(SparkSQLText.literal(SparkEngine.intermediateProperty)) = 'true')")
      if !request.empty {
        var start = 0
        while start < table.rows.count {
          let batch = table.rows[start..<min(start + Self.batchSize, table.rows.count)]
          let values = batch.map { row in
            "("
              + row.indices.map { SparkCSV.literal(row[$0], type: types[$0]) }
              .joined(separator: ", ") + ")"
          }.joined(separator: ",\n")
          try runner.run("insert into \(building) values\n\(values)")
          start += Self.batchSize
        }
      }
      let existing = try SparkEngine.kind(
        of: request.relation.schema, request.relation.identifier, runner: runner)
      if let existing {
        try runner.run("drop \(existing == .view ? "view" : "table") if exists \(relation)")
      }
      try runner.run("alter table \(building) rename to \(relation)")
      try runner.run(
        "alter table \(relation) unset tblproperties if exists "
          + "(\(SparkSQLText.literal(SparkEngine.intermediateProperty)))")
      var postHooks = try Hooks.statements(
        "post_hook", of: node, context: request.hooks, transaction: true,
        connection: request.connection)
      postHooks += try Hooks.statements(
        "post_hook", of: node, context: request.hooks, transaction: false,
        connection: request.connection)
      for hook in postHooks { try runner.run(hook) }
    } catch {
      throw .statement(error)
    }
    let count = request.empty ? 0 : table.rows.count
    return BuildOutcome(
      commandTag: "INSERT \(count)", rowsAffected: count, message: "loaded seed file \(relation)")
  }
}
