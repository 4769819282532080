import ArgumentParser
import Compiler
import Diagnostics
import Docs
import Foundation
import Graph
import Project

/// Compiles and selects with what `--state` adds: the labels `state:`, `result:` and
/// `source_status:` select on, and with `--defer` a second compile in which refs to nodes
/// this invocation does not build read the state's relations.
struct StatefulSelection {
  let session: Session
  let selection: SelectionOptions
  let state: StateOptions

  /// The earlier invocation's artifacts, read before this one writes its own; nil without
  /// `--state`. Exits 64 when a selector needs them and none were given.
  func previousState(targetDirectory: String? = nil) throws -> PreviousState? {
    guard let directory = state.state else {
      if selection.selector?.needsState == true || selection.excluder?.needsState == true {
        session.console.report([
          .error(
            "select.state", "`state:`, `result:` and `source_status:` selectors need `--state`",
            hint: "pass `--state DIR`, the folder holding an earlier run's manifest.json")
        ])
        throw ExitCode(64)
      }
      return nil
    }
    let absolute =
      directory.hasPrefix("/") ? directory : FileSystem.currentDirectory() + "/" + directory
    // As dbt: deferring to the artifacts this very run overwrites is refused.
    if state.deferToState, let targetDirectory,
      URL(fileURLWithPath: absolute).standardizedFileURL.path
        == URL(fileURLWithPath: targetDirectory).standardizedFileURL.path
    {
      session.console.report([
        .error(
          "state.same", "The state and target directories are the same: '\(directory)'",
          hint: "copy the earlier run's target/ elsewhere and pass that folder to --state")
      ])
      throw ExitCode(1)
    }
    do {
      return try PreviousState.load(directory: absolute)
    } catch {
      session.console.report([error])
      throw ExitCode(1)
    }
  }

  /// The compilation the command runs and the nodes it selects.
  func compile(
    _ loaded: LoadedProject, previous: PreviousState?, existingRelations: Set<String> = [],
    fullRefresh: Bool = false, empty: Bool = false
  ) throws -> (Compilation, Set<Int>) {
    let compilation = try session.compile(
      loaded, existingRelations: existingRelations, fullRefresh: fullRefresh, empty: empty)
    guard let previous else {
      return (
        compilation, compilation.resolve(select: selection.selector, exclude: selection.excluder)
      )
    }
    let labels = stateLabels(compilation, previous: previous)
    let selected = compilation.resolve(
      select: selection.selector, exclude: selection.excluder, stateLabels: labels)
    guard state.deferToState else { return (compilation, selected) }
    let deferred = deferredRelations(
      compilation, selected: selected, previous: previous, existing: existingRelations)
    guard !deferred.isEmpty else { return (compilation, selected) }
    session.console.info(
      "deferring \(deferred.count) unselected node\(deferred.count == 1 ? "" : "s") "
        + "to the relations of `\(state.state ?? "")`")
    let deferredCompilation = try session.compile(
      loaded, existingRelations: existingRelations, fullRefresh: fullRefresh, empty: empty,
      deferredRelations: deferred)
    return (deferredCompilation, selected)
  }

  func stateLabels(_ compilation: Compilation, previous: PreviousState) -> [String: Set<String>] {
    let metadata = Manifest.Metadata(
      generatedAt: "", invocationID: "", adapterType: compilation.project.target.type)
    let sourcesPath =
      compilation.project.projectFile.targetDirectory(root: compilation.project.root)
      + "/sources.json"
    return previous.labels(
      compilation, manifest: Manifest.json(compilation, metadata: metadata),
      currentSources: FileSystem.exists(sourcesPath) ? sourcesPath : nil)
  }

  /// As dbt's `--defer`: every unselected node that builds a relation and that the state
  /// built, when the target lacks it (always, with `--favor-state`).
  func deferredRelations(
    _ compilation: Compilation, selected: Set<Int>, previous: PreviousState,
    existing: Set<String>
  ) -> [String: RelationName] {
    var deferred: [String: RelationName] = [:]
    for index in compilation.nodes.indices where !selected.contains(index) {
      let node = compilation.nodes[index]
      guard [.model, .seed, .snapshot].contains(node.resourceType),
        let relation = node.relation, let stateRelation = previous.relation(of: node.uniqueID)
      else { continue }
      if state.favorState || !existing.contains(relation.schema + "." + relation.identifier) {
        deferred[node.uniqueID] = stateRelation
      }
    }
    return deferred
  }
}
