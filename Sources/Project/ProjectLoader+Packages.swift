public import Diagnostics
public import OrderedCollections
public import Template

/// A package installed in the project's `packages-install-path`: a project of its own, loaded
/// the same way as the root project.
public struct InstalledPackage: Sendable {
  /// The package's name from its project file (`dbt_utils`), the namespace of its macros.
  public var name: String
  /// Its folder relative to the root project (`dbt_packages/dbt_utils`).
  public var directory: String
  /// Its project file.
  public var projectFile: ProjectFile
  /// Its macros by name.
  public var macros: [String: MacroDefinition]
  /// Its generic tests (`{% test %}`) by name.
  public var genericTests: [String: MacroDefinition]
  /// The vars its nodes see: its own, then the root project's, then the root project's vars
  /// scoped to it (`vars: {dbt_date: {...}}`), then `--vars`.
  public var vars: OrderedDictionary<String, Value>
}

/// What one project (the root or a package) contributes to the loaded project.
struct ProjectResources: Sendable {
  var models: [ModelNode]
  var seeds: [SeedNode]
  var sources: [SourceNode]
  var singularTests: [SingularTestNode]
  var macros: [String: MacroDefinition]
  var genericTests: [String: MacroDefinition]
  var docs: [String: DocsBlock]
  var disabledSeeds: Set<String>
  var disabledSeedFQNs: [[String]]
  /// `unit_tests:` of the project's YAML (a package's are not run, as in dbt).
  var unitTests: [UnitTestSpec] = []
  /// The `{% materialization %}` blocks of `macros/`, by name.
  var materializations: [String: SourceRange] = [:]
  /// The properties files declaring `exposures:` (every package's too, as dbt reads them).
  var exposureFiles: [SourceFile] = []
  /// The properties files declaring a semantic layer (the project's own: swdbt's metrics are
  /// the root project's).
  var semanticFiles: [SourceFile] = []

  /// Adds the nodes and docs of packages (their macros and tests stay in their packages),
  /// keeping every list sorted by unique id.
  mutating func add(_ packages: [ProjectResources], docsOnly: Bool) {
    for package in packages {
      models += package.models
      seeds += package.seeds
      sources += package.sources
      singularTests += package.singularTests
      docs.merge(package.docs) { root, _ in root }
      disabledSeeds.formUnion(package.disabledSeeds)
      disabledSeedFQNs += package.disabledSeedFQNs
      materializations.merge(package.materializations) { root, _ in root }
      exposureFiles += package.exposureFiles
    }
    models.sort { $0.uniqueID < $1.uniqueID }
    seeds.sort { $0.uniqueID < $1.uniqueID }
    sources.sort { $0.uniqueID < $1.uniqueID }
    singularTests.sort { $0.uniqueID < $1.uniqueID }
  }
}

/// A package node's config: the package's own `models:` tree, then the root project's, which
/// dbt lets override it (`models: {dbt_utils: {+enabled: false}}`).
struct ScopedConfig: Sendable {
  let own: ConfigTree
  let root: ConfigTree?

  func resolve(_ fqn: [String]) -> NodeConfig {
    guard let root else { return own.resolve(fqn) }
    return own.resolve(fqn).merged(with: root.resolve(fqn))
  }
}

