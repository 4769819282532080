import Adapter
public import Diagnostics
import Template

/// The one rule for secrets in targets: a password is read from the environment through
/// `{{ env_var('NAME') }}` with no default, as the whole value of `password`, of a URL's
/// password (user-info or `password=` parameter) or of a `password=` keyword in `dbname`.
enum TargetPasswords {
  /// Settings that can carry a password, and how libpq reads them.
  static let passwordKeys: Set<String> = ["password", "pass"]
  static let connectionStringKeys: Set<String> = ["url", "dbname", "database"]

  /// Why a setting's password breaks the rule, or nil when it holds none or follows it.
  static func refusal(key: String, value: Value) -> String? {
    if passwordKeys.contains(key) {
      if case .none = value { return nil }
      guard case .string(let text) = value else { return "literal" }
      return check(text, wholeValue: true)
    }
    guard connectionStringKeys.contains(key), case .string(let text) = value else { return nil }
    return check(text, wholeValue: false)
  }

  /// Checks the password parts of a setting's template text. Each `{{ }}`, `{% %}` or `{# #}`
  /// tag stands in as one opaque word while libpq's syntax is read, so a tag is never split.
  private static func check(_ text: String, wholeValue: Bool) -> String? {
    var tags: [String] = []
    var skeleton = ""
    var rest = Substring(text)
    while let open = rest.firstRange(of: /\{[{%#]/) {
      let closer = rest[open].last == "{" ? "}}" : rest[open].last == "%" ? "%}" : "#}"
      guard let close = rest[open.upperBound...].firstRange(of: closer) else { break }
      skeleton += rest[..<open.lowerBound] + "\u{E000}\(tags.count)\u{E001}"
      tags.append(String(rest[open.lowerBound..<close.upperBound]))
      rest = rest[close.upperBound...]
    }
    skeleton += rest
    let values: [String]
    if wholeValue {
      values = [skeleton.trimmingWhitespace()]
    } else {
      let bytes = Array(skeleton.utf8)
      values = ConnectionSecrets.passwordRanges(inValue: skeleton).map {
        String(decoding: bytes[$0], as: UTF8.self)
      }
    }
    for value in values where !value.isEmpty {
      guard let match = value.wholeMatch(of: /\u{E000}(\d+)\u{E001}/), let index = Int(match.1),
        index < tags.count
      else {
        return value.contains("\u{E000}") ? "more than" : "literal"
      }
      let tag = tags[index]
      if tag.wholeMatch(of: /\{\{-?\s*env_var\s*\(\s*('[^']*'|"[^"]*")\s*\)\s*-?\}\}/) == nil {
        return tag.contains(/env_var\s*\(/) && tag.contains(",") ? "default" : "more than"
      }
    }
    return nil
  }

  /// The located error for a refused password; it never shows the source line (the secret).
  static func diagnostic(target: String, key: String, why: String, at range: SourceRange?)
    -> Diagnostic
  {
    let message =
      switch why {
      case "default":
        "target `\(target)` gives `env_var` a default in the password of `\(key)`: "
          + "the default is a literal password"
      case "more than":
        "target `\(target)` builds the password of `\(key)` from more than `env_var('NAME')`: "
          + "the rest is a literal password"
      default:
        "target `\(target)` has a literal password in `\(key)`: "
          + "passwords are only read from the environment"
      }
    var diagnostic = Diagnostic.error(
      "project.literal-password", message, at: range,
      hint:
        "make `{{ env_var('SWDBT_PASSWORD') }}` the whole password, or leave it out and set "
        + "PGPASSWORD or ~/.pgpass")
    diagnostic.showsExcerpt = false
    return diagnostic
  }
}
