import ArgumentParser

/// The `swdbt` command line: a dbt-like SQL model compiler for PostgreSQL.
@main
struct SwdbtCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "swdbt",
    abstract: "Compile SQL models with Jinja templates into a dependency-ordered warehouse.",
    version: "0.1.0",
    subcommands: [
      Compile.self, List.self, Seed.self, Run.self, Snapshot.self, Test.self, Build.self,
      RunOperation.self, DocsCommand.self, Debug.self, Local.self, Deps.self,
    ]
  )

  static func main() async {
    MallocTuning.apply()
    await main(nil)
  }
}
