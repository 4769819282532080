public import Diagnostics
public import OrderedCollections
public import Template

/// Everything read from disk, parsed, and checked in isolation; no model rendered yet.
public struct LoadedProject: Sendable {
  /// The project's root directory.
  public var root: String
  /// The project file.
  public var projectFile: ProjectFile
  /// The chosen target.
  public var target: TargetConfig
  /// Vars after `--vars` overrides.
  public var vars: OrderedDictionary<String, Value>
  /// Models sorted by unique id.
  public var models: [ModelNode]
  /// Seeds sorted by unique id.
  public var seeds: [SeedNode]
  /// Sources sorted by unique id.
  public var sources: [SourceNode]
  /// Singular tests sorted by unique id.
  public var singularTests: [SingularTestNode]
  /// Macros by name.
  public var macros: [String: MacroDefinition]
  /// Custom generic tests (`{% test %}`) by name.
  public var genericTests: [String: MacroDefinition]
  /// Docs blocks by name.
  public var docs: [String: DocsBlock]
  /// Names of seeds left out by `enabled: false`, so that a `ref` to one says so.
  public var disabledSeeds: Set<String> = []
  /// The packages installed in `packages-install-path` (`dbt_packages/`), sorted by name;
  /// their models, seeds, sources and tests are in the lists above.
  public var packages: [InstalledPackage] = []
  /// The root project's unit tests, fixture files read.
  public var unitTests: [UnitTestSpec] = []
  /// The `{% materialization %}` blocks of `macros/` by name (the first of each), which swdbt
  /// never runs: a model asking for one gets an error pointing here.
  public var customMaterializations: [String: SourceRange] = [:]
  /// The properties files that declare `exposures:` (the root project's, then its packages'), sorted by path; read by
  /// the Exposures library on every load, so their mistakes are reported by every command.
  public var exposureFiles: [SourceFile] = []
  /// The root project's properties files that declare a semantic layer (semantic models,
  /// metrics, saved queries, a time spine), sorted by path; checked on every load.
  public var semanticFiles: [SourceFile] = []

  /// The project's name.
  public var name: String { projectFile.name }

  /// The project (the root or an installed package) a file belongs to, and the file's path
  /// relative to that project's folder, as dbt writes `original_file_path`
  /// (`dbt_packages/dbt_utils/models/x.sql` is `models/x.sql` of `dbt_utils`).
  public func packageRelative(_ path: String) -> (package: String, path: Substring) {
    for package in packages {
      let folder = package.directory.utf8
      guard path.utf8.count > folder.count, path.utf8.starts(with: folder),
        path.utf8[path.utf8.index(path.utf8.startIndex, offsetBy: folder.count)]
          == UInt8(ascii: "/")
      else { continue }
      return (
        package.name, path[path.utf8.index(path.utf8.startIndex, offsetBy: folder.count + 1)...]
      )
    }
    return (name, path[...])
  }
}

/// What the command line adds to loading: which target, and `--vars`.
public struct LoadOptions: Sendable {
  /// `--target`, if given.
  public var targetName: String?
  /// `--vars` as YAML or JSON text, if given.
  public var vars: String?
  /// `--profiles-dir`, if given.
  public var profilesDirectory: String?
  /// `--profile`: the profile to read instead of the project's `profile:`.
  public var profileName: String? = nil
  /// The environment (`DBT_PROFILES_DIR`, `HOME`), passed in so tests need no global state.
  public var environment: [String: String]

  /// Creates load options.
  public init(
    targetName: String? = nil, vars: String? = nil, profilesDirectory: String? = nil,
    environment: [String: String] = [:]
  ) {
    self.targetName = targetName
    self.vars = vars
    self.profilesDirectory = profilesDirectory
    self.environment = environment
  }
}
