public import Template

/// A package's name as templates see it: `dbt_utils.star(...)` calls the macro `star` of the
/// installed package `dbt_utils` (or of the root project, by its name).
public struct PackageNamespace: TemplateObject {
  /// The package's name.
  public let name: String
  /// Where its macros are.
  public let resolver: MacroResolver

  /// Creates the namespace of one package.
  public init(name: String, resolver: MacroResolver) {
    self.name = name
    self.resolver = resolver
  }

  /// The type name shown in errors.
  public var typeName: String { "package `\(name)`" }
  /// How `{{ dbt_utils }}` renders.
  public var rendered: String { "<package \(name)>" }

  /// One of the package's macros by name.
  public func attribute(_ name: String) -> Value? {
    resolver.namespace(self.name)?[name].map { .macro($0) }
  }
}
