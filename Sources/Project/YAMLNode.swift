/// A composed YAML node as swdbt's readers use it: scalars stay text (typed later by
/// `YAMLDocument.value(of:)`), and every node keeps where it starts, for diagnostics.
package struct YAMLNode: Sendable {
  /// What the node holds.
  package enum Content: Sendable {
    /// A scalar's text, and whether it was written plain (unquoted, not a block scalar).
    case scalar(String, isPlain: Bool)
    /// A mapping's entries, in file order.
    case mapping([(key: YAMLNode, value: YAMLNode)])
    /// A sequence's items.
    case sequence([YAMLNode])
    /// An alias Yams could not resolve into a node.
    case alias
  }

  /// The deepest nesting of collections accepted: readers and `YAMLDocument.value(of:)` recurse
  /// once per level.
  package static let maximumDepth = 512

  /// What the node holds.
  package var content: Content
  /// The 1-based line of the node's first character; 0 when unknown.
  package var line: Int
  /// The 1-based column (in Unicode scalars, as libyaml counts) of the node's first character.
  package var column: Int

  package init(_ content: Content, line: Int, column: Int) {
    self.content = content
    self.line = line
    self.column = column
  }

  /// A scalar's text; nil for collections.
  package var string: String? {
    guard case .scalar(let text, _) = content else { return nil }
    return text
  }

  /// Whether the node is a mapping.
  package var isMapping: Bool {
    guard case .mapping = content else { return false }
    return true
  }

  /// The entries of a mapping with string keys, in order; empty for other nodes.
  package var entries: [(key: String, keyNode: YAMLNode, value: YAMLNode)] {
    guard case .mapping(let mapping) = content else { return [] }
    return mapping.map { ($0.key.string ?? "", $0.key, $0.value) }
  }

  /// The value for a string key of a mapping.
  package subscript(key key: String) -> YAMLNode? {
    guard case .mapping(let mapping) = content else { return nil }
    // By index: iterating entries copies both nodes of each (40,000 lookups in a large project).
    for index in mapping.indices {
      if case .scalar(let text, _) = mapping[index].key.content, text == key {
        return mapping[index].value
      }
    }
    return nil
  }

  /// The items of a sequence; empty for other nodes.
  package var items: [YAMLNode] {
    guard case .sequence(let sequence) = content else { return [] }
    return sequence
  }
}

extension YAMLNode: Equatable {
  /// Same content, positions included.
  package static func == (left: YAMLNode, right: YAMLNode) -> Bool {
    guard left.line == right.line, left.column == right.column else { return false }
    switch (left.content, right.content) {
    case (.scalar(let a, let plainA), .scalar(let b, let plainB)):
      return a == b && plainA == plainB
    case (.mapping(let a), .mapping(let b)):
      return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    case (.sequence(let a), .sequence(let b)):
      return a == b
    case (.alias, .alias):
      return true
    default:
      return false
    }
  }
}
