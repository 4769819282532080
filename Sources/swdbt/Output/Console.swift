import Diagnostics
import Foundation

/// Where the CLI prints: results on stdout, diagnostics and progress on stderr.
struct Console {
  let format: LogFormat
  let colors: Bool

  init(format: LogFormat) {
    self.format = format
    self.colors =
      format == .text && isatty(STDERR_FILENO) == 1
      && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
  }

  func out(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
  }

  func err(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }

  /// Prints diagnostics once, in a stable order.
  func report(_ diagnostics: [Diagnostic]) {
    guard !diagnostics.isEmpty else { return }
    switch format {
    case .text:
      err(DiagnosticRenderer(colors: colors).render(diagnostics))
    case .json:
      err(diagnostics.map { DiagnosticRenderer.jsonLine($0) + "\n" }.joined())
    }
  }

  /// A progress or summary line on stderr (JSON lines carry it as an `info` event).
  func info(_ message: String) {
    switch format {
    case .text: err(message + "\n")
    case .json: err("{\"level\":\"info\",\"message\":\(DiagnosticRenderer.jsonString(message))}\n")
    }
  }
}
