public import Diagnostics

/// What selectors may look at on a node; the graph itself knows only ids.
public struct Selectable: Sendable {
  /// The unique id (`model.shop.stg_orders`).
  public var id: String
  /// The short name (`stg_orders`).
  public var name: String
  /// `model`, `seed`, `source`, `test`.
  public var resourceType: String
  /// The node's tags.
  public var tags: [String]
  /// The file path relative to the project root.
  public var path: String
  /// `[project, folders..., name]`.
  public var fqn: [String]
  /// Config values as text (`materialized` -> `table`); lists hold one entry per item.
  public var config: [String: [String]]
  /// For sources, the source's name; for tests, `generic` or `singular`.
  public var group: String?

  /// Creates a selectable view.
  public init(
    id: String, name: String, resourceType: String, tags: [String], path: String, fqn: [String],
    config: [String: [String]] = [:], group: String? = nil
  ) {
    self.id = id
    self.name = name
    self.resourceType = resourceType
    self.tags = tags
    self.path = path
    self.fqn = fqn
    self.config = config
    self.group = group
  }
}

/// One selection criterion with graph operators: `2+tag:nightly+1`, `@stg_orders`.
public struct SelectorAtom: Sendable, Equatable {
  /// How a value is matched against nodes.
  public enum Method: String, Sendable, CaseIterable {
    case fqn, tag, path, file, config
    case resourceType = "resource_type"
    case source
    case testType = "test_type"
    case testName = "test_name"
    case unitTest = "unit_test"
    case package
    /// `exposure:sales` or `exposure:shop.sales`: an exposure, outside the graph; with `+`,
    /// the nodes it reads.
    case exposure
    /// `state:modified`, `state:new`, ...: compared with `--state`'s manifest.
    case state
    /// `result:error`: the node's status in `--state`'s `run_results.json`.
    case result
    /// `source_status:fresher`: compared with `--state`'s `sources.json`.
    case sourceStatus = "source_status"

    /// Whether the method reads the artifacts of `--state`.
    public var needsState: Bool { self == .state || self == .result || self == .sourceStatus }
  }

  /// The values `state:` takes, as dbt's.
  public static let stateValues = [
    "new", "old", "modified", "unmodified", "modified.body", "modified.configs",
    "modified.relation", "modified.persisted_descriptions", "modified.macros",
    "modified.contract",
  ]
  /// The values `source_status:` takes.
  public static let sourceStatusValues = ["fresher", "stale"]

  /// The method.
  public var method: Method
  /// For `config.<key>`, the key.
  public var configKey: String?
  /// The value to match (may hold `*` wildcards).
  public var value: String
  /// `+x` / `2+x`: include ancestors (nil depth: all).
  public var parents: Bool = false
  /// The ancestor depth limit.
  public var parentDepth: Int?
  /// `x+` / `x+2`: include descendants.
  public var children: Bool = false
  /// The descendant depth limit.
  public var childDepth: Int?
  /// `@x`: descendants and all their ancestors.
  public var childrensParents: Bool = false
}

/// A parsed `--select` / `--exclude`: a union of intersections of atoms.
public struct Selector: Sendable, Equatable {
  /// Each element is an intersection (comma-separated atoms); the selector is their union.
  public var union: [[SelectorAtom]]

  /// Whether any atom reads the artifacts of `--state`.
  public var needsState: Bool { union.contains { $0.contains { $0.method.needsState } } }

