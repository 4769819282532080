/// SQL text as swdbt embeds it in its own statements.
package enum StatementText {
  /// `sql` without its trailing `;` and blanks: a model's or a test's SQL goes inside
  /// `create ... as (...)` or a subquery, where a terminator is a syntax error.
  package static func withoutTerminator(_ sql: String) -> String {
    var body = sql
    while body.last == ";" || body.last?.isWhitespace == true { body.removeLast() }
    return body
  }
}
