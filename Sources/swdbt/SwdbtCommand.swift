import ArgumentParser
import Diagnostics
import Foundation

/// The `swdbt` command line: a dbt-like SQL model compiler for PostgreSQL.
///
/// Every command sets its `commandName`: without it ArgumentParser derives the name from the
/// type by reflection, about 1M instructions per command (and nested command) on every
/// invocation, `compile` included.
@main
struct SwdbtCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "swdbt",
    abstract: "Compile SQL models with Jinja templates into a dependency-ordered warehouse.",
    version: "0.1.0",
    subcommands: [
      Compile.self, List.self, Seed.self, Run.self, Snapshot.self, Test.self, Build.self,
      Show.self, Parse.self, Clean.self, RunOperation.self, Retry.self, DocsCommand.self,
      Debug.self, Local.self, Deps.self, CloneCommand.self, SourceCommand.self, Init.self,
      Query.self,
    ]
  )

  static func main() async {
    MallocTuning.apply()
    let arguments = Array(CommandLine.arguments.dropFirst())
    if let hint = mistypedSubcommandHint(arguments) {
      FileHandle.standardError.write(Data(hint.utf8))
      Foundation.exit(64)
    }
    await main(nil)
  }

  /// "did you mean `build`?" for a first argument that is no command but close to one
  /// (ArgumentParser's own message only says the argument is unexpected).
  static func mistypedSubcommandHint(_ arguments: [String]) -> String? {
    guard let word = arguments.first, !word.hasPrefix("-") else { return nil }
    let names =
      configuration.subcommands.compactMap { $0.configuration.commandName }
      + configuration.subcommands.map { $0._commandName }
    guard !names.contains(word), let suggestion = Suggestions.didYouMean(word, in: names)
    else { return nil }
    return "error: unknown command `\(word)`\nhint: \(suggestion)\n"
  }
}
