public import Diagnostics
public import Template

/// dbt renders a var's string value when `var()` reads it, in the reader's context:
/// dbt_project_evaluator's `insert_batch_size: "{{ 500 if target.type in [...] else 10000 }}"`.
public enum VarRendering {
  /// `value` rendered with `host` when it is a string holding Jinja; otherwise unchanged.
  public static func rendered(_ value: Value, name: String, host: any TemplateHost)
    throws(Diagnostic) -> Value
  {
    guard case .string(let text) = value, text.contains("{{") || text.contains("{%") else {
      return value
    }
    let file = SourceFile(path: "var `\(name)`", text: text)
    let template = try Parser.parse(file)
    return .string(try Evaluator(host: host, file: file).render(template))
  }
}
