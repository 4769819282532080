import ArgumentParser
import Compiler
import Diagnostics
import Exposures
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
  @OptionGroup var state: StateOptions

  @Option(name: .long, help: "What to print per node: selector, name, path or json.")
  var output: Output = .selector

  @Option(
    name: .long, parsing: .upToNextOption,
    help:
      "Only these resource types: model, seed, snapshot, source, test, exposure (all, default: every one; dbt's other types match nothing here)."
  )
  var resourceType: [ResourceFilter] = []

  @Option(
    name: .long, parsing: .upToNextOption,
    help: "With --output json, only these keys of each node (`name resource_type`).")
  var outputKeys: [String] = []

  func validate() throws {
    if !outputKeys.isEmpty, output != .json {
      throw ValidationError("--output-keys needs --output json")
    }
  }

  func run() throws {
    let session = Session(options: project, which: "list")
    let loaded = try session.load()
    let stateful = StatefulSelection(session: session, selection: selection, state: state)
    let (compilation, selected) = try stateful.compile(
      loaded, previous: try stateful.previousState())
    defer { ExitWithoutTeardown.keep(compilation) }
    let manifest = ManifestArtifact(compilation, invocationID: session.invocation.invocationID)
    defer { manifest.finish(reportingTo: session.console) }
    var lines: [String] = []
    for index in compilation.graph.ids.indices where selected.contains(index) {
      let node = compilation.nodes[index]
      if !resourceType.keeps(node.resourceType.rawValue) { continue }
      lines.append(line(for: node, in: compilation))
    }
    lines += exposureLines(compilation)
    if !lines.isEmpty { session.console.out(lines.joined(separator: "\n")) }
    if !selection.select.isEmpty, lines.isEmpty {
      session.console.report([
        .selectorMatchedNothing(
          selection.select.joined(separator: " "),
          candidates: SelectionHint.candidates(
            for: selection.select.joined(separator: " "), in: compilation))
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
    case .json:
      let line = JSONLine.node(node, compilation: compilation)
      return outputKeys.isEmpty ? line : Self.keeping(keys, of: line)
    }
  }

  /// The selected exposures, after the nodes as dbt lists them: `exposure:shop.sales`.
  private func exposureLines(_ compilation: Compilation) -> [String] {
    guard !compilation.exposures.isEmpty, resourceType.keeps("exposure") else { return [] }
    let chosen = compilation.selection().selectedExposures(
      select: selection.selector, exclude: selection.excluder)
    return chosen.map { index in
      let exposure = compilation.exposures[index]
      let package = exposure.packageName
      switch output {
      case .name: return exposure.name
      case .path: return exposure.path
      case .selector: return "exposure:\(package).\(exposure.name)"
      case .json:
        let line = JSONLine.exposure(exposure, package: package)
        return outputKeys.isEmpty ? line : Self.keeping(keys, of: line)
      }
    }
  }

  /// `--output-keys`, each argument split on commas and spaces.
  var keys: [String] {
    outputKeys.flatMap { $0.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init) }
  }

  /// The node's JSON object with only `keys`, in their order, as dbt's `--output-keys`.
  static func keeping(_ keys: [String], of line: String) -> String {
    guard
      let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    else { return line }
    var fields: [String] = []
    for key in keys {
      guard let value = object[key],
        let data = try? JSONSerialization.data(
          withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
      else { continue }
      fields.append(JSONLine.string(key) + ":" + String(decoding: data, as: UTF8.self))
    }
    return "{" + fields.joined(separator: ",") + "}"
  }
}

/// `--resource-type` values.
enum ResourceFilter: String, ExpressibleByArgument, CaseIterable {
  case model, seed, snapshot, source, test
  /// Every type (dbt's `all` and `default`).
  case all, `default`
  /// dbt's types that swdbt's projects do not have: accepted, they match nothing.
  case exposure
  case analysis, metric
  case semanticModel = "semantic_model"
  case savedQuery = "saved_query"
  case unitTest = "unit_test"
  case function
}

extension [ResourceFilter] {
  /// Whether `--resource-type` keeps nodes of a type: nothing given, `all` and `default` keep
  /// every type.
  func keeps(_ type: String) -> Bool {
    isEmpty || contains(.all) || contains(.default) || contains { $0.rawValue == type }
  }
}
