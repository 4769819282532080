import Diagnostics
import Execution

/// A CSV file checked in one pass: header, column types, where each record starts, and the
/// first malformed spot. The bytes themselves go to `COPY ... (FORMAT csv)` unchanged, so
/// PostgreSQL does the unquoting; swdbt only validates and infers.
struct CSVScan {
  /// Header names in order.
  var header: [String]
  /// The 1-based column (UTF-8 bytes) where each header name starts, for located errors.
  var headerColumns: [Int] = []
  /// The inferred type of each column.
  var inference: [ColumnInference]
  /// Number of data records.
  var recordCount: Int
  /// Byte ranges to send (the file minus its BOM and blank lines).
  var chunks: [Range<Int>]
  /// 1-based file lines that were left out as blank, sorted: maps COPY's line numbers back.
  var skippedLines: [Int]
  /// Offsets of unquoted `\.` fields that make up a whole line, sorted: PostgreSQL reads such
  /// a line as the end of the data even in CSV format, so they are sent quoted.
  var endMarkers: [Int] = []

  /// A malformed spot: where and why.
  struct Problem: Error, Sendable {
    var line: Int
    var column: Int
    var message: String
    /// What to do about it, when there is a clear answer.
    var hint: String? = nil
  }

  /// PostgreSQL's limit on a table's columns (`MaxHeapAttributeNumber`).
  static let maxColumns = 1600
  /// PostgreSQL's limit on an identifier's bytes (`NAMEDATALEN - 1`); longer names are cut.
  static let maxNameBytes = 63

  /// The problem with a column name PostgreSQL would cut, or nil.
  static func nameProblem(_ name: String) -> (message: String, hint: String)? {
    let bytes = name.utf8.count
    guard bytes > maxNameBytes else { return nil }
    return (
      "column name `\(name)` is \(bytes) bytes, over PostgreSQL's limit of \(maxNameBytes)",
      "PostgreSQL would cut it to \(maxNameBytes) bytes; use a shorter name"
    )
  }

  /// The error for a NUL byte, which COPY would reject without a column.
  static let nulMessage = "a NUL byte, which PostgreSQL text cannot hold"
  /// The hint for a NUL byte.
  static let nulHint = "remove the byte, or load the data some other way than as text"
  /// The error for a malformed UTF-8 sequence.
  static let utf8Message = "invalid UTF-8"
  /// The hint for a malformed UTF-8 sequence.
  static let utf8Hint = "seeds are read as UTF-8; convert the file (e.g. `iconv -t UTF-8`)"

  /// Scans the whole file with the field separator `delimiter` (one byte, never a quote or a
  /// line ending); throws at the first malformed record. Large files are scanned in
  /// parallel parts split at record boundaries (found by quote parity: `""` counts twice, so
  /// an even number of quotes before a newline means it ends a record).
  static func scan(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) throws(Problem)
    -> CSVScan
  {
    var outcome: Result<CSVScan, Problem> = .failure(Problem(line: 1, column: 1, message: ""))
    bytes.withUnsafeBufferPointer { buffer in
      outcome = Result { () throws(Problem) -> CSVScan in try scan(buffer, delimiter: delimiter) }
    }
    return try outcome.get()
  }

  /// The result of scanning a part of the file; lines are relative to the part.
  private struct Part: Sendable {
    var header: [String]
    var headerColumns: [Int]
    var inference: [ColumnInference]
    var recordCount: Int
    var chunks: [Range<Int>]
    var skippedLines: [Int]
    var endMarkers: [Int]
    /// Lines the part spans.
    var lineCount: Int
    /// Where scanning stopped.
    var end: Int
  }

  private static let parallelThreshold = 8 << 20

