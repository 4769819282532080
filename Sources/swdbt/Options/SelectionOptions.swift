import ArgumentParser
import Diagnostics
import Graph

/// `--select` / `--exclude`, parsed and checked before any work starts.
struct SelectionOptions: ParsableArguments {
  @Option(
    name: [.customShort("s"), .customLong("select"), .customLong("models"), .customShort("m")],
    parsing: .upToNextOption,
    help:
      "Nodes to include: names, +name, name+, 2+name, @name, tag:, path:, config.x:, resource_type:."
  )
  var select: [String] = []

  @Option(name: .long, parsing: .upToNextOption, help: "Nodes to leave out, in the same syntax.")
  var exclude: [String] = []

  func validate() throws {
    for arguments in [select, exclude] where !arguments.isEmpty {
      do {
        _ = try Selector.parse(arguments)
      } catch {
        throw ValidationError(error.message + (error.hint.map { " (\($0))" } ?? ""))
      }
    }
  }

  /// The parsed `--select`, or nil for "everything".
  var selector: Selector? { select.isEmpty ? nil : try? Selector.parse(select) }
  /// The parsed `--exclude`, or nil.
  var excluder: Selector? { exclude.isEmpty ? nil : try? Selector.parse(exclude) }
}
