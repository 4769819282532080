/// The token-level helpers of `QueryAnalyzer`: parentheses, commas, type names and the
/// words that end expressions or are never column references.
extension QueryAnalyzer {
  /// Whether the token is an unquoted word in `words`.
  func isKeyword(_ token: SQLToken, in words: Set<String>) -> Bool {
    if case .word(let word) = token { return words.contains(word) }
    return false
  }

  /// The index of the `)` matching the `(` at `open`, or the end of the tokens.
  func closing(_ open: Int) -> Int {
    var depth = 0
    var position = open
    while position < tokens.count {
      if tokens[position].isSymbol("(") {
        depth += 1
      } else if tokens[position].isSymbol(")") {
        depth -= 1
        if depth == 0 { return position }
      }
      position += 1
    }
    return tokens.count
  }

  /// Whether the parentheses in `range` balance.
  func isBalanced(_ range: Range<Int>) -> Bool {
    var depth = 0
    for position in range {
      if tokens[position].isSymbol("(") {
        depth += 1
      } else if tokens[position].isSymbol(")") {
        depth -= 1
        if depth < 0 { return false }
      }
    }
    return depth == 0
  }

  /// The positions in `range` outside any parentheses.
  func depthZero(_ range: Range<Int>) -> [Int] {
    var positions: [Int] = []
    var position = range.lowerBound
    while position < range.upperBound {
      if tokens[position].isSymbol("(") {
        position = closing(position) + 1
        continue
      }
      positions.append(position)
      position += 1
    }
    return positions
  }

  /// `range` cut at the commas outside parentheses.
  func split(_ range: Range<Int>) -> [Range<Int>] {
    var parts: [Range<Int>] = []
    var start = range.lowerBound
    for position in depthZero(range) where tokens[position].isSymbol(",") {
      parts.append(start..<position)
      start = position + 1
    }
    parts.append(start..<range.upperBound)
    return parts.filter { !$0.isEmpty }
  }

  /// The position after the type name that follows `::` or `as` at `position`.
  func skipType(after position: Int, limit: Int) -> Int {
    var next = position + 1
    guard next < limit, let first = tokens[next].identifier else { return next }
    next += 1
    // Multi-word types: double precision, character varying, timestamp with time zone.
    let continuations: [String: [String]] = [
      "double": ["precision"], "character": ["varying"],
      "timestamp": ["with", "without", "time", "zone"],
      "time": ["with", "without", "time", "zone"],
    ]
    if let words = continuations[first] {
      while next < limit, case .word(let word) = tokens[next], words.contains(word) { next += 1 }
    }
    if next < limit && tokens[next].isSymbol(".") && next + 1 < limit {
      next += 2  // schema-qualified type
    }
    if next < limit && tokens[next].isSymbol("(") { next = closing(next) + 1 }
    while next + 1 < limit && tokens[next].isSymbol("[") && tokens[next + 1].isSymbol("]") {
      next += 2
    }
    return next
  }

  /// Whether a token can end an expression, so a word after it is an alias (`a + 1 total`).
  static func endsExpression(_ token: SQLToken) -> Bool {
    switch token {
    case .literal, .quoted, .symbol(")"): true
    case .word(let word):
      !keywords.contains(word) || ["end", "null", "true", "false"].contains(word)
    default: false
    }
  }

  /// Words that type a following string literal: `date '2024-01-01'`.
  static let typedLiteralWords: Set<String> = [
    "date", "timestamp", "time", "interval", "timestamptz",
  ]

  /// Words that are never column references in an expression.
  static let keywords: Set<String> = [
    "select", "from", "where", "group", "by", "having", "order", "limit", "offset", "as", "and",
    "or", "not", "null", "is", "in", "like", "ilike", "similar", "between", "case", "when", "then",
    "else", "end", "true", "false", "distinct", "all", "any", "some", "exists", "cast", "over",
    "partition", "rows", "range", "groups", "preceding", "following", "unbounded", "current",
    "row", "filter", "within", "asc", "desc", "nulls", "first", "last", "on", "join", "left",
    "right", "full", "inner", "outer", "cross", "natural", "using", "union", "intersect",
    "except", "with", "recursive", "lateral", "array", "escape", "collate", "at", "zone",
    "current_date", "current_timestamp", "current_time", "localtime", "localtimestamp",
    "current_user", "session_user", "user", "default", "leading", "trailing", "both", "isnull",
    "notnull", "window", "fetch", "next", "only", "ties", "for", "into", "values", "interval",
    "symmetric", "asymmetric", "unknown", "overlaps", "to", "ordinality",
  ]
}
