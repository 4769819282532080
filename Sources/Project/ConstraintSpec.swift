public import Diagnostics
import Template

/// A constraint declared in YAML on a column (`constraints:` under a column) or on a model
/// (`constraints:` beside `columns:`), as dbt declares them.
public struct ConstraintSpec: Sendable {
  /// The kinds dbt knows; PostgreSQL enforces all of them.
  public enum Kind: String, Sendable, CaseIterable {
    case notNull = "not_null"
    case unique
    case primaryKey = "primary_key"
    case foreignKey = "foreign_key"
    case check
    case custom
  }

  /// What the constraint requires.
  public var kind: Kind
  /// Its name (`constraint <name>`), if given.
  public var name: String?
  /// The check's expression, a foreign key's `table (columns)`, or a custom constraint's text.
  public var expression: String?
  /// Model-level: the columns it covers.
  public var columns: [String]
  /// A foreign key's referenced relation as written (`ref('customers')`).
  public var to: String?
  /// A foreign key's referenced columns.
  public var toColumns: [String]
  /// Where the constraint is declared.
  public var range: SourceRange?

  /// Creates a constraint.
  public init(
    kind: Kind, name: String? = nil, expression: String? = nil, columns: [String] = [],
    to: String? = nil, toColumns: [String] = [], range: SourceRange? = nil
  ) {
    self.kind = kind
    self.name = name
    self.expression = expression
    self.columns = columns
    self.to = to
    self.toColumns = toColumns
    self.range = range
  }

  /// The model a foreign key's `to: ref('name')` names, if it is a ref.
  public var referencedModel: String? {
    guard let to else { return nil }
    let text = to.trimmingWhitespace()
    guard text.hasPrefix("ref("), text.hasSuffix(")") else { return nil }
    let arguments = text.dropFirst(4).dropLast().split(separator: ",")
    // `ref('package', 'model')`: the model is the last argument.
    guard let last = arguments.last else { return nil }
    let name = String(last).trimmingWhitespace()
    guard name.count >= 2, let quote = name.first, quote == "'" || quote == "\"",
      name.last == quote
    else { return nil }
    return String(name.dropFirst().dropLast())
  }
}

/// Reads `constraints:` lists of model YAML, reporting malformed entries where they are.
enum ConstraintReader {
  static let keys: Set<String> = [
    "type", "name", "expression", "columns", "to", "to_columns", "warn_unenforced",
    "warn_unsupported",
  ]

  /// Constraints apply only under an enforced contract (as in dbt); without one anywhere
  /// (project file, YAML, or `contract` in the model's SQL) they would be ignored, so say so.
  static func warnIfUnenforced(_ model: ModelNode, sink: any DiagnosticSink) {
    guard let patch = model.patch, model.config["contract"] == nil else { return }
    guard
      let first = patch.constraints.first
        ?? patch.columns.lazy.compactMap(\.constraints.first).first
    else { return }
    if model.file.bytes.count >= 8,
      String(decoding: model.file.bytes, as: UTF8.self).contains("contract")
    {
      return
    }
    sink.emit(
      .warning(
        "schema.unenforced-constraints",
        "the constraints of `\(model.name)` are applied only when its contract is enforced",
        at: first.range, hint: "add `config: {contract: {enforced: true}}` to the model"))
  }

  /// The constraints of a `constraints:` list; `modelLevel` entries may name `columns`.
  static func read(
    _ node: YAMLNode?, modelLevel: Bool, document: YAMLDocument, sink: any DiagnosticSink
  ) -> [ConstraintSpec] {
    guard let node else { return [] }
    let items: [YAMLNode]
    switch node.content {
    case .sequence(let list): items = list
    case .scalar(let text, _) where text.isEmpty: items = []
    default:
      sink.emit(
        .error(
          "schema.invalid-constraint", "`constraints` must be a list of constraints",
          at: document.range(of: node), hint: "write `constraints: [{type: not_null}]`"))
      return []
    }
    return items.compactMap { read(entry: $0, modelLevel: modelLevel, document, sink) }
  }