extension ProjectLoader {
  /// Loads every package installed under the root project's `packages-install-path`, as dbt
  /// does whether or not `packages.yml` still names it.
  static func loadPackages(
    root: String, rootFile: ProjectFile, options: LoadOptions, target: TargetConfig,
    sink: any DiagnosticSink
  ) -> [(package: InstalledPackage, resources: ProjectResources)] {
    let installPath = rootFile.packagesInstallPath
    let folders = FileSystem.subdirectories(of: root + "/" + installPath)
    guard !folders.isEmpty else { return [] }
    checkDbtVersion(rootFile, sink: sink)
    var files: [(directory: String, file: ProjectFile)] = []
    var seen: [String: String] = [rootFile.name: "the root project"]
    for folder in folders {
      let directory = installPath + "/" + folder
      guard
        FileSystem.exists(root + "/" + directory + "/dbt_project.yml")
          || FileSystem.exists(root + "/" + directory + "/project.yml")
      else { continue }
      do throws(Diagnostic) {
        let projectFile = try readProjectFile(root: root, directory: directory + "/", sink: sink)
        if let other = seen[projectFile.name] {
          sink.emit(
            .error(
              "project.duplicate-package",
              "package `\(projectFile.name)` in `\(directory)` has the same name as \(other)",
              path: projectFile.file.path, hint: "remove one of them from `\(installPath)/`"))
          continue
        }
        seen[projectFile.name] = "`\(directory)`"
        files.append((directory, projectFile))
      } catch {
        sink.emit(error)
      }
    }
    let packageNames = Set(files.map(\.file.name))
    var loaded: [(package: InstalledPackage, resources: ProjectResources)] = []
    for (directory, file) in files {
      var projectFile = file
      checkDbtVersion(projectFile, sink: sink)
      let vars = packageVars(
        projectFile, rootFile: rootFile, packageNames: packageNames, options: options)
      let jinja = YAMLJinja(vars: vars, environment: options.environment, target: target)
      projectFile.models = projectFile.models.rendered(with: jinja, .model, sink: sink)
      projectFile.seeds = projectFile.seeds.rendered(with: jinja, .seed, sink: sink)
      let resources = loadResources(
        root: root, directory: directory + "/", projectFile: projectFile, rootFile: rootFile,
        jinja: jinja, sink: sink)
      // dbt names a `{% test x %}` block the macro `test_x` too: dbt_expectations'
      // `expect_column_values_to_be_unique` calls `dbt_expectations.test_expect_compound_...`.
      var macros = resources.macros
      for (name, test) in resources.genericTests where macros["test_" + name] == nil {
        macros["test_" + name] = test
      }
      let package = InstalledPackage(
        name: projectFile.name, directory: directory, projectFile: projectFile,
        macros: macros, genericTests: resources.genericTests, vars: vars)
      loaded.append((package, resources))
    }
    return loaded.sorted { $0.package.name < $1.package.name }
  }

  /// dbt's var scoping for a package's nodes: the package's vars, overridden by the root
  /// project's global vars, then by the root's vars scoped to the package, then by `--vars`.
  private static func packageVars(
    _ projectFile: ProjectFile, rootFile: ProjectFile, packageNames: Set<String>,
    options: LoadOptions
  ) -> OrderedDictionary<String, Value> {
    var vars = projectFile.vars
    // The root's vars scoped to a package are not vars of their own.
    for (key, value) in rootFile.vars where !packageNames.contains(key) { vars[key] = value }
    if case .dict(let scoped)? = rootFile.vars[projectFile.name] { vars.merge(scoped) { $1 } }
    // A bad `--vars` was already reported for the root project, which read the same text.
    return (try? mergeVars(vars, options.vars)) ?? vars
  }

  /// Warns when a project's `require-dbt-version` excludes the dbt version swdbt follows.
  static func checkDbtVersion(_ projectFile: ProjectFile, sink: any DiagnosticSink) {
    guard !projectFile.requireDbtVersion.isEmpty else { return }
    switch VersionRange.parse(projectFile.requireDbtVersion) {
    case .failure(let error):
      sink.emit(
        .warning(
          "project.dbt-version", "`require-dbt-version` holds `\(error.piece)`, not a version",
          at: projectFile.requireDbtVersionRange))
    case .success(let range):
      guard !range.contains(.dbtCompatible) else { return }
      sink.emit(
        .warning(
          "project.dbt-version",
          "`\(projectFile.name)` requires dbt \(range), and swdbt follows dbt "
            + "\(PackageVersion.dbtCompatible)",
          at: projectFile.requireDbtVersionRange,
          hint: "it may use features swdbt does not have; install a version made for dbt "
            + "\(PackageVersion.dbtCompatible)"))
    }
  }
}
