public import Compiler
import Project

/// Column-level lineage read from the compiled SQL: for every output column of a model (and
/// singular test), the upstream node columns its value is computed from. It follows CTEs
/// (ephemeral models included), subqueries, joins, aliases, `*` and set operations; filters
/// (`where`, `on`, `having`) are not lineage. What it cannot name (a function's output, a column
/// of a relation whose columns are unknown behind an unqualified reference among several
/// relations) it leaves out rather than guesses.
public struct ColumnLineage: Sendable {
  /// One column of one node.
  public struct Column: Hashable, Sendable, Comparable {
    /// The node's unique id.
    public var node: String
    /// The column's name.
    public var name: String

    /// Creates a column reference.
    public init(node: String, name: String) {
      self.node = node
      self.name = name
    }

    public static func < (left: Column, right: Column) -> Bool {
      (left.node, left.name) < (right.node, right.name)
    }
  }

  /// One output column and where it comes from.
  public struct Output: Sendable, Equatable {
    /// The output column's name.
    public var name: String
    /// Upstream columns, sorted.
    public var sources: [Column]
  }

  /// Output columns in select order, by unique id of the model.
  public let outputs: [String: [Output]]

  init(outputs: [String: [Output]]) { self.outputs = outputs }

  /// Derives the lineage of every model with the columns of seeds and sources from the catalog
  /// (when read) or else their YAML.
  public init(_ compilation: Compilation, catalog: [String: Catalog.Relation]?) {
    var known: [String: [String]] = [:]
    for seed in compilation.project.seeds {
      if let columns = seed.patch?.columns, !columns.isEmpty {
        known[seed.uniqueID] = columns.map(\.name)
      }
    }
    for source in compilation.project.sources where !source.columns.isEmpty {
      known[source.uniqueID] = source.columns.map(\.name)
    }
    for (id, relation) in catalog ?? [:] { known[id] = relation.columns.map(\.name) }
    self.init(compilation, knownColumns: known)
  }

  /// Derives the lineage of every model, parents first, so a child sees its parents' columns.
  /// `knownColumns` gives the columns of relations the SQL cannot tell (seeds and sources: the
  /// catalog or YAML), by unique id.
  public init(_ compilation: Compilation, knownColumns: [String: [String]] = [:]) {
    var nodeByRelation: [String: String] = [:]
    for node in compilation.nodes {
      guard let relation = node.relation, node.resourceType != .test else { continue }
      nodeByRelation[relation.schema + "\u{0}" + relation.identifier] = node.uniqueID
    }
    var columns = knownColumns
    var outputs: [String: [Output]] = [:]
    for index in compilation.order {
      let node = compilation.nodes[index]
      guard node.resourceType == .model, let sql = node.sql,
        let output = Self.analyze(
          sql, node: node.uniqueID, relations: nodeByRelation, knownColumns: columns)
      else { continue }
      outputs[node.uniqueID] = output
      columns[node.uniqueID] = output.map(\.name)
    }
    self.outputs = outputs
  }

  /// The output columns of one SELECT statement and their sources, or nil when it is not a
  /// query this reader understands. `relations` maps `schema + "\u{0}" + identifier` to the
  /// unique id of the node behind it; references to `node` itself (`{{ this }}`) are dropped.
  public static func analyze(
    _ sql: String, node: String, relations: [String: String], knownColumns: [String: [String]]
  ) -> [Output]? {
    var analyzer = QueryAnalyzer(
      tokens: SQLTokenizer.tokens(sql), nodeByRelation: relations, knownColumns: knownColumns)
    guard let derived = analyzer.statement(), !derived.isEmpty else { return nil }
    return derived.map {
      Output(name: $0.name, sources: $0.sources.filter { $0.node != node }.sorted())
    }
  }
}

/// A column of a relation in scope and the upstream columns it stands for.
struct DerivedColumn {
  var name: String
  var sources: Set<ColumnLineage.Column>
}

