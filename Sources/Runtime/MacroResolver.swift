public import Diagnostics
public import Template

/// Resolves macro names the way dbt does: bare names in the root project, then the built-in
/// macros; `adapter.dispatch` through a namespace's search order, engine prefix before
/// `default__`.
///
/// Built once per compilation and shared by every node's host (it only reads).
public final class MacroResolver: Sendable {
  /// The root project's name, as `dispatch:` search orders spell it.
  public let projectName: String
  /// The root project's macros by name.
  public let projectMacros: [String: MacroDefinition]
  /// A namespace's package search order from the project's `dispatch:` config.
  public let searchOrders: [String: [String]]
  /// The engine, whose prefix (`postgres__`) is tried before `default__`.
  public let adapterType: String
  /// How the engine writes names (quote character, default quoting).
  public let dialect: RelationDialect
  /// Installed packages' macros by package name, then macro name.
  public let packageMacros: [String: [String: MacroDefinition]]
  /// Each package's folder with a final `/` (`dbt_packages/dbt_utils/`) and its name, to tell
  /// which package a macro's file belongs to.
  let packageFolders: [(prefix: String, name: String)]

  /// Creates a resolver for one project and its installed packages (`packageFolders` maps each
  /// package's folder, relative to the root project, to its name).
  public init(
    projectName: String, projectMacros: [String: MacroDefinition],
    searchOrders: [String: [String]] = [:], adapterType: String = "postgres",
    packageMacros: [String: [String: MacroDefinition]] = [:],
    packageFolders: [String: String] = [:]
  ) {
    self.projectName = projectName
    self.projectMacros = projectMacros
    self.searchOrders = searchOrders
    self.adapterType = adapterType
    self.dialect = RelationDialect(adapterType: adapterType)
    self.packageMacros = packageMacros
    self.packageFolders = packageFolders.map { (prefix: $0.key + "/", name: $0.value) }
  }

  /// The macro a bare name calls: the project's, else swdbt's built-in one.
  public func macro(named name: String) -> MacroDefinition? {
    projectMacros[name] ?? BuiltinMacros.table[name]
  }

  /// The macro a bare name calls from a node of `package` (nil for the root project) while
  /// evaluating `file`: the node's package's, the root project's, the built-in one (dbt's
  /// order), and last the package of the calling macro's own file, so that a package's macros
  /// may call each other by bare name from any node.
  public func macro(named name: String, package: String?, calledFrom file: SourceFile)
    -> MacroDefinition?
  {
    if let package, let macro = packageMacros[package]?[name] { return macro }
    if let macro = projectMacros[name] ?? BuiltinMacros.table[name] { return macro }
    guard !packageFolders.isEmpty, let owner = self.package(of: file.path) else { return nil }
    return packageMacros[owner]?[name]
  }

  /// The package a file belongs to, by its folder; nil for the root project's files.
  public func package(of path: String) -> String? {
    packageFolders.first { path.hasPrefix($0.prefix) }?.name
  }

  /// The macros of a namespace: an installed package, the root project by its name, or `dbt`.
  public func namespace(_ name: String) -> [String: MacroDefinition]? {
    if let macros = packageMacros[name] { return macros }
    if name == projectName { return projectMacros }
    if name == "dbt" { return BuiltinMacros.table }
    return nil
  }

  /// The packages `adapter.dispatch` searches for a namespace, in order.
  public func searchOrder(for namespace: String?) -> [String] {
    if let namespace, let order = searchOrders[namespace] { return order }
    // Without a `dispatch:` entry dbt searches the root project, then the namespace itself;
    // the built-ins (`dbt`) come last.
    guard let namespace, namespace != projectName, namespace != "dbt" else {
      return [projectName, "dbt"]
    }
    return [projectName, namespace, "dbt"]
  }

  /// The implementation `adapter.dispatch(name, namespace)` picks, with the names it tried.
  public func dispatch(_ name: String, namespace: String?) -> (
    macro: MacroDefinition?, tried: [String]
  ) {
    var tried: [String] = []
    for package in searchOrder(for: namespace) {
      guard let table = self.namespace(package) else { continue }
      for prefix in [adapterType + "__", "default__"] {
        tried.append("\(package).\(prefix)\(name)")
        if let macro = table[prefix + name] { return (macro, tried) }
      }
    }
    return (nil, tried)
  }
}

extension MacroResolver {
  /// The runtime's globals a host answers: `adapter`, `dbt`, `api`; nil for other names.
  /// `session`, if given, answers the `adapter` methods that use the database.
  public func global(_ name: String, session: IntrospectionSession? = nil) -> Value? {
    switch name {
    case "adapter": .object(AdapterObject(resolver: self, session: session))
    case "dbt": .object(DbtNamespace())
    case "api": .object(APIObject(dialect: dialect))
    default:
      packageMacros[name] != nil || name == projectName
        ? .object(PackageNamespace(name: name, resolver: self)) : nil
    }
  }
}
