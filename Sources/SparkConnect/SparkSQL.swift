#if Spark
  import Foundation

  /// Spark SQL text helpers the connection needs.
  enum SparkSQL {
    /// `name` as a Spark identifier: backticks, a backtick doubled.
    static func quoteIdentifier(_ name: String) -> String {
      "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
    }

    /// The statements of `sql`, split at semicolons outside quotes and comments (Spark runs one
    /// statement per request). A SQL script block (`BEGIN ... END`) stays whole.
    static func statements(_ sql: String) -> [String] {
      let text = Array(sql.utf8)
      let trimmed = sql.drop(while: { $0.isWhitespace })
      if trimmed.prefix(5).uppercased() == "BEGIN", trimmed.dropFirst(5).first?.isLetter != true {
        return [sql]
      }
      var statements: [String] = []
      var start = 0
      var index = 0
      func flush(_ end: Int) {
        let piece = String(decoding: text[start..<end], as: UTF8.self)
        if piece.contains(where: { !$0.isWhitespace }) { statements.append(piece) }
      }
      while index < text.count {
        let byte = text[index]
        switch byte {
        case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
          index += 1
          while index < text.count, text[index] != byte {
            // Spark strings take backslash escapes; identifiers double their backtick.
            if text[index] == UInt8(ascii: "\\") && byte != UInt8(ascii: "`") { index += 1 }
            index += 1
          }
        case UInt8(ascii: "-") where index + 1 < text.count && text[index + 1] == byte:
          while index < text.count, text[index] != UInt8(ascii: "\n") { index += 1 }
        case UInt8(ascii: "/") where index + 1 < text.count && text[index + 1] == UInt8(ascii: "*"):
          index += 2
          while index + 1 < text.count,
            !(text[index] == UInt8(ascii: "*") && text[index + 1] == UInt8(ascii: "/"))
          {
            index += 1
          }
          index += 1
        case UInt8(ascii: ";"):
          flush(index)
          start = index + 1
        default:
          break
        }
        index += 1
      }
      flush(min(index, text.count))
      return statements.isEmpty ? [sql] : statements
    }

    /// The PostgreSQL type OID closest to an Arrow column type, for QueryResult.columnTypes.
    static func postgresTypeOID(_ type: ArrowType) -> UInt32 {
      switch type {
      case .null: 705  // unknown
      case .int(let bits, _): bits <= 16 ? 21 : bits == 32 ? 23 : 20
      case .floatingPoint(let bits): bits == 32 ? 700 : 701
      case .utf8, .largeUTF8: 25
      case .binary, .largeBinary: 17
      case .bool: 16
      case .date: 1082
      case .decimal: 1700
      case .timestamp(_, let timezone): timezone == nil ? 1114 : 1184
      case .unsupported: 25
      }
    }
  }
#endif
