/// One message about the user's input: an error, a warning or a note, with where it happened.
///
/// Every stage reports through this one type; the CLI renders it once. Messages are lower case,
/// with no final period and names in backticks; `hint` holds advice such as "did you mean `x`?".
public struct Diagnostic: Sendable, Error {
  /// How serious a diagnostic is.
  public enum Severity: String, Sendable, Codable, Comparable {
    case note, warning, error

    private var rank: Int {
      switch self {
      case .note: 0
      case .warning: 1
      case .error: 2
      }
    }

    /// Orders notes before warnings before errors.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
  }

  /// A secondary message, optionally located (a macro call site, a cycle member).
  public struct Note: Sendable {
    /// Where the note points, if anywhere.
    public var range: SourceRange?
    /// The note's text.
    public var message: String

    /// Creates a note.
    public init(_ message: String, at range: SourceRange? = nil) {
      self.range = range
      self.message = message
    }
  }

  /// How serious the problem is.
  public var severity: Severity
  /// A stable short code per stage, such as `template.syntax` or `compile.unknown-ref`.
  public var code: String
  /// The main message.
  public var message: String
  /// Where the problem is, when it has a place in a file.
  public var range: SourceRange?
  /// A file named without a span (a file that could not be read), used when `range` is nil.
  public var path: String?
  /// Extra context, such as a macro call chain.
  public var notes: [Note]
  /// Advice for fixing the problem.
  public var hint: String?
  /// Whether the renderer may print the source line; false when the line holds a secret.
  public var showsExcerpt = true

  /// Creates a diagnostic.
  public init(
    _ severity: Severity, code: String, _ message: String, at range: SourceRange? = nil,
    path: String? = nil, notes: [Note] = [], hint: String? = nil
  ) {
    self.severity = severity
    self.code = code
    self.message = message
    self.range = range
    self.path = path
    self.notes = notes
    self.hint = hint
  }

  /// Creates an error diagnostic.
  public static func error(
    _ code: String, _ message: String, at range: SourceRange? = nil, path: String? = nil,
    notes: [Note] = [], hint: String? = nil
  ) -> Diagnostic {
    Diagnostic(.error, code: code, message, at: range, path: path, notes: notes, hint: hint)
  }

  /// Creates a warning diagnostic.
  public static func warning(
    _ code: String, _ message: String, at range: SourceRange? = nil, path: String? = nil,
    notes: [Note] = [], hint: String? = nil
  ) -> Diagnostic {
    Diagnostic(.warning, code: code, message, at: range, path: path, notes: notes, hint: hint)
  }

  /// The file this diagnostic is about, if any.
  public var filePath: String? { range?.file.path ?? path }
}