/// A relation in a `from` clause: a node's relation, a CTE or a subquery.
struct ScopeItem {
  var alias: String
  /// The node it reads, when it reads one directly.
  var node: String?
  /// Its columns, when known.
  var columns: [DerivedColumn]?

  func column(_ name: String) -> DerivedColumn? {
    columns?.first { $0.name == name }
  }
}

/// A recursive reading of one SELECT statement over its tokens. Positions are token indices;
/// a range never crosses an unbalanced parenthesis.
struct QueryAnalyzer {
  let tokens: [SQLToken]
  let nodeByRelation: [String: String]
  let knownColumns: [String: [String]]
  /// Recursion depth guard: nesting deeper than this is not analysed.
  var depth = 0

  init(tokens: [SQLToken], nodeByRelation: [String: String], knownColumns: [String: [String]]) {
    var tokens = tokens
    while tokens.last == .symbol(";") { tokens.removeLast() }
    self.tokens = tokens
    self.nodeByRelation = nodeByRelation
    self.knownColumns = knownColumns
  }

  /// The statement's output columns; nil when it is not a query this reader understands.
  mutating func statement() -> [DerivedColumn]? {
    guard isBalanced(0..<tokens.count) else { return nil }
    return query(0..<tokens.count, ctes: [:], outer: [])
  }

  // MARK: Queries

  /// `[with ...] body [order by ...] [limit ...]`.
  mutating func query(
    _ range: Range<Int>, ctes: [String: [DerivedColumn]], outer: [ScopeItem]
  ) -> [DerivedColumn]? {
    guard depth < 64, !range.isEmpty else { return nil }
    depth += 1
    defer { depth -= 1 }
    var ctes = ctes
    var position = range.lowerBound
    if tokens[position].isWord("with") {
      position += 1
      if position < range.upperBound && tokens[position].isWord("recursive") { position += 1 }
      while position < range.upperBound, let name = tokens[position].identifier {
        position += 1
        var renamed: [String] = []
        if position < range.upperBound && tokens[position].isSymbol("(") {
          let close = closing(position)
          renamed = (position + 1..<close).compactMap { tokens[$0].identifier }
          position = close + 1
        }
        guard position < range.upperBound, tokens[position].isWord("as") else { return nil }
        position += 1
        while position < range.upperBound
          && (tokens[position].isWord("not") || tokens[position].isWord("materialized"))
        {
          position += 1
        }
        guard position < range.upperBound, tokens[position].isSymbol("(") else { return nil }
        let close = closing(position)
        guard close < range.upperBound else { return nil }
        var columns = query(position + 1..<close, ctes: ctes, outer: outer) ?? []
        for (index, name) in renamed.enumerated() where index < columns.count {
          columns[index].name = name
        }
        ctes[name] = columns
        position = close + 1
        guard position < range.upperBound, tokens[position].isSymbol(",") else { break }
        position += 1
      }
    }
    return setOperation(position..<range.upperBound, ctes: ctes, outer: outer)
  }

  /// `core (union|intersect|except [all] core)*`: names from the first branch, sources from all.
  mutating func setOperation(
    _ range: Range<Int>, ctes: [String: [DerivedColumn]], outer: [ScopeItem]
  ) -> [DerivedColumn]? {
    var branches: [Range<Int>] = []
    var start = range.lowerBound
    for position in depthZero(range)
    where isKeyword(tokens[position], in: ["union", "intersect", "except"]) {
      branches.append(start..<position)
      start = position + 1
      if start < range.upperBound
        && (tokens[start].isWord("all") || tokens[start].isWord("distinct"))
      {
        start += 1
      }
    }
    branches.append(start..<range.upperBound)
    var result: [DerivedColumn]?
    for branch in branches {
      guard let columns = core(branch, ctes: ctes, outer: outer) else { continue }
      guard var merged = result else {
        result = columns
        continue
      }
      for index in merged.indices where index < columns.count {
        merged[index].sources.formUnion(columns[index].sources)
      }
      result = merged
    }
    return result
  }

