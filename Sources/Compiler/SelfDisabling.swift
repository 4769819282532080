import Diagnostics
import Project

/// Models and singular tests that disable themselves in their own SQL
/// (`{{ config(enabled=false) }}`), which is known only once they are rendered: they are
/// dropped before linking, as if `enabled: false` had been set in the project file.
///
/// As in dbt, a model that refers to one of them is an error naming both; a test that does is
/// disabled with it.
enum SelfDisabling {
  /// What is left to link.
  struct Remaining {
    /// Indices of the enabled models in `project.models`.
    var modelIndices: [Int]
    /// For each of them, its index in the render results or -1.
    var renderedModels: [Int]
    /// Indices of the enabled singular tests in `project.singularTests`.
    var singularTests: [Int]
    /// Names of the models that disabled themselves (and no enabled model or seed has).
    var disabledNames: Set<String>
  }

  /// Drops the self-disabled nodes and reports models that refer to them.
  static func apply(
    project: LoadedProject, modelIndices: [Int], renderedModels: [Int],
    renderedSingularTests: [Int], rendered: [RenderedNode?], sink: any DiagnosticSink
  ) -> Remaining {
    func isDisabled(_ renderedIndex: Int) -> Bool {
      renderedIndex >= 0 && rendered[renderedIndex]?.enabled == false
    }
    var singularTests: [Int] = []
    singularTests.reserveCapacity(project.singularTests.count)
    for index in project.singularTests.indices
    where project.singularTests[index].config.enabled && !isDisabled(renderedSingularTests[index]) {
      singularTests.append(index)
    }
    // The common case: nothing disabled itself, nothing to filter.
    guard renderedModels.contains(where: isDisabled) else {
      return Remaining(
        modelIndices: modelIndices, renderedModels: renderedModels,
        singularTests: singularTests, disabledNames: [])
    }
    var keptIndices: [Int] = []
    var keptRendered: [Int] = []
    var disabledAt: [String: SourceRange?] = [:]
    for position in modelIndices.indices {
      if isDisabled(renderedModels[position]) {
        disabledAt[project.models[modelIndices[position]].name] =
          rendered[renderedModels[position]]?.enabledRange
      } else {
        keptIndices.append(modelIndices[position])
        keptRendered.append(renderedModels[position])
      }
    }
    // A `ref` to a name an enabled model or a seed also has still resolves.
    for index in keptIndices { disabledAt[project.models[index].name] = nil }
    for seed in project.seeds { disabledAt[seed.name] = nil }
    func refersToDisabled(_ node: RenderedNode) -> Bool {
      node.references.contains {
        if case .ref(let name, _) = $0.reference { disabledAt[name] != nil } else { false }
      }
    }
    for position in keptIndices.indices {
      guard keptRendered[position] >= 0, let node = rendered[keptRendered[position]] else {
        continue
      }
      for reference in node.references {
        guard case .ref(let name, _) = reference.reference, let site = disabledAt[name] else {
          continue
        }
        sink.emit(
          .disabledReference(
            from: .model, project.models[keptIndices[position]].name, to: name,
            at: reference.range, disabledAt: site))
      }
    }
    singularTests.removeAll { index in
      let renderedIndex = renderedSingularTests[index]
      guard renderedIndex >= 0, let node = rendered[renderedIndex] else { return false }
      return refersToDisabled(node)
    }
    return Remaining(
      modelIndices: keptIndices, renderedModels: keptRendered, singularTests: singularTests,
      disabledNames: Set(disabledAt.keys))
  }

  /// Removes the generic tests that refer to a self-disabled model (a `relationships` test's
  /// `to:`), as dbt disables them.
  static func dropTests(referringTo names: Set<String>, in tests: inout [GenericTestNode?]) {
    guard !names.isEmpty else { return }
    for index in tests.indices {
      let refersToDisabled =
        tests[index]?.references.contains {
          if case .ref(let name, _) = $0.reference { names.contains(name) } else { false }
        } ?? false
      if refersToDisabled { tests[index] = nil }
    }
  }
}