  /// Parses selector arguments as dbt does: each argument and each space-separated word is a
  /// union member; commas inside a word intersect.
  public static func parse(_ arguments: [String]) throws(Diagnostic) -> Selector {
    var union: [[SelectorAtom]] = []
    for argument in arguments {
      for word in argument.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
        var intersection: [SelectorAtom] = []
        for part in word.split(separator: ",", omittingEmptySubsequences: false) {
          intersection.append(try parseAtom(String(part), in: String(word)))
        }
        union.append(intersection)
      }
    }
    return Selector(union: union)
  }

  static func parseAtom(_ text: String, in word: String) throws(Diagnostic) -> SelectorAtom {
    func failure(_ message: String, hint: String? = nil) -> Diagnostic {
      .error("select.syntax", "invalid selector `\(word)`: \(message)", hint: hint)
    }
    var rest = Substring(text)
    guard !rest.isEmpty else { throw failure("empty selector between commas") }
    var atom = SelectorAtom(method: .fqn, value: "")
    if rest.hasPrefix("@") {
      atom.childrensParents = true
      rest = rest.dropFirst()
    }
    let leadingDigits = rest.prefix { $0.isNumber }
    if rest.dropFirst(leadingDigits.count).hasPrefix("+") {
      atom.parents = true
      atom.parentDepth = leadingDigits.isEmpty ? nil : Int(leadingDigits)
      rest = rest.dropFirst(leadingDigits.count + 1)
    }
    let trailingDigits = String(rest.reversed().prefix { $0.isNumber }.reversed())
    if rest.dropLast(trailingDigits.count).hasSuffix("+"), rest.count > trailingDigits.count + 1 {
      atom.children = true
      atom.childDepth = trailingDigits.isEmpty ? nil : Int(trailingDigits)
      rest = rest.dropLast(trailingDigits.count + 1)
    }
    if atom.childrensParents && (atom.parents || atom.children) {
      throw failure("`@` cannot be combined with `+`")
    }
    guard !rest.isEmpty else { throw failure("nothing to select") }
    if let colon = rest.firstIndex(of: ":") {
      let methodText = String(rest[..<colon])
      atom.value = String(rest[rest.index(after: colon)...])
      if methodText.hasPrefix("config.") {
        atom.method = .config
        atom.configKey = String(methodText.dropFirst("config.".count))
        guard !(atom.configKey ?? "").isEmpty else { throw failure("`config.` needs a key") }
      } else if let method = SelectorAtom.Method(rawValue: methodText) {
        atom.method = method
      } else {
        throw failure(
          "unknown method `\(methodText)`",
          hint: Suggestions.didYouMean(methodText, in: SelectorAtom.Method.allCases.map(\.rawValue))
        )
      }
      guard !atom.value.isEmpty else { throw failure("`\(methodText):` needs a value") }
      for (method, values) in [
        (SelectorAtom.Method.state, SelectorAtom.stateValues),
        (.sourceStatus, SelectorAtom.sourceStatusValues),
      ] where atom.method == method && !values.contains(atom.value) {
        throw failure(
          "unknown `\(methodText):` value `\(atom.value)`",
          hint: Suggestions.didYouMean(atom.value, in: values)
            ?? "one of \(values.map { "`\($0)`" }.joined(separator: ", "))")
      }
    } else {
      atom.value = String(rest)
      if atom.value.contains("/") || atom.value.hasSuffix(".sql") || atom.value.hasSuffix(".csv") {
        atom.method = atom.value.contains("/") ? .path : .file
      }
    }
    if atom.value.contains("+") || atom.value.contains("@") {
      throw failure("graph operators `+` and `@` go around the selector, not inside it")
    }
    return atom
  }
}

extension Diagnostic {
  /// A selector that matched nothing: a warning, like dbt's, with a hint when a name is close.
  public static func selectorMatchedNothing(_ text: String, candidates: [String]) -> Diagnostic {
    .warning(
      "select.nothing", "the selection `\(text)` matched no nodes",
      hint: Suggestions.didYouMean(text, in: candidates) ?? knownValues(text, candidates))
  }

  /// For `tag:x` or `path:x` with no close match, the values there are (a few), so the
  /// user is not left guessing.
  static func knownValues(_ text: String, _ candidates: [String]) -> String? {
    guard let colon = text.firstIndex(of: ":"), !text.contains(" ") else { return nil }
    let method = String(text[..<colon])
    let known = candidates.filter { $0.hasPrefix(method + ":") }
    guard !known.isEmpty else { return "no node in the project has a `\(method):` value" }
    let shown = known.prefix(8).map { "`\($0)`" }.joined(separator: ", ")
    return "the project has " + shown + (known.count > 8 ? ", ... (\(known.count) in all)" : "")
  }
}