  private static func read(
    entry: YAMLNode, modelLevel: Bool, _ document: YAMLDocument, _ sink: any DiagnosticSink
  ) -> ConstraintSpec? {
    let range = document.range(of: entry)
    guard entry.isMapping else {
      sink.emit(
        .error(
          "schema.invalid-constraint", "a constraint must be a mapping with a `type`", at: range,
          hint: "write `- type: not_null`"))
      return nil
    }
    for (key, keyNode, _) in entry.entries where !keys.contains(key) {
      sink.emit(
        .error(
          "schema.invalid-constraint", "unknown constraint property `\(key)`",
          at: document.range(of: keyNode), hint: Suggestions.didYouMean(key, in: keys)))
    }
    let typeNode = entry[key: "type"]
    let typeName = typeNode?.string ?? ""
    guard let kind = ConstraintSpec.Kind(rawValue: typeName.lowercased()) else {
      let names = ConstraintSpec.Kind.allCases.map(\.rawValue)
      sink.emit(
        .error(
          "schema.invalid-constraint",
          typeNode == nil ? "a constraint needs a `type`" : "unknown constraint type `\(typeName)`",
          at: typeNode.map { document.range(of: $0) } ?? range,
          hint: Suggestions.didYouMean(typeName, in: names)
            ?? "expected one of \(names.map { "`\($0)`" }.joined(separator: ", "))"))
      return nil
    }
    func strings(_ key: String) -> [String] {
      guard let node = entry[key: key] else { return [] }
      if let text = node.string { return [text] }
      return node.items.compactMap(\.string)
    }
    let spec = ConstraintSpec(
      kind: kind, name: entry[key: "name"]?.string, expression: entry[key: "expression"]?.string,
      columns: strings("columns"), to: entry[key: "to"]?.string, toColumns: strings("to_columns"),
      range: range)
    if let problem = problem(of: spec, modelLevel: modelLevel) {
      sink.emit(.error("schema.invalid-constraint", problem.message, at: range, hint: problem.hint))
      return nil
    }
    return spec
  }

  /// What makes a constraint unusable, if anything.
  private static func problem(of spec: ConstraintSpec, modelLevel: Bool) -> (
    message: String, hint: String
  )? {
    let expression = spec.expression?.trimmingWhitespace() ?? ""
    let kind = spec.kind
    if (kind == .check || kind == .custom) && expression.isEmpty {
      return (
        "a `\(kind.rawValue)` constraint needs an `expression`",
        "write `expression: \"amount >= 0\"`"
      )
    }
    if kind == .foreignKey {
      if expression.isEmpty && spec.to == nil {
        return (
          "a `foreign_key` constraint needs `to` (with `to_columns`) or an `expression`",
          "write `to: ref('customers')` and `to_columns: [id]`"
        )
      }
      if spec.to != nil && spec.referencedModel == nil {
        return (
          "`to` of a `foreign_key` constraint must be `ref('model')`",
          "write `to: ref('customers')`"
        )
      }
      if spec.to != nil && spec.toColumns.isEmpty {
        return (
          "a `foreign_key` constraint with `to` needs `to_columns`", "write `to_columns: [id]`"
        )
      }
    }
    if modelLevel && spec.columns.isEmpty && kind != .check && kind != .custom {
      return (
        "a model-level `\(kind.rawValue)` constraint needs `columns`",
        "write `columns: [id]`, or declare it under the column"
      )
    }
    return nil
  }
}

extension ModelPatch {
  /// The models its foreign keys reference with `to: ref(...)`: they are built first, as in dbt.
  public var foreignKeyModels: [String] {
    guard !constraints.isEmpty || columns.contains(where: { !$0.constraints.isEmpty }) else {
      return []
    }
    return (constraints + columns.flatMap(\.constraints)).compactMap(\.referencedModel)
  }
}
