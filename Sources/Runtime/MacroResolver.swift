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

  /// Creates a resolver for one project.
  public init(
    projectName: String, projectMacros: [String: MacroDefinition],
    searchOrders: [String: [String]] = [:], adapterType: String = "postgres"
  ) {
    self.projectName = projectName
    self.projectMacros = projectMacros
    self.searchOrders = searchOrders
    self.adapterType = adapterType
  }

  /// The macro a bare name calls: the project's, else swdbt's built-in one.
  public func macro(named name: String) -> MacroDefinition? {
    projectMacros[name] ?? BuiltinMacros.table[name]
  }

  /// The packages `adapter.dispatch` searches for a namespace, in order.
  public func searchOrder(for namespace: String?) -> [String] {
    if let namespace, let order = searchOrders[namespace] { return order }
    // Without a `dispatch:` entry dbt searches the root project, then the namespace itself;
    // swdbt has no installed packages, so only `dbt` (the built-ins) can follow.
    return [projectName, "dbt"]
  }

  /// The implementation `adapter.dispatch(name, namespace)` picks, with the names it tried.
  public func dispatch(_ name: String, namespace: String?) -> (
    macro: MacroDefinition?, tried: [String]
  ) {
    var tried: [String] = []
    for package in searchOrder(for: namespace) {
      let table: [String: MacroDefinition]
      if package == projectName {
        table = projectMacros
      } else if package == "dbt" {
        table = BuiltinMacros.table
      } else {
        continue
      }
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
    case "api": .object(APIObject())
    default: nil
    }
  }
}
