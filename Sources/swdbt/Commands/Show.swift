import Adapter
import ArgumentParser
import Compiler
import Diagnostics
import Execution
import Foundation
import Graph
import Project
import Runtime

/// `swdbt show`: preview a model's (or inline SQL's) rows, compiled and run as a query with a
/// limit; nothing is built.
struct Show: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract: "Preview the rows of a model or of inline SQL; nothing is built.")

  @OptionGroup var project: ProjectOptions

  @Option(
    name: [.customShort("s"), .customLong("select")], parsing: .upToNextOption,
    help: "The model(s) to preview, in selector syntax.")
  var select: [String] = []

  @Option(name: .long, help: "SQL to preview instead of a model; it may use `ref` and `source`.")
  var inline: String?

  // Unconditional: `--limit -1` (all rows, as dbt) must not read as an option.
  @Option(name: .long, parsing: .unconditional, help: "How many rows to fetch (-1: all).")
  var limit = 5

  @Option(name: .long, help: "How rows are printed: text (a table) or json.")
  var output: ShowOutput = .text

  func validate() throws {
    if (inline == nil) == select.isEmpty {
      throw ValidationError("give either `--select MODEL` or `--inline \"select ...\"`")
    }
    if !select.isEmpty {
      do {
        _ = try Selector.parse(select)
      } catch {
        throw ValidationError(error.message + (error.hint.map { " (\($0))" } ?? ""))
      }
    }
  }

  func run() async throws {
    let session = Session(options: project, which: "show")
    let console = session.console
    let startedAt = session.invocation.runStartedAt
    let clock = ContinuousClock()
    let start = clock.now
    var loaded = try session.load()
    if let inline {
      do throws(Diagnostic) {
        loaded = try loaded.addingInlineModel(inline)
      } catch {
        console.report([error])
        throw ExitCode(1)
      }
    }
    var compilation = try session.compile(loaded)
    defer { ExitWithoutTeardown.keep(compilation) }
    let shown = shownNodes(in: compilation)
    guard !shown.isEmpty else {
      console.report([
        .selectorMatchedNothing(
          select.joined(separator: " "),
          candidates: SelectionHint.candidates(for: select.joined(separator: " "), in: compilation))
      ])
      throw ExitCode(1)
    }
    try await SecondRender.apply(to: &compilation, selected: shown, console: console)
    let adapter = try await Wiring.adapter(for: compilation.project, console: console)
    let connection = try Wiring.connect(adapter, console: console)
    defer { connection.close() }

    var results: [NodeResult] = []
    var printed: [String] = []
    for index in shown {
      let node = compilation.nodes[index]
      guard let compiled = node.sql else { continue }
      let sql = ShowQuery.sql(
        compiled: compiled, limit: limit, sqlHeader: node.config.sqlHeader)
      compilation.setSQL(sql, of: index)
      let nodeStart = Date()
      let rows: QueryResult
      do {
        rows = try connection.execute(sql)
      } catch {
        console.report([
          .error(
            "show.database",
            "database error in \(node.resourceType.rawValue) `\(node.name)`: "
              + error.message, path: node.originalFilePath)
        ])
        throw ExitCode(1)
      }
      results.append(
        ShowQuery.result(
          uniqueID: node.uniqueID, index: index, rows: rows.rows.count, startedAt: nodeStart,
          completedAt: Date()))
      printed.append(render(rows, name: node.name, isInline: inline != nil))
    }
    for text in printed { console.out(text) }
    RunResultsFile.write(
      results, compilation: compilation, elapsed: clock.now - start, command: "show",
      invocationID: session.invocation.invocationID, generatedAt: startedAt, console: console,
      args: ["limit": limit, "output": output.rawValue])
  }

  /// The nodes shown, in build order: the inline query, or the selected models, seeds and
  /// snapshots (tests a selection pulls in are not previewed).
  private func shownNodes(in compilation: Compilation) -> [Int] {
    if inline != nil {
      let id = "model.\(compilation.project.name).\(LoadedProject.inlineModelName)"
      return compilation.nodes.indices.filter { compilation.nodes[$0].uniqueID == id }
    }
    let selector = try? Selector.parse(select)
    let selected = compilation.resolve(select: selector, exclude: nil)
    return compilation.order.filter { index in
      selected.contains(index) && compilation.nodes[index].resourceType != .test
    }
  }

  private func render(_ rows: QueryResult, name: String, isInline: Bool) -> String {
    switch output {
    case .text:
      let title = isInline ? "Previewing inline node:" : "Previewing node '\(name)':"
      return title + "\n" + ShowQuery.table(rows)
    case .json:
      let document: [String: Any] = ["node": name, "show": ShowQuery.jsonRows(rows)]
      let data =
        (try? JSONSerialization.data(
          withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes]))
        ?? Data("{}".utf8)
      return String(decoding: data, as: UTF8.self)
    }
  }
}

/// `show --output`.
enum ShowOutput: String, ExpressibleByArgument, CaseIterable {
  case text, json
}
