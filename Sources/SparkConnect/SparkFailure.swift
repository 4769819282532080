#if Spark
  import Adapter
  import Foundation
  import GRPCCore

  /// A failed Spark Connect call, turned into swdbt's DatabaseError: the message without gRPC's
  /// framing or the analyzed plan Spark appends, the error class kept in front as Spark shows it
  /// (`[TABLE_OR_VIEW_NOT_FOUND] ...`), the SQLSTATE in its own field.
  struct SparkFailure {
    var code: RPCError.Code
    var statusMessage: String
    /// The ErrorInfo metadata of the status details (`errorClass`, `sqlState`, `errorId`).
    var errorInfo: [String: String]
    /// The root error from FetchErrorDetails, when fetched.
    var detail: SparkErrorDetail?

    var databaseError: DatabaseError {
      let message = Self.cleaned(detail?.message ?? statusMessage)
      let errorClass =
        detail?.errorClass ?? errorInfo["errorClass"] ?? Self.leadingClass(of: message)
      var text = message
      if let errorClass, !message.hasPrefix("[") {
        text = "[\(errorClass)] \(message)"
      }
      let sqlState =
        detail?.sqlState ?? errorInfo["sqlState"]
        ?? Self.trailingSQLState(in: detail?.message ?? statusMessage)
      let kind: DatabaseError.Kind
      switch code {
      case .unavailable: kind = .connection
      case .cancelled: kind = .cancelled
      default:
        kind = errorClass == "OPERATION_CANCELED" ? .cancelled : .statement
      }
      if kind == .connection && text.isEmpty { text = "Spark Connect server unavailable" }
      return DatabaseError(kind, text, sqlState: sqlState)
    }

    /// The message's text lines joined, without what follows them (the analyzed plan, the
    /// `== SQL ==` excerpt) and without the `SQLSTATE: 42P01` note Spark repeats in the text (it
    /// is in `sqlState`); a position note after it stays, in parentheses.
    static func cleaned(_ message: String) -> String {
      var lines: [Substring] = []
      for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty {
          if lines.isEmpty { continue }  // Spark starts some messages with a newline
          break
        }
        if trimmed.hasPrefix("==") || trimmed.hasPrefix("'") || trimmed.hasPrefix("+-")
          || trimmed.hasPrefix(":") || trimmed.hasPrefix("^")
        {
          break
        }
        lines.append(line)
      }
      var text = lines.joined(separator: " ")
      while text.hasSuffix(";") || text.hasSuffix(" ") { text.removeLast() }
      if let range = text.range(of: " SQLSTATE: ") {
        var rest = text[range.upperBound...].drop(while: { $0.isLetter || $0.isNumber })
        rest = rest.drop(while: { $0 == ";" || $0 == " " })
        let note = rest.isEmpty ? "" : rest.hasPrefix("(") ? " \(rest)" : " (\(rest))"
        text = String(text[..<range.lowerBound]) + note
      }
      return text
    }

    /// `TABLE_OR_VIEW_NOT_FOUND` of `[TABLE_OR_VIEW_NOT_FOUND] The table ...`.
    static func leadingClass(of message: String) -> String? {
      guard message.hasPrefix("["), let close = message.firstIndex(of: "]") else { return nil }
      let name = message[message.index(after: message.startIndex)..<close]
      return name.isEmpty ? nil : String(name)
    }

    /// `42P01` of `... SQLSTATE: 42P01; line 1 pos 14`.
    static func trailingSQLState(in message: String) -> String? {
      guard let range = message.range(of: "SQLSTATE: ") else { return nil }
      let code = message[range.upperBound...].prefix(while: { $0.isLetter || $0.isNumber })
      return code.count == 5 ? String(code) : nil
    }
  }
#endif