  /// `select ...`, `( query )` or `values (...)`.
  mutating func core(
    _ range: Range<Int>, ctes: [String: [DerivedColumn]], outer: [ScopeItem]
  ) -> [DerivedColumn]? {
    guard !range.isEmpty else { return nil }
    let first = tokens[range.lowerBound]
    if first.isSymbol("(") {
      let close = closing(range.lowerBound)
      guard close < range.upperBound else { return nil }
      return query(range.lowerBound + 1..<close, ctes: ctes, outer: outer)
    }
    guard first.isWord("select") else { return nil }
    let clauseWords: Set<String> = [
      "from", "where", "group", "having", "window", "order", "limit", "offset", "fetch", "for",
      "into",
    ]
    var listStart = range.lowerBound + 1
    if listStart < range.upperBound && tokens[listStart].isWord("distinct") {
      listStart += 1
      if listStart < range.upperBound && tokens[listStart].isWord("on") {
        listStart += 1
        if listStart < range.upperBound && tokens[listStart].isSymbol("(") {
          listStart = min(closing(listStart) + 1, range.upperBound)
        }
      }
    } else if listStart < range.upperBound && tokens[listStart].isWord("all") {
      listStart += 1
    }
    let listEnd =
      depthZero(listStart..<range.upperBound).first { isKeyword(tokens[$0], in: clauseWords) }
      ?? range.upperBound
    var scope: [ScopeItem] = []
    if listEnd < range.upperBound && tokens[listEnd].isWord("from") {
      let fromEnd =
        depthZero(listEnd + 1..<range.upperBound).first { isKeyword(tokens[$0], in: clauseWords) }
        ?? range.upperBound
      scope = fromItems(listEnd + 1..<fromEnd, ctes: ctes, outer: outer)
    }
    var columns: [DerivedColumn] = []
    for item in split(listStart..<listEnd) {
      columns += selectItem(item, scope: scope, outer: outer, ctes: ctes)
    }
    return columns
  }

  // MARK: From

  /// The relations of a `from` clause, joins included; `on`/`using` conditions are skipped.
  mutating func fromItems(
    _ range: Range<Int>, ctes: [String: [DerivedColumn]], outer: [ScopeItem]
  ) -> [ScopeItem] {
    let joinWords: Set<String> = [
      "join", "left", "right", "full", "inner", "outer", "cross", "natural", "lateral",
    ]
    var items: [ScopeItem] = []
    var position = range.lowerBound
    while position < range.upperBound {
      let token = tokens[position]
      if token.isSymbol(",") || isKeyword(token, in: joinWords) {
        position += 1
        continue
      }
      if token.isWord("on") || token.isWord("using") {
        // Skip the condition up to the next join or comma at this depth.
        position += 1
        while position < range.upperBound {
          let next = tokens[position]
          if next.isSymbol("(") {
            position = closing(position) + 1
            continue
          }
          if next.isSymbol(",") || isKeyword(next, in: joinWords) { break }
          position += 1
        }
        continue
      }
      // One item: a subquery, a function call or a (qualified) relation name, then an alias.
      var item: ScopeItem
      if token.isSymbol("(") {
        let close = closing(position)
        let inner = min(close, range.upperBound)
        let isQuery =
          position + 1 < inner
          && (tokens[position + 1].isWord("select") || tokens[position + 1].isWord("with")
            || tokens[position + 1].isSymbol("("))
        let columns =
          isQuery ? query(position + 1..<inner, ctes: ctes, outer: outer + items) : nil
        item = ScopeItem(alias: "", node: nil, columns: columns)
        position = close + 1
      } else if let name = token.identifier {
        var parts = [name]
        position += 1
        while position + 1 < range.upperBound && tokens[position].isSymbol("."),
          let part = tokens[position + 1].identifier
        {
          parts.append(part)
          position += 2
        }
        if position < range.upperBound && tokens[position].isSymbol("(") {
          // A set-returning function (generate_series, unnest): columns unknown.
          position = closing(position) + 1
          item = ScopeItem(alias: parts.last ?? "", node: nil, columns: nil)
        } else if parts.count == 1, let columns = ctes[name] {
          item = ScopeItem(alias: name, node: nil, columns: columns)
        } else {
          let key = parts.suffix(2).joined(separator: "\u{0}")
          let node = parts.count >= 2 ? nodeByRelation[key] : nil
          let known = node.flatMap { knownColumns[$0] }
          item = ScopeItem(
            alias: parts.last ?? name, node: node,
            columns: known.map { names in
              names.map { name in
                DerivedColumn(name: name, sources: node.map { [.init(node: $0, name: name)] } ?? [])
              }
            })
        }
      } else {
        position += 1
        continue
      }
      // [as] alias [(column, ...)]
      if position < range.upperBound && tokens[position].isWord("as") { position += 1 }
      if position < range.upperBound, let alias = tokens[position].identifier,
        !Self.keywords.contains(alias) || tokens[position] == .quoted(alias)
      {
        item.alias = alias
        position += 1
        if position < range.upperBound && tokens[position].isSymbol("(") {
          let close = closing(position)
          let names = (position + 1..<min(close, range.upperBound)).compactMap {
            tokens[$0].identifier
          }
          if var columns = item.columns {
            for (index, name) in names.enumerated() where index < columns.count {
              columns[index].name = name
            }
            item.columns = columns
          } else {
            item.columns = names.map { DerivedColumn(name: $0, sources: []) }
          }
          position = close + 1
        }
      }
      items.append(item)
    }
    return items
  }

