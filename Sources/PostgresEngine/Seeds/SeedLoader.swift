import Adapter
import Compiler
import Diagnostics
import Execution
import Foundation
import OrderedCollections
import Project
import Template

/// Loads a CSV, JSON or NDJSON seed with `COPY ... FROM STDIN (FORMAT csv)`, never row by row.
///
/// The file is checked and its column types inferred before anything is sent; a malformed row
/// fails with its line and leaves the previous table as it was, because the new table is
/// built under a temporary name and swapped in within one transaction.
struct SeedLoader {
  let node: CompiledNode
  let relation: RelationName
  let path: String
  let displayPath: String
  let target: TargetConfig
  let connection: any DatabaseConnection
  /// `--empty`: the table is created with the file's columns and types, and no rows.
  var empty = false
  /// What the seed's hooks see (macros, `ref`, `run_started_at`, ...).
  var hooks: HookContext?

  /// Where the data comes from, ready to send.
  enum Payload {
    case csv(scan: CSVScan, bytes: [UInt8], delimiter: UInt8)
    case json(JSONRows)
  }

  /// A failure: a located problem in the file, or a database error.
  typealias Failure = SeedLoadFailure

  func load() throws(Failure) -> BuildOutcome {
    let bytes: [UInt8]
    do {
      bytes = try FileSystem.read(path)
    } catch {
      throw .file(.error("seed.read", "cannot read the seed: \(error.reason)", path: displayPath))
    }
    let file = SourceFile(path: displayPath, bytes: bytes)
    let payload: Payload
    let header: [String]
    let headerColumns: [Int]
    let inferred: [String]
    if node.originalFilePath.hasSuffix(".csv") {
      let delimiter: UInt8
      do throws(SeedColumns.Problem) {
        delimiter = try SeedColumns.delimiter(node.config)
      } catch {
        throw .file(located(error.message, line: 1, column: 1, in: file, hint: error.hint))
      }
      do throws(CSVScan.Problem) {
        let scan = try CSVScan.scan(bytes, delimiter: delimiter)
        payload = .csv(scan: scan, bytes: bytes, delimiter: delimiter)
        header = scan.header
        headerColumns = scan.headerColumns
        inferred = scan.inference.map(\.sqlType)
      } catch {
        throw .file(
          located(
            error.message, line: error.line, column: error.column, in: file, hint: error.hint))
      }
    } else {
      do throws(JSONRows.Problem) {
        let rows = try JSONRows.parse(bytes)
        guard !rows.columns.isEmpty else {
          throw JSONRows.Problem(line: 1, column: 1, message: "the file holds no rows")
        }
        payload = .json(rows)
        header = rows.columns
        headerColumns = header.map { _ in 1 }
        inferred = header.indices.map(rows.sqlType)
      } catch {
        throw .file(
          located(
            error.message, line: error.line, column: error.column, in: file, hint: error.hint))
      }
    }
    let columns: SeedColumns
    do throws(SeedColumns.Problem) {
      columns = try SeedColumns(
        header: header, columns: headerColumns, inferred: inferred, config: node.config)
    } catch {
      throw .file(located(error.message, line: 1, column: error.column, in: file, hint: error.hint))
    }
    let outsidePre: [String]
    let preHooks: [String]
    do throws(StatementFailure) {
      // As for models: `transaction: false` entries run before (pre) or after (post) the
      // seed's transaction, the others inside it; post-hooks are rendered after the load.
      outsidePre = try Hooks.statements(
        "pre_hook", of: node, context: hooks, transaction: false, connection: connection)
      preHooks = try Hooks.statements(
        "pre_hook", of: node, context: hooks, transaction: true, connection: connection)
    } catch {
      throw .statement(error)
    }
    let runner = StatementRunner(connection: connection, action: "loading seed \(relation.quoted)")
    let columnList = columns.sql.joined(separator: ", ")
    let expected: Int
    switch payload {
    case .csv(let scan, _, _): expected = scan.recordCount
    case .json(let rows): expected = rows.rows.count
    }
    var miscount: Int?
    do throws(StatementFailure) {
      for hook in outsidePre { try runner.run(hook) }
      let outcome = try runner.retryingTransaction {
        () throws(StatementFailure) -> BuildOutcome in
        // As dbt's seed materialization: pre-hooks before the load and post-hooks after the
        // grants, all in the seed's transaction, so a failing hook keeps the old table.
        for hook in preHooks { try runner.run(hook) }
        var copied = 0
        _ = try RelationSwap.replace(relation, as: "r", runner: runner) {
          (temporary: String) throws(StatementFailure) -> QueryResult in
          let definition = zip(columns.sql, columns.types).map { "\($0) \($1)" }
            .joined(separator: ", ")
          try runner.run("create table \(temporary) (\(definition))")
          guard !empty else { return QueryResult(commandTag: "COPY 0") }
          var options = "format csv, header "
          switch payload {
          case .csv(_, _, let delimiter):
            options += "true"
            if delimiter != UInt8(ascii: ",") {
              options += ", delimiter " + SQLQuoting.literal(String(UnicodeScalar(delimiter)))
            }
          case .json: options += "false"
          }
          let copy =
            "copy \(temporary) (\(columnList)) from stdin with (\(options), "
            + "force_null (\(columnList)))"
          do throws(DatabaseError) {
            copied = try connection.copyIn(copy) { send throws(DatabaseError) in
              try SeedLoader.send(payload, through: send)
            }
          } catch {
            throw StatementFailure(error: error, statement: copy, action: runner.action)
          }
          // Anything PostgreSQL reads differently from swdbt (an end-of-data marker, a line
          // ending) shows as a different count; the transaction then keeps the old table.
          guard copied == expected else {
            miscount = copied
            throw StatementFailure(
              error: DatabaseError(.statement, "`COPY` loaded \(copied) rows"), statement: copy,
              action: runner.action)
          }
          return QueryResult(commandTag: "COPY \(copied)")
        }
        try Grants.apply(node.config, to: relation, runner: runner)
        // Rendered after the load, as dbt does: a hook's `run_query` sees the new table.
        let postHooks = try Hooks.statements(
          "post_hook", of: node, context: hooks, transaction: true, connection: connection)
        for hook in postHooks { try runner.run(hook) }
        return BuildOutcome(
          commandTag: "COPY \(copied)", rowsAffected: copied,
          message: "loaded seed file \(relation.quoted)")
      }
      let outsidePost = try Hooks.statements(
        "post_hook", of: node, context: hooks, transaction: false, connection: connection)
      for hook in outsidePost { try runner.run(hook) }
      return outcome
    } catch {
      if let miscount {
        throw .file(
          .error(
            "seed.row-count",
            "`COPY` loaded \(miscount) row\(miscount == 1 ? "" : "s") but the file holds "
              + "\(expected); the previous table is kept", path: displayPath,
            hint: "this is a bug in swdbt's seed encoding; please report it with the file"))
      }
      // "COPY x, line 3, column price: ..." names the line that failed.
      if let context = error.error.context, let line = SeedLoader.copyLine(context) {
        let fileLine: Int
        switch payload {
        case .csv(let scan, _, _): fileLine = scan.fileLine(ofSentLine: line)
        case .json(let rows): fileLine = line - 1 < rows.lines.count ? rows.lines[line - 1] : line
        }
        var diagnostic = located(error.error.message, line: fileLine, column: 1, in: file)
        if let detail = error.error.detail { diagnostic.notes.append(.init(detail)) }
        diagnostic.notes.append(.init(context))
        diagnostic.hint =
          error.error.hint ?? "set the column's type with `column_types` in the seed's config"
        throw .file(diagnostic)
      }
      throw .statement(error)
    }
  }

