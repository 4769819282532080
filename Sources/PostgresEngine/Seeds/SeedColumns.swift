import Adapter
import Diagnostics
import Execution
import OrderedCollections
import Project
import Template

/// A seed's columns as its table gets them: each name as `quote_columns` writes it, and each
/// type inferred unless `column_types` sets it.
///
/// dbt quotes seed columns unless `quote_columns: false`; then names go unquoted into
/// `create table` and `COPY`, so PostgreSQL folds them to lower case, and that is the name a
/// later model (and `column_types`) uses.
struct SeedColumns {
  /// Each column as written in `create table` and the `COPY` column list.
  var sql: [String]
  /// Each column's type.
  var types: [String]

  /// A problem with the header or with the seed's config, at a column of the header line.
  struct Problem: Error {
    /// The 1-based column of the header line it is about.
    var column: Int
    /// What is wrong.
    var message: String
    /// What to do about it.
    var hint: String?
  }

  /// Whether column names are quoted: dbt's `quote_columns`, true unless set to false.
  static func quotesNames(_ config: NodeConfig) -> Bool {
    if case .bool(let value)? = config["quote_columns"] { return value }
    return true
  }

  /// The field separator of a CSV seed: `delimiter`, else a comma.
  static func delimiter(_ config: NodeConfig) throws(Problem) -> UInt8 {
    guard let value = config["delimiter"] else { return UInt8(ascii: ",") }
    // Checked when the config was read; checked again rather than ignored.
    guard let text = value.stringValue, let byte = text.utf8.first, text.utf8.count == 1,
      ConfigSchema.isSeedDelimiter(byte)
    else {
      throw Problem(column: 1, message: ConfigSchema.delimiterMessage, hint: nil)
    }
    return byte
  }

  /// Resolves names and types; `columns` holds where each name starts in the header line (1 for
  /// every name of a JSON seed).
  init(header: [String], columns: [Int], inferred: [String], config: NodeConfig)
    throws(Problem)
  {
    let quoted = SeedColumns.quotesNames(config)
    let names: [String]
    if quoted {
      names = header
      sql = header.map(SQLQuoting.identifier)
    } else {
      names = try SeedColumns.foldedNames(header, columns: columns)
      sql = names
    }
    types = inferred
    guard case .dict(let overrides)? = config["column_types"] else { return }
    var setBy = [String?](repeating: nil, count: header.count)
    for (key, type) in overrides {
      let position = try SeedColumns.column(named: key, in: header, databaseNames: names)
      if let other = setBy[position] {
        throw Problem(
          column: columns[position],
          message: "`column_types` sets column `\(header[position])` twice, as `\(other)` and "
            + "as `\(key)`",
          hint: "keep one of the two keys")
      }
      guard let text = type.stringValue, !text.isEmpty else {
        throw Problem(
          column: columns[position],
          message: "`column_types` gives `\(key)` no type name", hint: "write a type, e.g. `text`")
      }
      setBy[position] = key
      types[position] = text
    }
  }

  /// The column a `column_types` key sets. dbt looks a key up in the header exactly (and
  /// ignores a key it does not find, with a warning); a key in another case is also taken when
  /// it names one column only, since with `quote_columns: false` it is the name the database
  /// shows. A key that names no column is an error: ignoring it would load another type.
  private static func column(named key: String, in header: [String], databaseNames: [String])
    throws(Problem) -> Int
  {
    if let exact = header.firstIndex(of: key) ?? databaseNames.firstIndex(of: key) {
      return exact
    }
    let folded = key.lowercased()
    let matches = header.indices.filter { header[$0].lowercased() == folded }
    if matches.count == 1 { return matches[0] }
    if matches.count > 1 {
      throw Problem(
        column: 1,
        message: "`column_types` key `\(key)` matches the columns "
          + matches.map { "`\(header[$0])`" }.joined(separator: " and ") + " but for case",
        hint: "write the key exactly as the header spells the column")
    }
    throw Problem(
      column: 1, message: "`column_types` names `\(key)`, which the seed does not have",
      hint: Suggestions.didYouMean(key, in: header))
  }

  /// Header names as PostgreSQL reads them unquoted: ASCII letters to lower case. A name that
  /// is not a plain identifier would be a syntax error (or a different name), and two names
  /// that fold alike would clash, so both are located errors.
  private static func foldedNames(_ header: [String], columns: [Int]) throws(Problem)
    -> [String]
  {
    var seen: [String: Int] = [:]
    var names: [String] = []
    for (index, name) in header.enumerated() {
      guard isPlainIdentifier(name) else {
        throw Problem(
          column: columns[index],
          message: "column `\(name)` is not a plain identifier, which `quote_columns: false` "
            + "needs",
          hint: "rename the column (letters, digits and `_`), or set `quote_columns: true`")
      }
      let folded = String(
        decoding: name.utf8.map { $0 &- 65 < 26 ? $0 + 32 : $0 }, as: UTF8.self)
      if let first = seen[folded] {
        throw Problem(
          column: columns[index],
          message: "columns `\(header[first])` and `\(name)` are both `\(folded)` once "
            + "PostgreSQL folds them to lower case",
          hint: "rename one of them, or set `quote_columns: true`")
      }
      seen[folded] = index
      names.append(folded)
    }
    return names
  }

  /// Whether PostgreSQL reads the name as one identifier unquoted: a letter, `_` or a
  /// non-ASCII character first, then those, digits and `$`.
  private static func isPlainIdentifier(_ name: String) -> Bool {
    var first = true
    for byte in name.utf8 {
      let letter = (byte | 0x20) &- 97 < 26 || byte == UInt8(ascii: "_") || byte >= 0x80
      let other = byte &- 48 < 10 || byte == UInt8(ascii: "$")
      guard letter || (!first && other) else { return false }
      first = false
    }
    return !first
  }
}
