import Diagnostics
public import Template

/// dbt's built-in macros as swdbt writes them for PostgreSQL, parsed once per process.
///
/// Each public name (`dateadd`, `type_string`, ...) is a thin macro that resolves its
/// implementation through `adapter.dispatch(name, 'dbt')`, so a project's `postgres__dateadd`,
/// `default__dateadd` or `dispatch:` search order overrides it exactly as in dbt.
public enum BuiltinMacros {
  /// Every built-in macro by name: the dispatching entry points and their implementations.
  public static let table: [String: MacroDefinition] = {
    var table: [String: MacroDefinition] = [:]
    let file = SourceFile(path: "<swdbt>/dbt/cross_database.sql", text: source)
    // The source is swdbt's own and covered by tests; a parse failure would leave the table
    // empty and every call would report the macro as undefined rather than crash.
    if let template = try? Parser.parse(file) {
      for macro in template.macros { table[macro.name] = macro }
    }
    return table
  }()

  /// The names callable as `dbt.x(...)` and bare `x(...)`, for "did you mean" hints.
  public static var names: [String] { (entryPoints + adapterEntryPoints).map(\.name) }

  /// The names callable as `dbt.x(...)` and bare `x(...)`, with their parameters.
  static let entryPoints: [(name: String, parameters: String)] = [
    ("any_value", "expression"),
    ("array_append", "array, new_element"),
    ("array_concat", "array_1, array_2"),
    ("array_construct", "inputs=[], data_type=api.Column.translate_type('integer')"),
    ("bool_or", "expression"),
    ("cast", "field, type"),
    ("cast_bool_to_text", "field"),
    ("concat", "fields"),
    ("current_timestamp", ""),
    ("current_timestamp_backcompat", ""),
    ("current_timestamp_in_utc_backcompat", ""),
    ("date", "year, month, day"),
    ("date_spine", "datepart, start_date, end_date"),
    ("date_trunc", "datepart, date"),
    ("dateadd", "datepart, interval, from_date_or_timestamp"),
    ("datediff", "first_date, second_date, datepart"),
    ("equals", "expr1, expr2"),
    ("escape_single_quotes", "expression"),
    ("except", ""),
    ("generate_series", "upper_bound"),
    ("get_powers_of_two", "upper_bound"),
    ("hash", "field"),
    ("intersect", ""),
    ("last_day", "date, datepart"),
    ("length", "expression"),
    ("listagg", "measure, delimiter_text=\"','\", order_by_clause=none, limit_num=none"),
    ("position", "substring_text, string_text"),
    ("replace", "field, old_chars, new_chars"),
    ("right", "string_text, length_expression"),
    ("safe_cast", "field, type"),
    ("snapshot_get_time", ""),
    ("split_part", "string_text, delimiter_text, part_number"),
    ("string_literal", "value"),
    ("type_bigint", ""),
    ("type_boolean", ""),
    ("type_float", ""),
    ("type_int", ""),
    ("type_numeric", ""),
    ("type_string", ""),
    ("type_timestamp", ""),
  ]

  /// The entry points (generated: each dispatches to its implementation) and implementations.
  static var source: String {
    var text = ""
    for (name, parameters) in entryPoints + adapterEntryPoints {
      // Parameters are separated by ", " (a default such as "','" holds a bare comma).
      let arguments = parameters.split(separator: ", ").map { String($0.prefix { $0 != "=" }) }
      text +=
        "{%- macro \(name)(\(parameters)) -%}"
        + "{{ return(adapter.dispatch('\(name)', 'dbt')(\(arguments.joined(separator: ", ")))) }}"
        + "{%- endmacro -%}\n"
    }
    return text + implementations + sparkImplementations + adapterImplementations
  }
}
