/// Quoting for PostgreSQL identifiers and literals.
public enum SQLQuoting {
  /// `"name"`, embedded quotes doubled.
  public static func identifier(_ name: String) -> String {
    "\"" + name.replacing("\"", with: "\"\"") + "\""
  }

  /// `'text'`, embedded quotes doubled (standard_conforming_strings is on since 9.1).
  public static func literal(_ text: String) -> String {
    "'" + text.replacing("'", with: "''") + "'"
  }

  /// `"schema"."name"`.
  public static func relation(_ schema: String, _ name: String) -> String {
    identifier(schema) + "." + identifier(name)
  }
}
