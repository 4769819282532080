import Synchronization

/// The immutable text of one input file, addressed by UTF-8 offsets.
///
/// The line table is built lazily on first use, so the hot path (lexing thousands of models)
/// never builds one it does not need, and YAML files, whose marks are line/column, build it once.
public final class SourceFile: Sendable {
  /// The path shown to the user, relative to the project root where possible.
  public let path: String
  /// The file's bytes, UTF-8 (invalid sequences are kept as they are).
  public let bytes: [UInt8]
  private let lineTable = Mutex<[Int]?>(nil)

  /// Creates a source file from its display path and text.
  public init(path: String, text: String) {
    self.path = path
    self.bytes = Array(text.utf8)
  }

  /// Creates a source file from its display path and raw bytes.
  public init(path: String, bytes: [UInt8]) {
    self.path = path
    self.bytes = bytes
  }

  /// The whole text, decoded as UTF-8 with replacement of invalid sequences.
  public var text: String { String(decoding: bytes, as: UTF8.self) }

  /// The text between two UTF-8 offsets (clamped to the file).
  public func text(_ span: Span) -> String {
    let lower = min(max(0, span.start), bytes.count)
    let upper = min(max(lower, span.end), bytes.count)
    return String(decoding: bytes[lower..<upper], as: UTF8.self)
  }

  /// The offsets at which lines start (the first is 0).
  private var lineStarts: [Int] {
    lineTable.withLock { table in
      if let table { return table }
      var starts = [0]
      for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
        starts.append(index + 1)
      }
      table = starts
      return starts
    }
  }

  /// The 1-based line and UTF-8 column of an offset, and the span of that line without its newline.
  public func location(of offset: Int) -> SourceLocation {
    let offset = min(max(0, offset), bytes.count)
    let starts = lineStarts
    // The last line start at or before `offset`.
    var low = 0
    var high = starts.count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if starts[middle] <= offset { low = middle } else { high = middle - 1 }
    }
    let lineStart = starts[low]
    var lineEnd = low + 1 < starts.count ? starts[low + 1] - 1 : bytes.count
    if lineEnd > lineStart, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
    return SourceLocation(
      line: low + 1, column: offset - lineStart + 1,
      lineSpan: Span(start: lineStart, end: max(lineStart, lineEnd)))
  }

  /// The UTF-8 offset of a 1-based line and column (as YAML parsers report them), clamped to the file.
  public func offset(line: Int, column: Int) -> Int {
    let starts = lineStarts
    guard line >= 1 else { return 0 }
    guard line <= starts.count else { return bytes.count }
    return min(starts[line - 1] + max(0, column - 1), bytes.count)
  }
}

/// A half-open range of UTF-8 offsets inside one file.
public struct Span: Sendable, Hashable, Codable {
  /// The first byte of the range.
  public var start: Int
  /// One past the last byte of the range.
  public var end: Int

  /// Creates a span; `end` is raised to `start` when smaller.
  public init(start: Int, end: Int) {
    self.start = start
    self.end = max(start, end)
  }

  /// A span that covers both spans.
  public func union(_ other: Span) -> Span {
    Span(start: min(start, other.start), end: max(end, other.end))
  }
}

/// A 1-based line and UTF-8 column, with the line's own span for printing it.
public struct SourceLocation: Sendable, Hashable {
  /// The 1-based line number.
  public var line: Int
  /// The 1-based column, counted in UTF-8 bytes like swiftc and clang.
  public var column: Int
  /// The span of the whole line, without its line break.
  public var lineSpan: Span
}

/// A span together with the file it belongs to.
public struct SourceRange: Sendable {
  /// The file the span points into.
  public let file: SourceFile
  /// The offsets inside `file`.
  public let span: Span

  /// Creates a source range.
  public init(file: SourceFile, span: Span) {
    self.file = file
    self.span = span
  }

  /// Where the range starts, as line and column.
  public var start: SourceLocation { file.location(of: span.start) }
}
