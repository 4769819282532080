public import Diagnostics

/// One lexical unit of a template; its text is read back from the source through `span`.
public struct Token: Sendable, Equatable {
  /// What a token is.
  public enum Kind: Sendable, Equatable {
    /// Literal template text outside tags (already trimmed by whitespace control).
    case text
    /// `{{`
    case expressionOpen
    /// `}}`
    case expressionClose
    /// `{%`
    case statementOpen
    /// `%}`
    case statementClose
    /// An identifier or keyword.
    case name
    /// A quoted string literal; `span` includes the quotes.
    case string
    /// An integer literal.
    case integer
    /// A floating-point literal.
    case float
    /// An operator or punctuation mark.
    case symbol
    /// The end of the input.
    case end
  }

  /// What the token is.
  public var kind: Kind
  /// Where it is in the source.
  public var span: Span

  /// Creates a token.
  public init(_ kind: Kind, _ span: Span) {
    self.kind = kind
    self.span = span
  }
}