  // MARK: Select items

  /// One select-list entry: `*`, `alias.*`, or an expression with an optional alias.
  mutating func selectItem(
    _ range: Range<Int>, scope: [ScopeItem], outer: [ScopeItem], ctes: [String: [DerivedColumn]]
  ) -> [DerivedColumn] {
    guard !range.isEmpty else { return [] }
    let count = range.count
    if count == 1 && tokens[range.lowerBound].isSymbol("*") {
      return scope.flatMap { $0.columns ?? [] }
    }
    if count == 3, tokens[range.upperBound - 1].isSymbol("*"),
      tokens[range.lowerBound + 1].isSymbol("."), let alias = tokens[range.lowerBound].identifier
    {
      return scope.first { $0.alias == alias }?.columns ?? []
    }
    var expression = range
    var alias: String?
    let last = tokens[range.upperBound - 1]
    if count >= 2, let name = last.identifier {
      let before = tokens[range.upperBound - 2]
      if before.isWord("as") {
        alias = name
        expression = range.lowerBound..<range.upperBound - 2
      } else if case .quoted = last, !before.isSymbol(".") {
        alias = name
        expression = range.lowerBound..<range.upperBound - 1
      } else if case .word(let word) = last, !Self.keywords.contains(word),
        Self.endsExpression(before), !before.isWord("as")
      {
        alias = name
        expression = range.lowerBound..<range.upperBound - 1
      }
    }
    let name = alias ?? figureName(expression)
    var sources: Set<ColumnLineage.Column> = []
    for reference in references(expression, ctes: ctes, scope: scope, outer: outer) {
      switch reference {
      case .column(let qualifier, let column):
        sources.formUnion(resolve(qualifier: qualifier, column: column, scope: scope, outer: outer))
      case .resolved(let columns):
        sources.formUnion(columns)
      }
    }
    return [DerivedColumn(name: name, sources: sources)]
  }

  /// PostgreSQL's name for an unaliased expression: a column's name, a function's name, `case`.
  func figureName(_ range: Range<Int>) -> String {
    var end = range.upperBound
    // Trailing casts keep the inner expression's name: `x::date` is named `x`.
    if let cast = depthZero(range).first(where: { tokens[$0].isSymbol("::") }) { end = cast }
    let expression = range.lowerBound..<end
    guard let first = expression.first else { return "?column?" }
    if tokens[first].isWord("case") { return "case" }
    if let name = tokens[first].identifier {
      var position = first + 1
      var lastName = name
      while position + 1 < end && tokens[position].isSymbol("."),
        let part = tokens[position + 1].identifier
      {
        lastName = part
        position += 2
      }
      if position == end { return lastName }
      if tokens[position].isSymbol("("), closing(position) == end - 1 { return lastName }
    }
    return "?column?"
  }

