public import Diagnostics
public import Template

/// The project file's `query-comment`: what swdbt writes as `/* ... */` on each statement it
/// sends for a node, as dbt's query header.
public struct QueryCommentConfig: Sendable {
  /// Which comment the statements carry.
  public enum Comment: Sendable, Equatable {
    /// dbt's default: a JSON object naming the app, version, profile, target and node.
    case dbtDefault
    /// `query-comment: null` or `''`: no comment.
    case none
    /// A Jinja template, rendered per node (macros, `target`, `node`, `connection_name`).
    case template(String)
  }

  /// The comment.
  public var comment: Comment = .dbtDefault
  /// `append: true`: the comment goes after the statement instead of before it.
  public var append = false
  /// Where `query-comment` is, for errors about the comment.
  public var range: SourceRange? = nil

  /// dbt's default: the JSON header, prepended.
  public init() {}

  /// Reads `query-comment`: a string, null, or `{comment: ..., append: ..., job-label: ...}`.
  /// `job-label` is BigQuery's and has no meaning on PostgreSQL: a warning says so.
  static func parse(_ node: YAMLNode, range: SourceRange, sink: any DiagnosticSink)
    -> QueryCommentConfig
  {
    var config = QueryCommentConfig()
    config.range = range
    func comment(of value: Value) -> Comment {
      switch value {
      case .none: return .none
      case .string(let text): return text.isEmpty ? .none : .template(text)
      default: return .template(value.rendered)
      }
    }
    if node.isMapping {
      for (key, _, valueNode) in node.entries {
        let value = YAMLDocument.value(of: valueNode)
        switch key {
        case "comment": config.comment = comment(of: value)
        case "append": config.append = value.isTruthy
        case "job-label":
          // Not silently accepted: BigQuery labels its jobs with the comment; PostgreSQL has none.
          sink.emit(
            .warning(
              "project.unsupported-key",
              "`query-comment: job-label` has no effect on PostgreSQL (it labels BigQuery jobs)",
              at: range, hint: "remove `job-label`"))
        default:
          sink.emit(
            .warning(
              "project.unknown-key", "unknown `query-comment` key `\(key)` is ignored",
              at: range,
              hint: Suggestions.didYouMean(key, in: ["comment", "append", "job-label"])))
        }
      }
    } else {
      config.comment = comment(of: YAMLDocument.value(of: node))
    }
    return config
  }
}
