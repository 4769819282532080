import Diagnostics
import Foundation
import Synchronization

/// Where the CLI prints, as dbt: node lines and the summary on stdout; diagnostics, notices
/// and debug detail on stderr; everything also to the log file, when there is one.
struct Console: Sendable {
  let format: LogFormat
  var colors: Bool
  /// `--quiet`: only errors and the per-node result lines.
  var quiet = false
  /// `--debug`: each statement sent, with its comment.
  var debug = false
  /// `logs/dbt.log` (`--log-path` moves it): every line, debug detail included.
  var logFile: LogFile? = nil

  init(format: LogFormat) {
    self.format = format
    self.colors =
      format == .text && isatty(STDOUT_FILENO) == 1
      && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
  }

  /// The console the command-line options ask for.
  init(options: ProjectOptions) {
    self.init(format: options.logFormat)
    quiet = options.quiet
    debug = options.debug
    if let useColors = options.useColors { colors = format == .text && useColors }
    logFile = options.logFile
  }

  func out(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
    logFile?.write(text + "\n")
  }

  func err(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
    logFile?.write(text)
  }

  /// Prints diagnostics once, in a stable order.
  func report(_ diagnostics: [Diagnostic]) {
    let shown = quiet ? diagnostics.filter { $0.severity == .error } : diagnostics
    guard !shown.isEmpty else { return }
    switch format {
    case .text:
      err(DiagnosticRenderer(colors: colors).render(shown))
    case .json:
      err(shown.map { DiagnosticRenderer.jsonLine($0) + "\n" }.joined())
    }
  }

  /// A notice on stderr (JSON lines carry it as an `info` event); `--quiet` drops it.
  func info(_ message: String) {
    guard !quiet else {
      logFile?.write(message + "\n")
      return
    }
    switch format {
    case .text: err(message + "\n")
    case .json: err(Console.event("Note", level: "info", message: message) + "\n")
    }
  }

  /// A line of the run's progress on stdout: text, or a JSON event named as dbt names it.
  func progress(
    _ text: String, event: String, level: String = "info", uniqueID: String? = nil,
    fields: [String] = [], quietToo: Bool = false
  ) {
    guard !quiet || quietToo else {
      logFile?.write(text + "\n")
      return
    }
    switch format {
    case .text: out(text)
    case .json:
      out(Console.event(event, level: level, message: text, uniqueID: uniqueID, fields: fields))
    }
  }

  /// With `--debug` (or a log file): a statement swdbt sends for a node, as dbt's `SQLQuery`.
  func statement(_ sql: String, uniqueID: String) {
    let text = "On \(uniqueID): \(sql)"
    if debug {
      switch format {
      case .text: FileHandle.standardError.write(Data((text + "\n").utf8))
      case .json:
        let line =
          Console.event(
            "SQLQuery", level: "debug", message: text, uniqueID: uniqueID,
            fields: ["\"sql\":\(DiagnosticRenderer.jsonString(sql))"]) + "\n"
        FileHandle.standardError.write(Data(line.utf8))
      }
    }
    logFile?.write(Console.timestamp() + " [debug] " + text + "\n")
  }

  /// Whether statements are worth handing to `statement(_:uniqueID:)`.
  var logsStatements: Bool { debug || logFile != nil }

  /// One JSON log line: time, dbt's event name, level, message, node.
  static func event(
    _ name: String, level: String, message: String, uniqueID: String? = nil,
    fields: [String] = []
  ) -> String {
    var all = [
      "\"ts\":\(DiagnosticRenderer.jsonString(timestamp()))",
      "\"event\":\(DiagnosticRenderer.jsonString(name))", "\"level\":\"\(level)\"",
    ]
    if let uniqueID { all.append("\"unique_id\":\(DiagnosticRenderer.jsonString(uniqueID))") }
    all += fields
    all.append("\"message\":\(DiagnosticRenderer.jsonString(message))")
    return "{" + all.joined(separator: ",") + "}"
  }

  /// Now, as ISO 8601 in UTC with milliseconds (dbt's `ts`).
  static func timestamp() -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: Date())
  }
}

/// `logs/dbt.log` (or in `--log-path`'s folder): appended to from any thread, buffered
/// (a compile of 10,000 models must not pay a write per line) and flushed when the buffer
/// fills and when the process exits, however it exits.
final class LogFile: Sendable {
  private let handle: FileHandle
  private let buffer = Mutex<[UInt8]>([])
  private static let flushAt = 64 * 1024
  /// Every log file open, flushed at exit (an `atexit` handler cannot capture one).
  private static let open = Mutex<[LogFile]>([])

  /// Opens (creating) `directory/dbt.log` for appending; nil when it cannot be written.
  init?(directory: String) {
    let path = directory + "/dbt.log"
    do {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true)
      if !FileManager.default.fileExists(atPath: path) {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
      }
      guard let handle = FileHandle(forWritingAtPath: path) else { return nil }
      try handle.seekToEnd()
      self.handle = handle
    } catch {
      return nil
    }
    let first = LogFile.open.withLock { open in
      open.append(self)
      return open.count == 1
    }
    if first { atexit { LogFile.flushAll() } }
  }

  func write(_ text: String) {
    let full = buffer.withLock { bytes -> [UInt8]? in
      bytes.append(contentsOf: text.utf8)
      guard bytes.count >= LogFile.flushAt else { return nil }
      defer { bytes.removeAll(keepingCapacity: true) }
      return bytes
    }
    if let full { handle.write(Data(full)) }
  }

  /// Writes what is buffered.
  func flush() {
    let pending = buffer.withLock { bytes in
      defer { bytes.removeAll() }
      return bytes
    }
    if !pending.isEmpty { handle.write(Data(pending)) }
  }

  private static func flushAll() {
    for file in open.withLock({ $0 }) { file.flush() }
  }
}