  /// What an expression reads: a column by (optional qualifier and) name, or the upstream
  /// columns a scalar subquery's output comes from.
  enum Reference {
    case column(qualifier: String?, name: String)
    case resolved(Set<ColumnLineage.Column>)
  }

  /// The references in an expression.
  mutating func references(
    _ range: Range<Int>, ctes: [String: [DerivedColumn]], scope: [ScopeItem], outer: [ScopeItem]
  ) -> [Reference] {
    var found: [Reference] = []
    var position = range.lowerBound
    while position < range.upperBound {
      let token = tokens[position]
      switch token {
      case .symbol("::"):
        position = skipType(after: position, limit: range.upperBound)
        continue
      case .symbol("("):
        let close = closing(position)
        if position + 1 < range.upperBound
          && (tokens[position + 1].isWord("select") || tokens[position + 1].isWord("with"))
        {
          let columns =
            query(position + 1..<min(close, range.upperBound), ctes: ctes, outer: scope + outer)
            ?? []
          for column in columns { found.append(.resolved(column.sources)) }
          position = close + 1
        } else {
          position += 1
        }
        continue
      case .word("as"):
        // cast(x as type): the type is not a column.
        position = skipType(after: position, limit: range.upperBound)
        continue
      case .word(let word) where Self.typedLiteralWords.contains(word):
        if position + 1 < range.upperBound && tokens[position + 1] == .literal {
          position += 2
          continue
        }
      default:
        break
      }
      guard let name = token.identifier else {
        position += 1
        continue
      }
      if case .word(let word) = token, Self.keywords.contains(word) {
        position += 1
        continue
      }
      var parts = [name]
      var next = position + 1
      while next + 1 < range.upperBound && tokens[next].isSymbol("."),
        let part = tokens[next + 1].identifier
      {
        parts.append(part)
        next += 2
      }
      let followed = next < range.upperBound ? tokens[next] : nil
      let isExtractField =
        followed == .word("from") && position >= 2 && tokens[position - 1].isSymbol("(")
        && tokens[position - 2].isWord("extract")
      if followed == .symbol("(") || isExtractField {
        // A function's name, or extract(year from x)'s field.
        position = next
        continue
      }
      if next + 1 < range.upperBound && tokens[next].isSymbol(".") && tokens[next + 1].isSymbol("*")
      {
        // count(t.*) and row(t.*): every column of t.
        if let item = (scope + outer).first(where: { $0.alias == name }) {
          for column in item.columns ?? [] {
            found.append(.column(qualifier: name, name: column.name))
          }
        }
        position = next + 2
        continue
      }
      found.append(
        .column(
          qualifier: parts.count >= 2 ? parts[parts.count - 2] : nil, name: parts[parts.count - 1]))
      position = next
    }
    return found
  }

  /// The upstream columns a reference stands for.
  func resolve(
    qualifier: String?, column: String, scope: [ScopeItem], outer: [ScopeItem]
  ) -> Set<ColumnLineage.Column> {
    for items in [scope, outer] {
      if let qualifier {
        guard let item = items.last(where: { $0.alias == qualifier }) else { continue }
        if let found = item.column(column) { return found.sources }
        return item.node.map { [.init(node: $0, name: column)] } ?? []
      }
      if let item = items.first(where: { $0.column(column) != nil }) {
        return item.column(column)?.sources ?? []
      }
      // Valid SQL names a column that exists: with one relation in scope it is that one's,
      // even when its known columns (YAML, say) do not list it; among several, the one
      // relation whose columns are unknown.
      if items.count == 1, let node = items[0].node { return [.init(node: node, name: column)] }
      let unknown = items.filter { $0.columns == nil }
      if unknown.count == 1, let node = unknown[0].node { return [.init(node: node, name: column)] }
    }
    return []
  }
}
