import ArgumentParser
import Diagnostics
import Foundation
import Project

/// `swdbt init [NAME]`: a new project folder that builds as it is, on the embedded `local`
/// target or on an existing server given by `--host` and friends. Asks what is missing when
/// stdin is a terminal; otherwise takes the flags as they are.
struct Init: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Create a new project (embedded `local` target, or a server given by --host).")

  @Argument(help: "The project's name and folder (letters, digits, underscores).")
  var name: String?

  @Option(name: .long, help: "An existing PostgreSQL server (host name or socket folder).")
  var host: String?
  @Option(name: .long, help: "Its port.") var port: Int?
  @Option(name: .long, help: "The user to connect as (password: PGPASSWORD or ~/.pgpass).")
  var user: String?
  @Option(name: .long, help: "The database.") var dbname: String?
  @Option(name: .long, help: "The schema models build into (default: analytics).")
  var schema: String = "analytics"
  @Option(name: .long, help: "How many nodes run at once.") var threads: Int = 4

  @Flag(name: .long, help: "Never ask, even on a terminal.")
  var nonInteractive = false

  func run() throws {
    let console = Console(format: .text)
    let interactive = !nonInteractive && isatty(STDIN_FILENO) == 1
    var settings = self
    if interactive { settings.ask() }
    guard let name = settings.name, !name.isEmpty else {
      console.report([
        .error(
          "init.name", "`swdbt init` needs a project name",
          hint: "run `swdbt init my_project` (stdin is not a terminal, so nothing is asked)")
      ])
      throw ExitCode(64)
    }
    guard Self.isIdentifier(name) else {
      console.report([
        .error(
          "init.name", "project name `\(name)` must be letters, digits and underscores",
          hint: "not starting with a digit, e.g. `\(Self.suggestedName(name))`")
      ])
      throw ExitCode(64)
    }
    let root = FileSystem.currentDirectory() + "/" + name
    guard !FileSystem.exists(root) else {
      console.report([
        .error(
          "init.exists", "`\(name)` already exists here; nothing was written",
          hint: "choose another name, or remove the folder")
      ])
      throw ExitCode(1)
    }
    do {
      for (path, text) in settings.files(name) {
        try FileSystem.createDirectory(FileSystem.parentDirectory(root + "/" + path))
        try FileSystem.write(root + "/" + path, Array(text.utf8))
      }
    } catch {
      console.report([.error("init.write", "cannot write the project: \(error.reason)")])
      throw ExitCode(1)
    }
    let destination =
      settings.host.map { "the server at \($0), target `dev`" }
      ?? "the embedded PostgreSQL (`local` target)"
    console.out(
      "Created project `\(name)` building on \(destination).\nNext: cd \(name) && swdbt build")
  }

  /// Asks for what the flags left out.
  mutating func ask() {
    func prompt(_ question: String, default value: String? = nil) -> String? {
      print(question + (value.map { " [\($0)]" } ?? "") + ": ", terminator: "")
      let answer = readLine()?.trimmingCharacters(in: .whitespaces) ?? ""
      return answer.isEmpty ? value : answer
    }
    if name == nil { name = prompt("Project name (letters, digits, underscores)") }
    guard host == nil else { return }
    let choice = prompt(
      "Build on [1] the embedded PostgreSQL or [2] an existing server", default: "1")
    guard choice == "2" else { return }
    host = prompt("Host (name or socket folder)", default: "localhost")
    port = prompt("Port", default: "5432").flatMap { Int($0) }
    user = prompt("User", default: ProcessInfo.processInfo.environment["USER"])
    dbname = prompt("Database", default: user)
    schema = prompt("Schema", default: schema) ?? schema
  }

  /// The project's files.
  func files(_ name: String) -> [(String, String)] {
    var targets = """
      targets:
        local:                         # the embedded PostgreSQL swdbt starts under .swdbt/
          type: postgres
          schema: \(schema)
          threads: \(threads)

      """
    if let host {
      var lines = ["  dev:", "    type: postgres", "    host: \(host)"]
      if let port { lines.append("    port: \(port)") }
      if let user { lines.append("    user: \(user)") }
      if let dbname { lines.append("    dbname: \(dbname)") }
      lines += [
        "    schema: \(schema)", "    threads: \(threads)",
        "    # no password here: libpq reads PGPASSWORD or ~/.pgpass, or write",
        "    # password: \"{{ env_var('SWDBT_PASSWORD') }}\"",
      ]
      targets += lines.joined(separator: "\n") + "\n"
    }
    let project = """
      name: \(name)
      version: "0.1.0"

      model-paths: [models]
      seed-paths: [seeds]
      test-paths: [tests]
      macro-paths: [macros]
      target-path: target

      target: \(host == nil ? "local" : "dev")
      \(targets)
      models:
        \(name):
          example:
            +materialized: view

      """
    return [
      ("project.yml", project),
      (
        "models/example/my_first_model.sql",
        "-- A table built from a query; `swdbt build` creates it.\n"
          + "{{ config(materialized='table') }}\n\n"
          + "select 1 as id, 'first' as label\nunion all\nselect 2, 'second'\n"
      ),
      (
        "models/example/my_second_model.sql",
        "-- A view on the first model: `ref` makes the dependency.\n"
          + "select id, label from {{ ref('my_first_model') }}\nwhere id = 1\n"
      ),
      (
        "models/example/schema.yml",
        """
        models:
          - name: my_first_model
            description: "A starter model"
            columns:
              - name: id
                data_tests: [unique, not_null]
          - name: my_second_model
            columns:
              - name: id
                data_tests: [not_null]

        """
      ),
      ("seeds/.gitkeep", ""), ("macros/.gitkeep", ""), ("tests/.gitkeep", ""),
      ("snapshots/.gitkeep", ""),
      (".gitignore", "target/\ndbt_packages/\nlogs/\n.swdbt/\n"),
    ]
  }

  static func isIdentifier(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else {
      return false
    }
    return name.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
        || $0 == "_"
    }
  }

  static func suggestedName(_ name: String) -> String {
    let cleaned = String(
      name.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    return cleaned.first?.isNumber == true ? "p_" + cleaned : cleaned
  }
}
