import Adapter
import ArgumentParser
import Compiler
import Diagnostics
import Execution
import Exposures
import Foundation
import Metrics
import Project

/// `swdbt query`: a metric request (MetricFlow's `mf query`) compiled to one SQL query from
/// the project's semantic models and metrics, printed (`--compile`) or run on the target.
struct Query: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "query",
    abstract: "Query metrics: compile a metric request to SQL and run it on the target.")

  @OptionGroup var project: ProjectOptions

  @Option(name: .long, help: "Metrics, comma-separated (e.g. revenue,orders).")
  var metrics: String?

  @Option(
    name: .customLong("group-by"),
    help: "Group-by items, comma-separated: metric_time__month, customer__country, ...")
  var groupBy: String?

  @Option(name: .long, help: "A filter, e.g. \"{{ Dimension('customer__country') }} = 'DE'\".")
  var `where`: [String] = []

  // Unconditional: `--order-by -revenue` (descending) must not read as an option.
  @Option(
    name: .customLong("order-by"), parsing: .unconditional,
    help: "Order items, comma-separated; `-name` sorts descending.")
  var orderBy: String?

  @Option(name: .long, help: "At most this many rows.")
  var limit: Int?

  @Option(name: .customLong("saved-query"), help: "Run a saved query by name.")
  var savedQuery: String?

  @Option(name: .long, help: "How rows are printed: text, csv or json.")
  var output: QueryOutput = .text

  @Flag(name: .long, help: "Print the SQL instead of running it.")
  var compile = false

  func validate() throws {
    if (metrics == nil) == (savedQuery == nil) {
      throw ValidationError("give either `--metrics a,b` or `--saved-query NAME`")
    }
    if let limit, limit < 0 { throw ValidationError("`--limit` must be 0 or more") }
  }

  private static func list(_ text: String?) -> [String] {
    (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
  }

  func run() async throws {
    let session = Session(options: project, which: "query")
    let console = session.console
    let compilation = try session.compile()
    defer { ExitWithoutTeardown.keep(compilation) }
    let target = compilation.project.target
    guard target.type == "postgres" || compile else {
      console.report([
        .error(
          "metrics.engine",
          "`swdbt query` writes PostgreSQL SQL; target `\(target.name)` is \(target.type)",
          at: target.typeRange,
          hint: "query a PostgreSQL target (--target), or print the SQL with --compile")
      ])
      throw ExitCode(1)
    }
    let sink = CollectingSink()
    let manifest = SemanticReader.read(
      ExposureReader.propertiesFiles(compilation.project), sink: sink)
    if sink.hasErrors {
      console.report(sink.diagnostics)
      throw ExitCode(1)
    }
    var relations: [String: String] = [:]
    for node in compilation.nodes where node.resourceType == .model {
      if let relation = node.relation { relations[node.name] = relation.quoted }
    }
    var request = MetricRequest(
      metrics: Self.list(metrics), groupBy: Self.list(groupBy), filters: `where`,
      orderBy: Self.list(orderBy), limit: limit)
    if let savedQuery {
      guard let saved = manifest.savedQueries[savedQuery] else {
        console.report([
          .error(
            "metrics.unknown-saved-query", "unknown saved query `\(savedQuery)`",
            hint: Suggestions.didYouMean(savedQuery, in: Array(manifest.savedQueries.keys)))
        ])
        throw ExitCode(1)
      }
      var fromSaved = MetricRequest(saved)
      fromSaved.filters += request.filters
      fromSaved.orderBy = request.orderBy
      fromSaved.limit = request.limit
      request = fromSaved
    }
    let sql: String
    do throws(Diagnostic) {
      sql = try MetricCompiler(manifest: manifest, relation: { relations[$0] }).compile(request)
    } catch {
      console.report([error])
      throw ExitCode(1)
    }
    if compile {
      console.out(sql)
      return
    }
    let adapter = try await Wiring.adapter(for: compilation.project, console: console)
    let connection = try Wiring.connect(adapter, console: console)
    defer { connection.close() }
    let rows: QueryResult
    do {
      rows = try connection.execute(sql)
    } catch {
      console.report([
        .error(
          "query.database", "database error in the metric query: " + error.message,
          hint: "`swdbt query --compile` prints the SQL")
      ])
      throw ExitCode(1)
    }
    console.out(render(rows))
  }

  private func render(_ rows: QueryResult) -> String {
    switch output {
    case .text:
      return ShowQuery.table(rows)
    case .csv:
      let lines =
        [rows.columns.map(Self.csvField).joined(separator: ",")]
        + rows.rows.map { $0.map { Self.csvField($0 ?? "") }.joined(separator: ",") }
      return lines.joined(separator: "\n")
    case .json:
      let data =
        (try? JSONSerialization.data(
          withJSONObject: ShowQuery.jsonRows(rows), options: [.sortedKeys, .withoutEscapingSlashes]))
        ?? Data("[]".utf8)
      return String(decoding: data, as: UTF8.self)
    }
  }

  private static func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
    return "\"" + text.replacing("\"", with: "\"\"") + "\""
  }
}

/// `query --output`.
enum QueryOutput: String, ExpressibleByArgument, CaseIterable {
  case text, csv, json
}
