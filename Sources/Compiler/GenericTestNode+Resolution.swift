import Diagnostics
public import OrderedCollections
import Project
public import Template

extension GenericTestBuilder {
  /// The test a YAML name runs: a built-in (`unique`), the root project's `{% test %}`, or an
  /// installed package's: `dbt_utils.accepted_range` in that package; a bare name in the root
  /// project, then in the owner's package, then in any installed package (dbt searches every
  /// package for a bare name).
  static func resolveTest(
    _ written: String, at range: SourceRange?, owner: Owner, project: LoadedProject
  ) -> Result<
    (name: String, package: String?), Diagnostic
  > {
    // Most tests are bare names (`not_null`): no split for them.
    let parts =
      written.utf8.contains(UInt8(ascii: ".")) ? written.split(separator: ".") : [written[...]]
    guard parts.count > 1, let last = parts.last else {
      if builtins.contains(written) || project.genericTests[written] != nil {
        return .success((written, nil))
      }
      let ownerPackage = owner.package
      if let ownerPackage,
        project.packages.contains(where: {
          $0.name == ownerPackage && $0.genericTests[written] != nil
        })
      {
        return .success((written, ownerPackage))
      }
      if let package = project.packages.first(where: { $0.genericTests[written] != nil }) {
        return .success((written, package.name))
      }
      return .failure(unknownTest(written, written, project: project, at: range))
    }
    let name = String(last)
    let namespace = parts.dropLast().joined(separator: ".")
    if namespace == "dbt", builtins.contains(name) { return .success((name, nil)) }
    if namespace == project.name {
      if builtins.contains(name) || project.genericTests[name] != nil {
        return .success((name, nil))
      }
      return .failure(unknownTest(written, name, project: project, at: range))
    }
    guard let package = project.packages.first(where: { $0.name == namespace }) else {
      return .failure(
        .error(
          "compile.unknown-test",
          "unknown generic test `\(written)`: package `\(namespace)` is not installed",
          at: range,
          hint: "declare it in `packages.yml` and run `swdbt deps`, or put it in "
            + "`\(project.projectFile.packagesInstallPath)/\(namespace)/`"))
    }
    guard package.genericTests[name] != nil else {
      return .failure(
        .error(
          "compile.unknown-test", "package `\(namespace)` has no generic test `\(name)`",
          at: range,
          hint: Suggestions.didYouMean(name, in: package.genericTests.keys)))
    }
    return .success((name, package.name))
  }

  private static func unknownTest(
    _ written: String, _ name: String, project: LoadedProject, at range: SourceRange?
  ) -> Diagnostic {
    var candidates = builtins.union(project.genericTests.keys)
    for package in project.packages {
      candidates.formUnion(package.genericTests.keys.map { package.name + "." + $0 })
    }
    return .error(
      "compile.unknown-test", "unknown generic test `\(written)`",
      at: range,
      hint: Suggestions.didYouMean(written, in: candidates)
        ?? "define it with `{% test \(name)(model, column_name) %}` in "
        + "`\(project.projectFile.testPaths.first ?? "tests")/generic/` or "
        + "`\(project.projectFile.macroPaths.first ?? "macros")/`")
  }
}

extension GenericTestNode {
  /// dbt's `test_metadata.kwargs`: the arguments as written, `column_name`, then `model` as
  /// the Jinja dbt renders at run time (`{{ get_where_subquery(ref('orders')) }}`).
  public var metadataKwargs: OrderedDictionary<String, Value> {
    var kwargs = writtenArguments
    if let column { kwargs["column_name"] = .string(column) }
    if kwargs["model"] == nil {
      kwargs["model"] = .string("{{ get_where_subquery(" + model + ") }}")
    }
    return kwargs
  }
}