  private static func scan(_ data: UnsafeBufferPointer<UInt8>, delimiter: UInt8) throws(Problem)
    -> CSVScan
  {
    let head = try scanPart(data, start: 0, end: data.count, header: nil, delimiter: delimiter)
    guard !head.header.isEmpty else {
      throw Problem(line: 1, column: 1, message: "the file has no header row")
    }
    if head.header.count == 1 {
      let lineStart =
        data.count >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF ? 3 : 0
      // A quoted name is one column on purpose.
      if data[lineStart + head.headerColumns[0] - 1] != UInt8(ascii: "\"") {
        try checkSeparator(of: head.header[0], at: head.headerColumns[0], delimiter: delimiter)
      }
    }
    var starts = [head.end]
    let partCount = data.count - head.end < parallelThreshold ? 1 : 2
    for part in 1..<partCount {
      let nominal = head.end + (data.count - head.end) * part / partCount
      starts.append(recordStart(in: data, from: starts[starts.count - 1], near: nominal))
    }
    let bounds = starts.indices.map { index in
      (starts[index], index + 1 < starts.count ? starts[index + 1] : data.count)
    }
    let buffer = SendableBuffer(data)
    let header = head.header
    let results: [Result<Part, Problem>] = bounds.concurrentMap { bound in
      Result { () throws(Problem) -> Part in
        try scanPart(
          buffer.pointer, start: bound.0, end: bound.1, header: header, delimiter: delimiter)
      }
    }
    var scan = CSVScan(
      header: header, headerColumns: head.headerColumns, inference: head.inference, recordCount: 0,
      chunks: head.chunks,
      skippedLines: head.skippedLines, endMarkers: head.endMarkers)
    var lineOffset = head.lineCount
    for result in results {
      switch result {
      case .failure(var problem):
        problem.line += lineOffset
        throw problem
      case .success(let part):
        for (index, column) in part.inference.enumerated() {
          scan.inference[index].merge(column)
        }
        scan.recordCount += part.recordCount
        scan.chunks += part.chunks
        scan.endMarkers += part.endMarkers
        scan.skippedLines += part.skippedLines.map { $0 + lineOffset }
        lineOffset += part.lineCount
      }
    }
    // Adjacent ranges are one: fewer, bigger sends.
    var merged: [Range<Int>] = []
    for chunk in scan.chunks {
      if let last = merged.last, last.upperBound == chunk.lowerBound {
        merged[merged.count - 1] = last.lowerBound..<chunk.upperBound
      } else {
        merged.append(chunk)
      }
    }
    scan.chunks = merged
    return scan
  }

  /// The first record start at or after `nominal`: just past a newline with an even number of
  /// quotes between `start` (a record start) and it.
  private static func recordStart(
    in data: UnsafeBufferPointer<UInt8>, from start: Int, near nominal: Int
  ) -> Int {
    var quotes = 0
    var index = start
    while index < nominal {
      if data[index] == UInt8(ascii: "\"") { quotes += 1 }
      index += 1
    }
    while index < data.count {
      let byte = data[index]
      index += 1
      if byte == UInt8(ascii: "\"") {
        quotes += 1
      } else if byte == UInt8(ascii: "\n"), quotes % 2 == 0 {
        return index
      }
    }
    return data.count
  }

