/// One lexical token of PostgreSQL SQL, as column lineage needs it: comments and whitespace
/// are gone, unquoted words are lower-cased (as PostgreSQL folds them), literals are opaque.
enum SQLToken: Equatable, Sendable {
  /// An unquoted identifier or keyword, lower-cased.
  case word(String)
  /// A double-quoted identifier, as written.
  case quoted(String)
  /// A string, number, bit-string or positional parameter.
  case literal
  /// Punctuation (`(`, `)`, `,`, `.`, `;`, `[`, `]`) or a run of operator characters.
  case symbol(String)

  /// The identifier this token names, quoted or not.
  var identifier: String? {
    switch self {
    case .word(let name), .quoted(let name): name
    default: nil
    }
  }

  func isWord(_ word: String) -> Bool { self == .word(word) }
  func isSymbol(_ symbol: String) -> Bool { self == .symbol(symbol) }
}

/// Splits SQL into tokens. Never fails: an unterminated string or comment runs to the end.
enum SQLTokenizer {
  static func tokens(_ sql: String) -> [SQLToken] {
    var tokens: [SQLToken] = []
    var bytes = Array(sql.utf8)
    bytes.append(0)  // a sentinel, so lookahead needs no bounds checks
    let end = bytes.count - 1
    var index = 0

    func isWordByte(_ byte: UInt8) -> Bool {
      byte >= 0x80 || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$")
        || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
        || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    let operatorBytes = Set("+-*/<>=~!@#%^&|`?:".utf8)

    /// Skips a '...' string starting at `index`; `backslashes` for E'...' strings.
    func skipString(_ index: inout Int, backslashes: Bool) {
      index += 1
      while index < end {
        let byte = bytes[index]
        if backslashes && byte == UInt8(ascii: "\\") {
          index += 2
          continue
        }
        index += 1
        if byte == UInt8(ascii: "'") {
          if bytes[index] == UInt8(ascii: "'") {
            index += 1
          } else {
            return
          }
        }
      }
      index = end
    }

    while index < end {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
        index += 1
      case UInt8(ascii: "-") where bytes[index + 1] == UInt8(ascii: "-"):
        while index < end && bytes[index] != UInt8(ascii: "\n") { index += 1 }
      case UInt8(ascii: "/") where bytes[index + 1] == UInt8(ascii: "*"):
        // PostgreSQL's block comments nest.
        var depth = 0
        while index < end {
          if bytes[index] == UInt8(ascii: "/") && bytes[index + 1] == UInt8(ascii: "*") {
            depth += 1
            index += 2
          } else if bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/") {
            depth -= 1
            index += 2
            if depth == 0 { break }
          } else {
            index += 1
          }
        }
      case UInt8(ascii: "'"):
        skipString(&index, backslashes: false)
        tokens.append(.literal)
      case UInt8(ascii: "\""):
        var name: [UInt8] = []
        index += 1
        while index < end {
          if bytes[index] == UInt8(ascii: "\"") {
            if bytes[index + 1] == UInt8(ascii: "\"") {
              name.append(UInt8(ascii: "\""))
              index += 2
              continue
            }
            index += 1
            break
          }
          name.append(bytes[index])
          index += 1
        }
        tokens.append(.quoted(String(decoding: name, as: UTF8.self)))
      case UInt8(ascii: "$"):
        // $1 (a parameter) or a dollar-quoted string: $$...$$ or $tag$...$tag$.
        var tagEnd = index + 1
        while tagEnd < end && isWordByte(bytes[tagEnd]) && bytes[tagEnd] != UInt8(ascii: "$") {
          tagEnd += 1
        }
        if bytes[tagEnd] == UInt8(ascii: "$") && !isDigit(bytes[index + 1]) {
          let tag = Array(bytes[index...tagEnd])
          index = tagEnd + 1
          while index < end {
            if bytes[index] == UInt8(ascii: "$") && index + tag.count <= end
              && Array(bytes[index..<index + tag.count]) == tag
            {
              index += tag.count
              break
            }
            index += 1
          }
        } else {
          index = max(tagEnd, index + 1)
        }
        tokens.append(.literal)
      case _
      where isDigit(byte)
        || (byte == UInt8(ascii: ".") && isDigit(bytes[index + 1])):
        while index < end
          && (isWordByte(bytes[index]) || bytes[index] == UInt8(ascii: "."))
        {
          // 1.5e-3: the sign after an exponent belongs to the number.
          let isExponent = bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")
          index += 1
          if isExponent && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+"))
          {
            index += 1
          }
        }
        tokens.append(.literal)
      case _ where isWordByte(byte):
        let start = index
        while index < end && isWordByte(bytes[index]) { index += 1 }
        let word = String(decoding: bytes[start..<index], as: UTF8.self).lowercased()
        if bytes[index] == UInt8(ascii: "'") && ["e", "b", "x", "n"].contains(word) {
          skipString(&index, backslashes: word == "e")
          tokens.append(.literal)
        } else {
          tokens.append(.word(word))
        }
      case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","), UInt8(ascii: "."),
        UInt8(ascii: ";"), UInt8(ascii: "["), UInt8(ascii: "]"):
        tokens.append(.symbol(String(UnicodeScalar(byte))))
        index += 1
      case _ where operatorBytes.contains(byte):
        let start = index
        while index < end && operatorBytes.contains(bytes[index]) {
          // `a*-1`, `x=-1`: a comment start ends the run.
          if index > start
            && ((bytes[index] == UInt8(ascii: "-") && bytes[index + 1] == UInt8(ascii: "-"))
              || (bytes[index] == UInt8(ascii: "/") && bytes[index + 1] == UInt8(ascii: "*")))
          {
            break
          }
          index += 1
        }
        tokens.append(.symbol(String(decoding: bytes[start..<index], as: UTF8.self)))
      default:
        index += 1
      }
    }
    return tokens
  }
}
