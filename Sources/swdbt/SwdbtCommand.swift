import ArgumentParser
import Diagnostics
import Foundation

/// The `swdbt` command line: a dbt-like SQL model compiler for PostgreSQL.
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
    // Most commands are named after their one-word type (`Compile` is `compile`): checked
    // first, since ArgumentParser's `_commandName` goes through reflection (about 1M
    // instructions per command, on every invocation). The full list is only made for a word
    // that matches no command this way.
    let capitalized = word.prefix(1).uppercased() + word.dropFirst()
    if word == word.lowercased(),
      configuration.subcommands.contains(where: { command in
        let configuration = command.configuration
        return configuration.commandName == word || configuration.aliases.contains(word)
          || (configuration.commandName == nil
            && _typeName(command, qualified: false) == capitalized)
      })
    {
      return nil
    }
    let names =
      configuration.subcommands.compactMap { $0.configuration.commandName }
      + configuration.subcommands.map { $0._commandName }
    guard !names.contains(word), let suggestion = Suggestions.didYouMean(word, in: names)
    else { return nil }
    return "error: unknown command `\(word)`\nhint: \(suggestion)\n"
  }
}
