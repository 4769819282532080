import ArgumentParser
import Compiler
import Diagnostics
import Foundation
import Graph
import Project
import Runtime

/// `swdbt ls`: list the selected nodes.
struct List: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ls", abstract: "List the nodes a selection matches.", aliases: ["list"])

  enum Output: String, ExpressibleByArgument, CaseIterable {
    case selector, name, path, json
  }

  @OptionGroup var project: ProjectOptions
  @OptionGroup var selection: SelectionOptions

  @Option(name: .long, help: "What to print per node: selector, name, path or json.")
  var output: Output = .selector

  @Option(
    name: .long, parsing: .upToNextOption,
    help: "Only these resource types: model, seed, snapshot, source, test.")
  var resourceType: [ResourceFilter] = []

  func run() throws {
    let session = Session(options: project, which: "list")
    let compilation = try session.compile()
    defer { ExitWithoutTeardown.keep(compilation) }
    let manifest = ManifestArtifact(compilation, invocationID: session.invocation.invocationID)
    defer { manifest.finish(reportingTo: session.console) }
    let selected = compilation.resolve(
      select: selection.selector, exclude: selection.excluder)
    var lines: [String] = []
    for index in compilation.graph.ids.indices where selected.contains(index) {
      let node = compilation.nodes[index]
      if !resourceType.isEmpty, !resourceType.map(\.rawValue).contains(node.resourceType.rawValue) {
        continue
      }
      lines.append(line(for: node, in: compilation))
    }
    if !lines.isEmpty { session.console.out(lines.joined(separator: "\n")) }
    if !selection.select.isEmpty, selected.isEmpty {
      session.console.report([
        .selectorMatchedNothing(
          selection.select.joined(separator: " "), candidates: compilation.nodes.map(\.name))
      ])
    }
  }

  private func line(for node: CompiledNode, in compilation: Compilation) -> String {
    switch output {
    case .name: return node.name
    // As dbt: relative to the node's project, a package's node to the package's folder.
    case .path: return String(compilation.project.packageRelative(node.originalFilePath).path)
    case .selector:
      return node.resourceType == .source
        ? "source:" + node.fqn.joined(separator: ".") : node.fqn.joined(separator: ".")
    case .json: return JSONLine.node(node, compilation: compilation)
    }
  }
}

/// `--resource-type` values.
enum ResourceFilter: String, ExpressibleByArgument, CaseIterable {
  case model, seed, snapshot, source, test
}
