import Adapter
import ArgumentParser
import Diagnostics
import Execution
import Project
import Template

/// `swdbt run-operation MACRO --args '{...}'`: calls a macro on the target, as dbt's.
struct RunOperation: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run-operation",
    abstract: "Call a macro on the target with `execute` true; its statements are committed.")

  @OptionGroup var project: ProjectOptions

  @ArgumentParser.Argument(help: "The macro to call.")
  var macro: String

  @Option(name: .long, help: "The macro's keyword arguments, as a YAML or JSON mapping.")
  var args: String = "{}"

  func run() async throws {
    let session = Session(options: project)
    let console = session.console
    // A bad invocation exits 2, as dbt's.
    let arguments: Value
    do throws(Diagnostic) {
      arguments = try Self.parse(args)
    } catch {
      console.report([error])
      throw ExitCode(2)
    }
    let loaded = try session.load()
    guard Operation.macro(named: macro, in: loaded) != nil else {
      console.report([
        .error(
          "operation.unknown-macro", "no macro named `\(macro)` in the project",
          hint: Suggestions.didYouMean(macro, in: loaded.macros.keys)
            ?? "define it in a file under `macros/`")
      ])
      throw ExitCode(2)
    }
    // Compiled as dbt parses the project: the macro may `ref` models.
    let compilation = try session.compile(loaded)
    let adapter = try await Wiring.adapter(for: loaded, console: console)
    let connection = try Wiring.connect(adapter, console: console)
    defer { connection.close() }
    let engine = try Wiring.engine(for: loaded, console: console)
    do throws(Diagnostic) {
      _ = try Operation.run(
        macro, arguments: arguments,
        context: HookContext(
          compilation: compilation, invocation: session.invocation, engine: engine),
        connection: connection)
    } catch {
      console.report([error])
      throw ExitCode(1)
    }
  }

  /// `--args` as a mapping.
  static func parse(_ text: String) throws(Diagnostic) -> Value {
    guard !text.trimmingWhitespace().isEmpty else { return .none }
    let document = try YAMLDocument.parse(SourceFile(path: "--args", text: text))
    guard let root = document.root else { return .none }
    let value = YAMLDocument.value(of: root)
    guard case .dict = value else {
      throw .error(
        "operation.invalid-args", "`--args` must be a YAML or JSON mapping", path: "--args",
        hint: "for example: --args '{\"schema\": \"staging\"}'")
    }
    return value
  }
}
