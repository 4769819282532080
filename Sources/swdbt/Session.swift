import ArgumentParser
import Compiler
import DataTests
import Diagnostics
import Foundation
import Project
import Runtime

/// Loads and compiles the project the options point at, reporting every diagnostic once.
struct Session {
  let options: ProjectOptions
  let console: Console
  let sink = CollectingSink()
  let clock = ContinuousClock()
  let processorTime = ProcessorTime()
  /// The command's `invocation_id`, `run_started_at` and flags, the same in every template.
  let invocation: InvocationContext

  init(
    options: ProjectOptions, which: String = "compile", fullRefresh: Bool = false,
    empty: Bool = false, threads: Int? = nil
  ) {
    self.options = options
    let console = Console(format: options.logFormat)
    self.console = console
    invocation = InvocationContext(
      flags: InvocationContext.flags(
        which: which, fullRefresh: fullRefresh, empty: empty, threads: threads,
        target: options.target, projectDirectory: options.projectDir,
        profilesDirectory: options.profilesDir), environment: ProcessInfo.processInfo.environment,
      log: { console.info($0) })
  }

  /// The absolute project root.
  var root: String {
    let directory = options.projectDir
    let absolute =
      directory.hasPrefix("/") ? directory : FileSystem.currentDirectory() + "/" + directory
    return URL(fileURLWithPath: absolute).standardizedFileURL.path
  }

  /// Loads and compiles; on errors prints them and exits with status 1.
  func compile() throws -> Compilation {
    try compile(load())
  }

  /// Loads the project; on errors prints them and exits with status 1.
  func load() throws -> LoadedProject {
    let start = clock.now
    // A project that is not there is a usage error, as dbt treats it, not a failed load.
    guard FileSystem.isDirectory(root) else {
      console.report([
        .error(
          "project.missing", "project directory `\(options.projectDir)` does not exist",
          hint: "pass the folder holding `dbt_project.yml` with `--project-dir DIR`")
      ])
      throw ExitCode(64)
    }
    do {
      let loaded = try ProjectLoader.load(
        root: root,
        options: LoadOptions(
          targetName: options.target, vars: options.vars, profilesDirectory: options.profilesDir,
          environment: ProcessInfo.processInfo.environment), sink: sink)
      timing("load (read, lex, parse, YAML)", from: start, to: clock.now)
      return loaded
    } catch {
      sink.emit(error)
      try finish(failedStage: "load")
      // A missing project or a malformed `--vars` is a usage error, as the README says.
      let usage =
        error.code == "project.missing" || error.path == "--vars"
        || error.range?.file.path == "--vars"
      throw ExitCode(usage ? 64 : 1)
    }
  }

  /// Reads only the project file (for `clean`, which needs no target or models); a missing
  /// project is a usage error (64), a broken file exits 1.
  func loadProjectFile() throws -> ProjectFile {
    guard FileSystem.isDirectory(root) else {
      console.report([
        .error(
          "project.missing", "project directory `\(options.projectDir)` does not exist",
          hint: "pass the folder holding `dbt_project.yml` with `--project-dir DIR`")
      ])
      throw ExitCode(64)
    }
    do {
      let file = try ProjectLoader.readProjectFile(root: root, sink: sink)
      console.report(sink.diagnostics)
      return file
    } catch {
      sink.emit(error)
      console.report(sink.diagnostics)
      throw ExitCode(error.code == "project.missing" ? 64 : 1)
    }
  }

  /// Compiles a loaded project; on errors prints them and exits with status 1.
  func compile(
    _ loaded: LoadedProject, existingRelations: Set<String> = [], fullRefresh: Bool = false,
    empty: Bool = false
  ) throws -> Compilation {
    let start = clock.now
    let processorStart = ProcessorTime.used()
    let compiled = Compiler.compile(
      loaded,
      options: CompileOptions(
        environment: ProcessInfo.processInfo.environment, existingRelations: existingRelations,
        fullRefresh: fullRefresh, empty: empty, phaseTimer: phaseTimer, invocation: invocation),
      sink: sink)
    timing(
      "compile (render, link, name)", from: start, to: clock.now, processorStart: processorStart)
    // Consumed, not copied: a second reference would make the test SQL copy every node.
    guard let linked = consume compiled, !sink.hasErrors else {
      try finish(failedStage: "compile")
      throw ExitCode(1)
    }
    let testStart = clock.now
    let compilation = TestCompiler.complete(consume linked, invocation: invocation, sink: sink)
    timing("compile: test SQL", from: testStart, to: clock.now)
    guard !sink.hasErrors else {
      try finish(failedStage: "compile")
      throw ExitCode(1)
    }
    console.report(sink.diagnostics)
    return compilation
  }

  /// With `--debug-timings`, prints each compile phase as the compiler reports it.
  var phaseTimer: (@Sendable (String, Duration) -> Void)? {
    guard options.debugTimings else { return nil }
    let console = self.console
    let processorTime = self.processorTime
    return { phase, duration in
      console.info(
        "timing: compile: \(phase): \(Seconds.milliseconds(duration))"
          + " (cpu \(Seconds.milliseconds(processorTime.lap())))")
    }
  }

  /// With `--debug-timings`, prints how long a phase took.
  /// The processor time is that since the previous timing line, or since `processorStart`
  /// for a line that sums phases already printed.
  func timing(
    _ phase: String, from start: ContinuousClock.Instant, to end: ContinuousClock.Instant,
    processorStart: Duration? = nil
  ) {
    guard options.debugTimings else { return }
    let processor = processorStart.map { ProcessorTime.used() - $0 } ?? processorTime.lap()
    console.info(
      "timing: \(phase): \(Seconds.milliseconds(end - start))"
        + " (cpu \(Seconds.milliseconds(processor)))")
  }

  /// Prints the diagnostics and a one-line verdict, then fails the command.
  func finish(failedStage: String) throws {
    console.report(sink.diagnostics)
    let errors = sink.count(of: .error)
    console.info("error: \(failedStage) failed with \(errors) error\(errors == 1 ? "" : "s")")
  }
}
