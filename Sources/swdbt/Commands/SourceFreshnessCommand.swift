import Adapter
import ArgumentParser
import Compiler
import Diagnostics
import Execution
import Foundation
import Graph
import Project
import Runtime

/// `swdbt source`: commands about sources.
struct SourceCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "source", abstract: "Commands about sources.",
    subcommands: [SourceFreshnessCommand.self])
}

/// `swdbt source freshness`: how old each source's newest row is against its `freshness:`;
/// writes `target/sources.json`; exits 1 when one is past `error_after` or cannot be read.
struct SourceFreshnessCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "freshness",
    abstract: "Check sources' freshness (max(loaded_at_field) against warn_after/error_after).")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions

  @Option(
    name: [.customShort("o"), .customLong("output")],
    help: "Where to write the results (default: <target-path>/sources.json).")
  var output: String?

  @Option(name: .long, help: "Accepted for dbt's command line; sources are checked in turn.")
  var threads: Int?

  func run() async throws {
    let clock = ContinuousClock()
    let start = clock.now
    let session = Session(options: project, which: "freshness")
    let console = session.console
    let loaded = try session.load()
    let compilation = try session.compile(loaded)
    defer { ExitWithoutTeardown.keep(compilation) }
    // As dbt: every command that parses writes the manifest.
    let manifest = ManifestArtifact(
      compilation, invocationID: session.invocation.invocationID,
      generatedAt: session.invocation.runStartedAt)
    defer { manifest.finish(reportingTo: console) }
    let selected = compilation.resolve(select: selection.selector, exclude: selection.excluder)
    let declared = Dictionary(
      loaded.sources.map { ($0.uniqueID, $0) }, uniquingKeysWith: { first, _ in first })
    var checks: [(id: String, name: String, check: SourceFreshnessCheck)] = []
    for index in compilation.order where selected.contains(index) {
      let node = compilation.nodes[index]
      guard node.resourceType == .source, let source = declared[node.uniqueID],
        let freshness = source.freshness, !freshness.isEmpty, let relation = node.relation
      else { continue }
      guard let field = source.loadedAtField else {
        console.report([
          .warning(
            "freshness.field",
            "source `\(source.sourceName).\(source.name)` has `freshness` but no "
              + "`loaded_at_field`; it is not checked",
            at: source.range, hint: "add `loaded_at_field: <timestamp column>`")
        ])
        continue
      }
      checks.append(
        (
          node.uniqueID, "\(source.sourceName).\(source.name)",
          SourceFreshnessCheck(
            relation: relation.quoted, loadedAtField: field, freshness: freshness)
        ))
    }
    let adapter = try await Wiring.adapter(for: loaded, console: console)
    let connection = try Wiring.connect(adapter, console: console)
    defer { connection.close() }
    let engine = try Wiring.engine(for: loaded, console: console)
    console.info("Checking freshness of \(checks.count) source\(checks.count == 1 ? "" : "s")")
    var entries: [[String: Any]] = []
    var failed = false
    for (position, item) in checks.enumerated() {
      let outcome = item.check.run(on: connection, engine: engine)
      let seconds = outcome.completed.timeIntervalSince(outcome.started)
      let label: String
      switch outcome.status {
      case "pass": label = "PASS"
      case "warn": label = "WARN"
      case "error": label = "ERROR STALE"
      default: label = "ERROR"
      }
      failed = failed || outcome.status == "error" || outcome.status == "runtime error"
      console.out(
        "\(position + 1) of \(checks.count) \(label) freshness of \(item.name) "
          + "[\(label) in \(String(format: "%.2f", seconds))s]")
      if let error = outcome.error {
        console.report([.error("freshness.failed", "freshness of \(item.name): \(error)")])
      }
      entries.append(Self.entry(item.id, item.check.freshness, outcome))
    }
    let elapsed = clock.now - start
    let path =
      output.map { $0.hasPrefix("/") ? $0 : FileSystem.currentDirectory() + "/" + $0 }
      ?? loaded.projectFile.targetDirectory(root: loaded.root) + "/sources.json"
    write(entries, to: path, session: session, elapsed: elapsed)
    if failed { throw ExitCode(1) }
  }

  /// One result of `sources.json`, in dbt's shape.
  static func entry(
    _ id: String, _ freshness: SourceFreshness, _ outcome: SourceFreshnessCheck.Outcome
  ) -> [String: Any] {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let timing: [[String: Any]] = [
      [
        "name": "execute", "started_at": formatter.string(from: outcome.started),
        "completed_at": formatter.string(from: outcome.completed),
      ]
    ]
    let executionTime = outcome.completed.timeIntervalSince(outcome.started)
    guard outcome.status != "runtime error" else {
      return ["unique_id": id, "error": outcome.error ?? "", "status": "runtime error"]
    }
    var criteria: [String: Any] = ["filter": freshness.filter ?? NSNull()]
    for (key, threshold) in [
      ("warn_after", freshness.warnAfter), ("error_after", freshness.errorAfter),
    ] {
      criteria[key] =
        threshold.map { ["count": $0.count, "period": $0.period] as [String: Any] }
        ?? ([:] as [String: Any])
    }
    return [
      "unique_id": id, "max_loaded_at": outcome.maxLoadedAt ?? NSNull(),
      "snapshotted_at": outcome.snapshottedAt ?? NSNull(),
      "max_loaded_at_time_ago_in_s": outcome.age ?? 0, "status": outcome.status,
      "criteria": criteria, "adapter_response": [:] as [String: Any], "timing": timing,
      "thread_id": "Thread-1", "execution_time": executionTime,
    ]
  }

  private func write(
    _ entries: [[String: Any]], to path: String, session: Session, elapsed: Duration
  ) {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let document: [String: Any] = [
      "metadata": [
        "dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v3.json",
        "dbt_version": "swdbt-0.1.0",
        "generated_at": formatter.string(from: session.invocation.runStartedAt),
        "invocation_id": session.invocation.invocationID, "env": [:] as [String: Any],
      ] as [String: Any],
      "results": entries,
      "elapsed_time": Double(elapsed.components.seconds)
        + Double(elapsed.components.attoseconds) / 1e18,
    ]
    do {
      let data = try JSONSerialization.data(
        withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
      try FileSystem.createDirectory(FileSystem.parentDirectory(path))
      try FileSystem.write(path, Array(data))
    } catch {
      session.console.report([.error("write.failed", "cannot write \(path): \(error)")])
    }
  }
}
