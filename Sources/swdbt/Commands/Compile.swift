import ArgumentParser
import Compiler
import Diagnostics
import Graph
import Project

/// `swdbt compile`: render and link every model, write the SQL under `target/compiled/`.
struct Compile: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compile",
    abstract: "Compile models and tests to plain SQL under target/compiled/.")

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions
  @OptionGroup var emptyOption: EmptyOption

  func run() async throws {
    let clock = ContinuousClock()
    let start = clock.now
    let session = Session(options: project)
    let loaded = try session.load()
    // The loaded project may outlive the compilation's copy of it (a stage that changes the
    // project copies its arrays): freeing 10,000 parsed templates at exit costs tens of ms.
    defer { ExitWithoutTeardown.keep(loaded) }
    // Unchanged compiled files are stamped while the project compiles. Started after
    // loading, which reads files on every core itself, and knows the target path.
    let prefetched = CompiledStampPrefetch(
      root: loaded.root, targetPath: loaded.projectFile.targetPath)
    var compilation = try session.compile(loaded, empty: emptyOption.empty)
    defer { ExitWithoutTeardown.keep(compilation) }
    let selected = compilation.resolve(
      select: selection.selector, exclude: selection.excluder)
    let ordered = compilation.order.filter(selected.contains)
    try await SecondRender.apply(to: &compilation, selected: ordered, console: session.console)
    let writeStart = clock.now
    let summary = ArtifactWriter.writeCompiledSQL(
      compilation, nodes: ordered, prefetched: prefetched, sink: session.sink)
    session.timing("write compiled SQL", from: writeStart, to: clock.now)
    if session.sink.hasErrors {
      session.console.report(session.sink.diagnostics.filter { $0.code.hasPrefix("write.") })
      throw ExitCode(1)
    }
    let compiled = ordered.filter { compilation.nodes[$0].sql != nil }
    // One selected model (with its tests, which selecting it pulls in) prints its SQL.
    let nonTests = compiled.filter { compilation.nodes[$0].resourceType != .test }
    let shown = nonTests.count == 1 ? nonTests : compiled
    if !selection.select.isEmpty, shown.count == 1, let sql = compilation.nodes[shown[0]].sql {
      session.console.out(sql)
    }
    let models = compiled.filter { compilation.nodes[$0].resourceType == .model }.count
    let tests = compiled.count - models
    let elapsed = Seconds.format(clock.now - start)
    session.console.info(
      "Compiled \(models) model\(models == 1 ? "" : "s") and \(tests) test\(tests == 1 ? "" : "s") "
        + "in \(elapsed) (\(summary.written) written, \(summary.unchanged) unchanged) "
        + "to \(compilation.project.projectFile.targetPath)/compiled/\(compilation.project.name)")
    if !selection.select.isEmpty, selected.isEmpty {
      session.console.report([
        .selectorMatchedNothing(
          selection.select.joined(separator: " "),
          candidates: SelectionHint.candidates(
            for: selection.select.joined(separator: " "), in: compilation))
      ])
    }
  }
}
