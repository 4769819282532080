public import Adapter
public import Compiler
public import Diagnostics
import Foundation
import OrderedCollections
public import Project
public import Runtime
import Template

/// The `/* ... */` comment each statement of a node carries (dbt's query header), rendered
/// once per node before the run, so a comment that cannot be used stops the command before
/// any node starts.
public struct QueryComments: Sendable {
  /// The comment of each node to run, by compilation index; a node without one has none.
  public let byNode: [Int: String]
  /// Whether comments go after the statement.
  public let append: Bool

  /// Renders the comments of the nodes `indices` as the project's `query-comment` says.
  package init(
    _ compilation: Compilation, indices: [Int], invocation: InvocationContext,
    engine: any IntrospectorMaking
  ) throws(Diagnostic) {
    let project = compilation.project
    let config = project.projectFile.queryComment
    append = config.append
    var comments: [Int: String] = [:]
    switch config.comment {
    case .none:
      break
    case .dbtDefault:
      // dbt's default header, written directly: no template to render for every node.
      let profile = project.projectFile.profile ?? project.name
      let prefix =
        "{\"app\": \"dbt\", \"dbt_version\": \(Value.string(InvocationContext.dbtVersion).jsonText), "
        + "\"profile_name\": \(Value.string(profile).jsonText), "
        + "\"target_name\": \(Value.string(project.target.name).jsonText), \"node_id\": "
      for index in indices {
        comments[index] = prefix + Value.string(compilation.nodes[index].uniqueID).jsonText + "}"
      }
    case .template(let text):
      let renderer = try CommentRenderer(
        text, project: project, range: config.range,
        context: HookContext(compilation: compilation, invocation: invocation, engine: engine))
      for index in indices {
        let node = compilation.nodes[index]
        let comment = try renderer.render(
          connectionName: node.uniqueID, node: QueryComments.nodeValue(node))
        if !comment.isEmpty { comments[index] = comment }
      }
    }
    byNode = comments
  }

  /// `node` as the comment's template sees it: dbt's fields a header reads.
  static func nodeValue(_ node: CompiledNode) -> Value {
    .dict([
      "name": .string(node.name), "unique_id": .string(node.uniqueID),
      "resource_type": .string(node.resourceType.rawValue),
      "fqn": .list(node.fqn.map { .string($0) }),
      "package_name": .string(node.fqn.first ?? ""),
      "original_file_path": .string(node.originalFilePath),
      "tags": .list(node.config.tags.map { .string($0) }),
      "config": .dict(node.config.values),
    ])
  }

  /// The statement with the comment before it (or after it, before a final `;`, with
  /// `append`), as dbt adds it.
  public static func add(_ comment: String, to sql: String, append: Bool) -> String {
    guard append else { return "/* \(comment) */\n" + sql }
    var body = Substring(sql)
    while let last = body.last, last.isWhitespace { body.removeLast() }
    if body.last == ";" { return "\(body.dropLast())\n/* \(comment) */;" }
    return "\(body)\n/* \(comment) */"
  }
}

/// Renders a `query-comment` template as dbt does: the text is the body of a macro taking
/// `connection_name` and `node`, with the project's macros, `target` and `var` in scope.
struct CommentRenderer {
  let macro: MacroDefinition
  let project: LoadedProject
  /// The context the comment's template renders in.
  let context: HookContext
  let range: SourceRange?

  init(_ text: String, project: LoadedProject, range: SourceRange?, context: HookContext)
    throws(Diagnostic)
  {
    let file = SourceFile(
      path: project.projectFile.file.path,
      text: "{%- macro query_comment_macro(connection_name, node) -%}\n" + text
        + "\n{% endmacro %}")
    let parsed: Template
    do throws(Diagnostic) {
      parsed = try Parser.parse(file)
    } catch {
      throw CommentRenderer.located(error, range: range)
    }
    guard let macro = parsed.macros.first else {
      throw .error("project.query-comment", "`query-comment` defines no comment", at: range)
    }
    self.macro = macro
    self.project = project
    self.range = range
    self.context = context
  }

  /// The comment for one node, stripped; an error if it would end the SQL comment early.
  func render(connectionName: String, node: Value) throws(Diagnostic) -> String {
    // What hooks see (`target`, the project's and packages' macros, the runtime globals).
    let host = HookHost(this: nil, context: context, what: "query-comment")
    host.lenient = false
    let evaluator = Evaluator(host: host, file: macro.file)
    let value: Value
    do throws(Diagnostic) {
      value = try evaluator.call(
        macro,
        Arguments(
          positional: [.string(connectionName), node], keyword: [],
          range: SourceRange(file: macro.file, span: macro.span)))
    } catch {
      throw CommentRenderer.located(error, range: range)
    }
    let comment = (value.stringValue ?? value.rendered).trimmingCharacters(
      in: .whitespacesAndNewlines)
    if comment.contains("*/") {
      throw .error(
        "project.query-comment",
        "`query-comment` renders to text containing `*/` (for `\(connectionName)`): \(comment)",
        at: range,
        hint: "`*/` would end the SQL comment early; remove it from the comment")
    }
    return comment
  }

  /// A problem of the comment's template, reported at the `query-comment` key.
  static func located(_ error: Diagnostic, range: SourceRange?) -> Diagnostic {
    .error(
      "project.query-comment", "cannot render `query-comment`: \(error.message)", at: range,
      hint: error.hint)
  }
}

/// A node's connection: adds the node's query comment to each statement and hands each
/// statement to the debug log; the server's error positions are moved back onto the
/// statement as swdbt wrote it.
final class CommentingConnection: DatabaseConnection {
  private let base: any DatabaseConnection
  private let comment: String?
  private let append: Bool
  private let log: (@Sendable (String) -> Void)?

  init(
    _ base: any DatabaseConnection, comment: String?, append: Bool,
    log: (@Sendable (String) -> Void)?
  ) {
    self.base = base
    self.comment = comment
    self.append = append
    self.log = log
  }

  private func commented(_ sql: String) -> (text: String, shift: Int) {
    guard let comment else { return (sql, 0) }
    let text = QueryComments.add(comment, to: sql, append: append)
    return (text, append ? 0 : text.count - sql.count)
  }

  func execute(_ sql: String) throws(DatabaseError) -> QueryResult {
    let (text, shift) = commented(sql)
    log?(text)
    do {
      return try base.execute(text)
    } catch {
      throw CommentingConnection.shifted(error, by: shift)
    }
  }

  func copyIn(
    _ sql: String,
    produce: (_ send: (UnsafeRawBufferPointer) throws(DatabaseError) -> Void) throws(DatabaseError)
      -> Void
  ) throws(DatabaseError) -> Int {
    let (text, shift) = commented(sql)
    log?(text)
    do {
      return try base.copyIn(text, produce: produce)
    } catch {
      throw CommentingConnection.shifted(error, by: shift)
    }
  }

  /// An error whose position counts from the start of the comment, counted from the
  /// statement's start again.
  static func shifted(_ error: DatabaseError, by shift: Int) -> DatabaseError {
    guard shift > 0, let position = error.position else { return error }
    var moved = error
    moved.position = position > shift ? position - shift : nil
    return moved
  }

  func makeCanceller() -> any StatementCanceller { base.makeCanceller() }
  var serverVersion: String { base.serverVersion }
  var backendPID: Int32? { base.backendPID }
  var databaseName: String? { base.databaseName }
  func close() { base.close() }
}
