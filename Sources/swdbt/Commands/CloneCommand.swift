import Adapter
import ArgumentParser
import Compiler
import Diagnostics
import Docs
import Execution
import Foundation
import Project
import Runtime

/// `swdbt clone --state DIR`: the state's relations of the selected models, seeds and
/// snapshots appear in the target as views reading them (dbt-postgres's clone).
struct CloneCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "clone",
    abstract: "Create views in the target over the relations of a --state manifest.")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var state: StateOptions

  @Flag(name: .long, help: "Replace relations that exist in the target (else: no-op).")
  var fullRefresh = false

  @Option(
    name: .long, help: "Accepted as dbt's; clone creates the views in turn (a warning says so).")
  var threads: Int?

  @Option(
    name: .long, parsing: .upToNextOption,
    help: "Only these resource types: model, seed, snapshot.")
  var resourceType: [ResourceFilter] = []

  func run() async throws {
    let clock = ContinuousClock()
    let start = clock.now
    let session = Session(options: project, which: "clone", fullRefresh: fullRefresh)
    let console = session.console
    if threads != nil {
      // Accepted as dbt accepts it, but said: the views are created one after another.
      console.report([
        .warning(
          "clone.threads", "`--threads` has no effect on `clone`: it creates the views in turn",
          hint: "drop `--threads`")
      ])
    }
    let loaded = try session.load()
    guard let stateDirectory = state.state else {
      console.report([
        .error(
          "clone.state",
          "--state or --defer-state are required for deferral, but neither was provided",
          hint: "pass `--state DIR`, the folder holding the manifest.json to clone from")
      ])
      throw ExitCode(1)
    }
    let targetDirectory = loaded.projectFile.targetDirectory(root: loaded.root)
    let stateAbsolute =
      stateDirectory.hasPrefix("/")
      ? stateDirectory : FileSystem.currentDirectory() + "/" + stateDirectory
    if URL(fileURLWithPath: stateAbsolute).standardizedFileURL.path
      == URL(fileURLWithPath: targetDirectory).standardizedFileURL.path
    {
      console.report([
        .error(
          "clone.state",
          "The state and target directories are the same: '\(stateDirectory)'",
          hint: "copy the earlier run's target/ elsewhere and pass that folder to --state")
      ])
      throw ExitCode(1)
    }
    let stateful = StatefulSelection(session: session, selection: selection, state: state)
    let previous = try stateful.previousState()
    let adapter = try await Wiring.adapter(for: loaded, console: console)
    let control = TargetSession(
      connection: try Wiring.connect(adapter, console: console),
      engine: try Wiring.engine(for: loaded, console: console))
    defer { control.close() }
    let existing: Set<String>
    do {
      existing = try control.existingRelations()
    } catch {
      console.report([.error("run.target", "cannot list existing relations: \(error)")])
      throw ExitCode(1)
    }
    let (compilation, selected) = try stateful.compile(
      loaded, previous: previous, existingRelations: existing, fullRefresh: fullRefresh)
    defer { ExitWithoutTeardown.keep(compilation) }
    let manifest = ManifestArtifact(
      compilation, invocationID: session.invocation.invocationID,
      generatedAt: session.invocation.runStartedAt)
    defer { manifest.finish(reportingTo: console) }

    var items: [Clone.Item] = []
    for index in compilation.order where selected.contains(index) {
      let node = compilation.nodes[index]
      guard [.model, .seed, .snapshot].contains(node.resourceType),
        resourceType.keeps(node.resourceType.rawValue),
        let target = node.relation, let source = previous?.relation(of: node.uniqueID)
      else { continue }
      items.append(Clone.Item(index: index, target: target, source: source))
    }
    console.info(
      "Cloning \(items.count) node\(items.count == 1 ? "" : "s") from `\(stateDirectory)`")
    let results = Clone.run(
      items, compilation: compilation, engine: control.engine, connection: control.connection,
      fullRefresh: fullRefresh, log: console.info)
    for (position, result) in results.enumerated() {
      let node = compilation.nodes[result.index]
      console.out(
        "\(position + 1) of \(results.count) \(result.status == .success ? "OK" : "ERROR") "
          + "cloned \(node.resourceType.rawValue) \(result.relationName ?? node.name) "
          + "[\(result.message)]")
      console.report(result.diagnostics)
    }
    let elapsed = clock.now - start
    RunResultsFile.write(
      results, compilation: compilation, elapsed: elapsed, command: "clone",
      invocationID: session.invocation.invocationID,
      generatedAt: session.invocation.runStartedAt, console: console)
    let errors = results.filter { $0.status == .error }.count
    console.out("Done. PASS=\(results.count - errors) ERROR=\(errors) TOTAL=\(results.count)")
    if errors > 0 { throw ExitCode(1) }
  }
}
