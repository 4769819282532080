import Adapter
import Compiler
import Diagnostics
import Project

/// Turns a failed statement into a diagnostic pointing into the model's file.
///
/// The server reports a character position in the statement; swdbt subtracts the
/// materialization's wrapper, finds the line of compiled SQL, and looks for that line (or the
/// word at the position) in the model's source, since templating rarely changes the line an
/// error is on. When nothing matches, the diagnostic points into the compiled file instead.
enum ErrorLocator {
  static func diagnostic(
    for failure: StatementFailure, node: CompiledNode, source: SourceFile?, compiledPath: String
  ) -> Diagnostic {
    let error = failure.error
    var notes: [Diagnostic.Note] = []
    if let detail = error.detail { notes.append(.init("detail: " + detail)) }
    if let context = error.context, failure.modelOffset == nil {
      notes.append(.init("context: " + context))
    }
    notes.append(.init("while \(failure.action); compiled SQL in \(compiledPath)"))
    var message = failure.summary ?? error.message
    if let state = error.sqlState, failure.summary == nil { message += " (SQLSTATE \(state))" }
    let (range, wrapped) = locate(failure, node: node, source: source, compiledPath: compiledPath)
    var hint = error.hint
    if let wrapped {
      // The server stopped in the text swdbt wrote around the query (`create table ... as (`
      // ... `)`): the user's last line is where it went wrong.
      notes.insert(
        .init("swdbt wraps the model's query to build it; the error is just after its last line"),
        at: 0)
      if wrapped == UInt8(ascii: ",") { hint = hint ?? "remove the trailing comma" }
    }
    return Diagnostic(
      .error, code: "run.database", message, at: range,
      path: range == nil ? node.originalFilePath : nil, notes: notes, hint: hint)
  }

  /// Where the error is, and (when it is past the end of the model's SQL, in swdbt's wrapper)
  /// the model's last non-blank byte, which the error is reported at instead.
  private static func locate(
    _ failure: StatementFailure, node: CompiledNode, source: SourceFile?, compiledPath: String
  ) -> (SourceRange?, wrapped: UInt8?) {
    guard let offset = failure.offsetInModel, let sql = node.sql else { return (nil, nil) }
    let compiled = SourceFile(path: compiledPath, text: sql)
    var clamped = min(offset, compiled.bytes.count)
    var wrapped: UInt8?
    if compiled.bytes[clamped...].allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }),
      let last = compiled.bytes.lastIndex(where: { $0 != 32 && $0 != 10 && $0 != 13 && $0 != 9 })
    {
      clamped = last
      wrapped = compiled.bytes[last]
    }
    return (locate(at: clamped, in: compiled, source: source), wrapped)
  }

  private static func locate(at clamped: Int, in compiled: SourceFile, source: SourceFile?)
    -> SourceRange
  {
    let location = compiled.location(of: clamped)
    let lineStart = compiled.offset(line: location.line, column: 1)
    var lineEnd = lineStart
    while lineEnd < compiled.bytes.count, compiled.bytes[lineEnd] != UInt8(ascii: "\n") {
      lineEnd += 1
    }
    let word = ErrorLocator.word(in: compiled.bytes, at: clamped)
    if let source {
      let compiledLine = String(decoding: compiled.bytes[lineStart..<lineEnd], as: UTF8.self)
      let column = clamped - lineStart
      if let range = find(
        line: compiledLine, column: column, word: word, near: location.line, in: source)
      {
        return range
      }
    }
    return SourceRange(
      file: compiled, span: Span(start: clamped, end: clamped + max(word.count, 1)))
  }

  /// The identifier-like word that starts at an offset (the server points at its start).
  static func word(in bytes: [UInt8], at offset: Int) -> [UInt8] {
    var end = offset
    while end < bytes.count {
      let byte = bytes[end]
      let isWord =
        byte == UInt8(ascii: "_") || byte >= 0x80 || (byte | 0x20 >= 97 && byte | 0x20 <= 122)
        || (byte >= 48 && byte <= 57)
      if !isWord { break }
      end += 1
    }
    return Array(bytes[offset..<end])
  }

  private static func find(
    line: String, column: Int, word: [UInt8], near lineNumber: Int, in source: SourceFile
  ) -> SourceRange? {
    let lines = source.bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    var best: (distance: Int, start: Int)?
    var start = 0
    let lineBytes = Array(line.utf8)
    for (index, candidate) in lines.enumerated() {
      defer { start += candidate.count + 1 }
      let distance = abs(index + 1 - lineNumber)
      if Array(candidate) == lineBytes {
        let offset = start + column
        if best == nil || distance < (best?.distance ?? .max) { best = (distance, offset) }
        continue
      }
      guard !word.isEmpty, let position = firstIndex(of: word, in: Array(candidate)) else {
        continue
      }
      // A word match counts for less than a whole-line match.
      if best == nil || distance + 1000 < (best?.distance ?? .max) {
        best = (distance + 1000, start + position)
      }
    }
    guard let best else { return nil }
    return SourceRange(
      file: source, span: Span(start: best.start, end: best.start + max(word.count, 1)))
  }

  private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
    guard needle.count <= haystack.count else { return nil }
    for start in 0...(haystack.count - needle.count)
    where haystack[start..<(start + needle.count)].elementsEqual(needle) {
      // Only whole words.
      let before = start == 0 ? UInt8(ascii: " ") : haystack[start - 1]
      let after = start + needle.count < haystack.count ? haystack[start + needle.count] : 32
      func isWord(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || byte >= 0x80 || (byte | 0x20 >= 97 && byte | 0x20 <= 122)
          || (byte >= 48 && byte <= 57)
      }
      if !isWord(before), !isWord(after) { return start }
    }
    return nil
  }
}