  // One state machine over the bytes: RFC 4180 with CRLF or LF line ends. Without a header it
  // reads the header record and stops.
  private static func scanPart(
    _ data: UnsafeBufferPointer<UInt8>, start: Int, end count: Int, header knownHeader: [String]?,
    delimiter: UInt8
  ) throws(Problem) -> Part {
    let quote = UInt8(ascii: "\"")
    let newline = UInt8(ascii: "\n")
    let carriageReturn = UInt8(ascii: "\r")
    var index = start
    if knownHeader == nil, data.count >= 3, data[0] == 0xEF, data[1] == 0xBB, data[2] == 0xBF {
      index = 3
    }
    var chunks: [Range<Int>] = []
    var chunkStart = index
    var skippedLines: [Int] = []
    var endMarkers: [Int] = []
    var line = 1
    var lineStart = index
    var header: [String] = knownHeader ?? []
    var headerColumns: [Int] = []
    var inference: [ColumnInference] = header.map { _ in ColumnInference() }
    var recordCount = 0
    var isHeader = knownHeader == nil
    var fieldIndex = 0
    var fieldStart = index

    func problem(_ message: String, at offset: Int, hint: String? = nil) -> Problem {
      Problem(line: line, column: offset - lineStart + 1, message: message, hint: hint)
    }

    // Called on the rare bytes (NUL or non-ASCII) that need a look; returns where the
    // character after `offset` starts.
    func checkedCharacter(at offset: Int) throws(Problem) -> Int {
      if data[offset] == 0 { throw problem(nulMessage, at: offset, hint: nulHint) }
      guard let length = UTF8Validation.sequenceLength(at: offset, in: data, end: count) else {
        throw problem(utf8Message, at: offset, hint: utf8Hint)
      }
      return offset + length
    }

    while index < count {
      // A blank line (only a line ending) between records is skipped, not a row of NULLs.
      if fieldIndex == 0, data[index] == newline || data[index] == carriageReturn {
        var end = index
        if data[end] == carriageReturn, end + 1 < count, data[end + 1] == newline { end += 1 }
        if data[end] == newline || end + 1 == count {
          if chunkStart < index { chunks.append(chunkStart..<index) }
          skippedLines.append(line)
          index = end + 1
          chunkStart = index
          line += 1
          lineStart = index
          fieldStart = index
          continue
        }
      }
      fieldStart = index
      var contentStart = index
      var contentEnd = index
      var quoted = false
      var hasDoubledQuote = false
      if data[index] == quote {
        quoted = true
        let openLine = line
        let openColumn = index - lineStart + 1
        index += 1
        contentStart = index
        while true {
          guard index < count else {
            throw Problem(
              line: openLine, column: openColumn, message: "unterminated quoted field")
          }
          let byte = data[index]
          if byte == quote {
            if index + 1 < count, data[index + 1] == quote {
              hasDoubledQuote = true
              index += 2
              continue
            }
            break
          }
          if byte == newline {
            line += 1
            lineStart = index + 1
          }
          // NUL or non-ASCII, in one comparison.
          if byte &- 1 >= 0x7F {
            index = try checkedCharacter(at: index)
            continue
          }
          index += 1
        }
        contentEnd = index
        index += 1
        if index < count, data[index] != delimiter, data[index] != newline,
          data[index] != carriageReturn
        {
          throw problem("unexpected text after a closing quote", at: index)
        }
      } else {
        while index < count {
          let byte = data[index]
          if byte == delimiter || byte == newline || byte == carriageReturn { break }
          if byte == quote {
            throw problem(
              "a quote inside an unquoted field; quote the whole field and double inner quotes",
              at: index)
          }
          if byte &- 1 >= 0x7F {
            index = try checkedCharacter(at: index)
            continue
          }
          index += 1
        }
        contentEnd = index
        if fieldIndex == 0, contentEnd - contentStart == 2,
          data[contentStart] == UInt8(ascii: "\\"), data[contentStart + 1] == UInt8(ascii: "."),
          index == count || data[index] == newline || data[index] == carriageReturn
        {
          endMarkers.append(contentStart)
        }
      }
      let field = UnsafeBufferPointer(rebasing: data[contentStart..<contentEnd])
      if isHeader {
        // The bytes are valid UTF-8 (checked above), so decoding replaces nothing.
        var name = String(decoding: field, as: UTF8.self)
        if hasDoubledQuote { name = name.replacing("\"\"", with: "\"") }
        if name.isEmpty {
          throw problem("column \(fieldIndex + 1) of the header has no name", at: fieldStart)
        }
        if let (message, hint) = nameProblem(name) {
          throw problem(message, at: fieldStart, hint: hint)
        }
        if header.count == maxColumns {
          throw problem(
            "the header has more than \(maxColumns) columns, PostgreSQL's limit", at: fieldStart,
            hint: "split the file into seeds of fewer columns")
        }
        if header.contains(name) {
          throw problem("duplicate column `\(name)` in the header", at: fieldStart)
        }
        header.append(name)
        headerColumns.append(fieldStart - lineStart + 1)
        inference.append(ColumnInference())
      } else {
        guard fieldIndex < header.count else {
          throw problem(
            "this row has more fields than the header's \(header.count) columns", at: fieldStart)
        }
        if hasDoubledQuote {
          inference[fieldIndex].observeText()
        } else if !field.isEmpty {
          inference[fieldIndex].observe(field)
        } else if !quoted {
          inference[fieldIndex].observeNull()
        }
      }
      fieldIndex += 1
      // Field separator or record end.
      if index < count, data[index] == delimiter {
        index += 1
        if index == count {
          fieldStart = index
          // A trailing delimiter at the very end: one more empty field.
          if !isHeader, fieldIndex < header.count { fieldIndex += 1 }
        }
        continue
      }
      // End of record (line ending or end of file).
      if index < count, data[index] == carriageReturn { index += 1 }
      if index < count, data[index] == newline { index += 1 }
      if isHeader {
        isHeader = false
        line += 1
        if chunkStart < index { chunks.append(chunkStart..<index) }
        return Part(
          header: header, headerColumns: headerColumns, inference: inference, recordCount: 0,
          chunks: chunks,
          skippedLines: skippedLines, endMarkers: endMarkers, lineCount: line - 1, end: index)
      } else {
        if fieldIndex != header.count {
          throw Problem(
            line: line, column: 1,
            message:
              "this row has \(fieldIndex) field\(fieldIndex == 1 ? "" : "s"), the header has "
              + "\(header.count)")
        }
        recordCount += 1
      }
      fieldIndex = 0
      line += 1
      lineStart = index
    }
    if fieldIndex > 0, !isHeader, fieldIndex != header.count {
      throw Problem(
        line: line, column: 1,
        message: "this row has \(fieldIndex) fields, the header has \(header.count)")
    }
    if fieldIndex > 0, !isHeader { recordCount += 1 }
    if chunkStart < count { chunks.append(chunkStart..<count) }
    return Part(
      header: header, headerColumns: headerColumns, inference: inference,
      recordCount: recordCount, chunks: chunks,
      skippedLines: skippedLines, endMarkers: endMarkers, lineCount: line - 1, end: count)
  }

