public import Diagnostics

extension Diagnostic {
  /// Why a NUL is refused, said by every diagnostic about one.
  static let nulHint =
    "libpq sends SQL as a C string: everything after a NUL would be silently dropped"

  /// The error for a file's first NUL byte, or nil when it has none: a NUL in a template or
  /// YAML would cut the statement it ends up in.
  package static func nulByte(in file: SourceFile) -> Diagnostic? {
    guard let offset = file.bytes.firstIndex(of: 0) else { return nil }
    return .error(
      "project.nul-byte", "file contains a NUL byte (U+0000)",
      at: SourceRange(file: file, span: Span(start: offset, end: offset + 1)), hint: nulHint)
  }

  /// The error for a YAML scalar that decodes to a NUL (an escape such as `\0` or `\u0000`).
  static func nulInYAML(at range: SourceRange) -> Diagnostic {
    .error(
      "yaml.nul", "YAML value contains a NUL character (U+0000)", at: range, hint: nulHint)
  }
}