  private static func send(
    _ payload: Payload, through send: (UnsafeRawBufferPointer) throws(DatabaseError) -> Void
  ) throws(DatabaseError) {
    let chunkSize = 1 << 20
    // `withUnsafeBytes` rethrows untyped errors; carry the typed one out by hand.
    var failure: DatabaseError?
    switch payload {
    case .csv(let scan, let bytes, _):
      var markers = scan.endMarkers.makeIterator()
      var marker = markers.next()
      bytes.withUnsafeBytes { raw in
        for range in scan.chunks {
          var start = range.lowerBound
          while start < range.upperBound, failure == nil {
            var end = min(start + chunkSize, range.upperBound)
            if let marker, marker < end { end = marker }
            do throws(DatabaseError) {
              if start < end { try send(UnsafeRawBufferPointer(rebasing: raw[start..<end])) }
              if end == marker {
                // Quoted, `\.` is a value; alone on a line it would end the data.
                try send(
                  UnsafeRawBufferPointer(
                    start: SeedLoader.quotedMarker.utf8Start,
                    count: SeedLoader.quotedMarker.utf8CodeUnitCount))
                end += 2
                marker = markers.next()
              }
            } catch {
              failure = error
            }
            start = end
          }
        }
      }
    case .json(let rows):
      rows.csvBytes().withUnsafeBytes { raw in
        do throws(DatabaseError) { try send(raw) } catch { failure = error }
      }
    }
    if let failure { throw failure }
  }

  private static let quotedMarker: StaticString = "\"\\.\""

  /// The line number in a COPY error context.
  static func copyLine(_ context: String) -> Int? {
    guard let range = context.range(of: ", line ") else { return nil }
    let digits = context[range.upperBound...].prefix { $0.isNumber }
    return Int(digits)
  }

  private func located(
    _ message: String, line: Int, column: Int, in file: SourceFile, hint: String? = nil
  ) -> Diagnostic {
    var file = file
    // A NUL printed in the excerpt would cut the message short in many terminals and logs;
    // a space keeps every column where it is.
    if file.bytes.contains(0) {
      file = SourceFile(path: file.path, bytes: file.bytes.map { $0 == 0 ? 0x20 : $0 })
    }
    let offset = file.offset(line: line, column: column)
    return .error(
      "seed.invalid", message, at: SourceRange(file: file, span: Span(start: offset, end: offset)),
      hint: hint)
  }
}