  /// Field separators common enough that a one-column header holding one is a misread file.
  private static let likelySeparators: [UInt8] = [",", ";", "|", "\t"].map { UInt8(ascii: $0) }

  /// Throws when a header read as one column holds a common separator other than `delimiter`:
  /// the file is separated by it, and loading one text column would hide that.
  private static func checkSeparator(of name: String, at column: Int, delimiter: UInt8)
    throws(Problem)
  {
    let bytes = Array(name.utf8)
    guard
      let offset = bytes.firstIndex(where: { $0 != delimiter && likelySeparators.contains($0) })
    else { return }
    func shown(_ byte: UInt8) -> String { byte == 9 ? "\\t" : String(UnicodeScalar(byte)) }
    let found = shown(bytes[offset])
    // YAML reads `\t` as a tab only between double quotes.
    let setting = bytes[offset] == 9 ? "\"\\t\"" : "'\(found)'"
    throw Problem(
      line: 1, column: column + offset,
      message:
        "the header is one column, `\(name)`, separated by `\(found)` rather than the "
        + "`delimiter` `\(shown(delimiter))`",
      hint: "set `delimiter: \(setting)` in the seed's config")
  }

  /// The file line of COPY's line number `sent` (which counts only the lines sent).
  func fileLine(ofSentLine sent: Int) -> Int {
    var line = sent
    for skipped in skippedLines where skipped <= line { line += 1 }
    return line
  }
}

/// A read-only buffer handed to the threads that scan parts of it.
private struct SendableBuffer: @unchecked Sendable {
  let pointer: UnsafeBufferPointer<UInt8>
  init(_ pointer: UnsafeBufferPointer<UInt8>) { self.pointer = pointer }
}
