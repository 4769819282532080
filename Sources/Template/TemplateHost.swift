public import Diagnostics

/// The outside world as templates see it: `ref`, `source`, `config`, `var`, `env_var`, `this`, ...
///
/// The template language knows no models, YAML or databases; the compiler implements this
/// protocol and records what each model asks for.
public protocol TemplateHost: AnyObject {
  /// Whether the host answers calls to this function name (`ref`, `config.get`, ...).
  func hasFunction(_ name: String) -> Bool
  /// Calls a host function; errors are diagnostics located at the call.
  func call(_ name: String, _ arguments: Arguments) throws(Diagnostic) -> Value
  /// A non-callable global such as `target`, `this` or `execute`.
  func global(_ name: String) -> Value?
  /// A project-wide macro from `macros/`.
  func macro(named name: String) -> MacroDefinition?
  /// A macro a bare name calls from inside `file` (a macro's file while it runs): hosts with
  /// packages search the calling package too.
  func macro(named name: String, calledFrom file: SourceFile) -> MacroDefinition?
  /// Every name the host knows, for "did you mean" hints.
  var knownNames: [String] { get }
  /// Whether an unknown name is Jinja's `Undefined` (renders as nothing) rather than an error,
  /// as dbt renders hooks at run time.
  var undefinedIsLenient: Bool { get }
}

extension TemplateHost {
  /// Unknown names are errors unless a host says otherwise.
  public var undefinedIsLenient: Bool { false }
}

extension TemplateHost {
  /// Hosts without packages look a name up the same way from every file.
  public func macro(named name: String, calledFrom file: SourceFile) -> MacroDefinition? {
    macro(named: name)
  }
}

/// The evaluated arguments of one call, with the call's location for error messages.
public struct Arguments: Sendable {
  /// Positional arguments in order.
  public let positional: [Value]
  /// Keyword arguments in order.
  public let keyword: [(label: String, value: Value)]
  /// Where the whole call is.
  public let range: SourceRange
  /// Where each positional argument is, parallel to `positional`.
  public let positionalRanges: [SourceRange]
  /// Where each keyword argument is (keyword included), parallel to `keyword`.
  public let keywordRanges: [SourceRange]

  /// Creates an argument list.
  public init(
    positional: [Value], keyword: [(label: String, value: Value)], range: SourceRange,
    positionalRanges: [SourceRange] = [], keywordRanges: [SourceRange] = []
  ) {
    self.positional = positional
    self.keyword = keyword
    self.range = range
    self.positionalRanges = positionalRanges
    self.keywordRanges = keywordRanges
  }

  /// The location of a keyword argument, or of the call.
  public func range(ofKeyword label: String) -> SourceRange {
    guard let position = keyword.firstIndex(where: { $0.label == label }),
      position < keywordRanges.count
    else {
      return range
    }
    return keywordRanges[position]
  }

  /// The argument at a position or with a label, if present.
  public func value(_ position: Int, _ label: String) -> Value? {
    if position < positional.count { return positional[position] }
    return keyword.first { $0.label == label }?.value
  }

  /// The location of a positional argument, or of the call.
  public func range(of position: Int) -> SourceRange {
    position < positionalRanges.count ? positionalRanges[position] : range
  }

  /// A required string argument, or a diagnostic naming the function.
  public func string(_ position: Int, _ label: String, function: String) throws(Diagnostic)
    -> String
  {
    guard let value = value(position, label) else {
      throw .error(
        "template.arguments", "`\(function)` needs a `\(label)` argument", at: range)
    }
    guard case .string(let text) = value else {
      throw .error(
        "template.arguments",
        "`\(function)` expects a string for `\(label)`, got \(value.typeName)",
        at: range(of: position))
    }
    return text
  }
}
