import Diagnostics
import Yams

/// Turns the nodes Yams composed into `YAMLNode`s with bounded depth and bounded alias expansion.
///
/// Yams resolves an alias to the anchored node itself, so a tree of nested aliases (a "billion
/// laughs" file of a few lines) is tiny in Yams but exponential once walked, and Yams hashes
/// every mapping key, an alias key included. So, in a file with anchors and aliases, each alias
/// `*name` is rewritten (before Yams reads it) to a marker scalar of the same width, and this
/// composer resolves it: an alias costs the anchored node's size, charged to a budget, and the
/// expanded tree shares the anchored node's storage. Every refusal points at the node or alias.
struct YAMLComposer {
  /// How many nodes a file may compose to with its aliases expanded, beyond one per byte.
  static let maximumAliasNodes = 1_000_000

  /// One composed node with its size and height, which each alias to it adds again.
  private struct Composed {
    var node: YAMLNode
    var count: Int
    var height: Int
  }

  private let file: SourceFile
  /// The scalar that replaced `*` in front of alias names, when the file's aliases were rewritten.
  private let aliasMarker: Unicode.Scalar?
  private var budget: Int
  private var anchors: [String: Composed] = [:]

  /// Creates a composer for a file whose aliases were rewritten to `aliasMarker` (or not at all).
  init(file: SourceFile, aliasMarker: Unicode.Scalar?) {
    self.file = file
    self.aliasMarker = aliasMarker
    self.budget = YAMLComposer.maximumAliasNodes + file.bytes.count
  }

  /// The text to give Yams and the marker its aliases were rewritten to: unchanged (and nil)
  /// when the file has no anchor, since an alias without one is an error Yams reports itself.
  static func aliasesRewritten(_ file: SourceFile) -> (text: String, marker: Unicode.Scalar?) {
    let bytes = file.bytes
    guard bytes.contains(UInt8(ascii: "&")), bytes.contains(UInt8(ascii: "*")) else {
      return (file.text, nil)
    }
    // A private-use scalar the file does not hold: one scalar for one, so libyaml's marks
    // (lines and columns in scalars) stay those of the original text.
    let text = file.text
    let used = Set(text.unicodeScalars.lazy.filter { $0.value >= 0xE000 && $0.value <= 0xF8FF })
    guard
      let marker = (0xE000...0xF8FF).lazy.compactMap(Unicode.Scalar.init)
        .first(where: { !used.contains($0) })
    else { return (text, nil) }
    var scalars = String.UnicodeScalarView()
    var previousWasStar = false
    for scalar in text.unicodeScalars {
      if previousWasStar {
        scalars.append(isAnchorCharacter(scalar) ? marker : "*")
        previousWasStar = false
      }
      if scalar == "*" {
        previousWasStar = true
      } else {
        scalars.append(scalar)
      }
    }
    if previousWasStar { scalars.append("*") }
    return (String(scalars), marker)
  }

  /// The characters libyaml accepts in anchor and alias names.
  private static func isAnchorCharacter(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "0"..."9", "a"..."z", "A"..."Z", "_", "-": true
    default: false
    }
  }

  /// The document's root, composed within the bounds.
  mutating func compose(_ root: Node) throws(Diagnostic) -> YAMLNode {
    try compose(root, depth: 1).node
  }

  private mutating func compose(_ node: Node, depth: Int) throws(Diagnostic) -> Composed {
    let line = node.mark?.line ?? 0
    let column = node.mark?.column ?? 0
    guard depth <= YAMLNode.maximumDepth else {
      throw YAMLComposer.tooDeep(at: YAMLDocument.markRange(line: line, column: column, in: file))
    }
    try spend(1, line: line, column: column)
    var composed: Composed
    switch node {
    case .scalar(let scalar):
      if let aliasMarker, scalar.string.unicodeScalars.contains(aliasMarker) {
        if scalar.style == .plain, scalar.string.unicodeScalars.first == aliasMarker {
          return try alias(scalar.string, line: line, column: column, depth: depth)
        }
        composed = Composed(
          node: YAMLNode(
            .scalar(restored(scalar.string), isPlain: scalar.style == .plain), line: line,
            column: column), count: 1, height: 1)
      } else {
        composed = Composed(
          node: YAMLNode(
            .scalar(scalar.string, isPlain: scalar.style == .plain), line: line, column: column),
          count: 1, height: 1)
      }
    case .mapping(let mapping):
      var pairs: [(key: YAMLNode, value: YAMLNode)] = []
      pairs.reserveCapacity(mapping.count)
      var count = 1
      var height = 1
      for pair in mapping {
        let key = try compose(pair.key, depth: depth + 1)
        let value = try compose(pair.value, depth: depth + 1)
        pairs.append((key.node, value.node))
        count += key.count + value.count
        height = max(height, 1 + max(key.height, value.height))
      }
      composed = Composed(
        node: YAMLNode(.mapping(pairs), line: line, column: column), count: count, height: height)
    case .sequence(let sequence):
      var items: [YAMLNode] = []
      items.reserveCapacity(sequence.count)
      var count = 1
      var height = 1
      for item in sequence {
        let child = try compose(item, depth: depth + 1)
        items.append(child.node)
        count += child.count
        height = max(height, 1 + child.height)
      }
      composed = Composed(
        node: YAMLNode(.sequence(items), line: line, column: column), count: count, height: height)
    case .alias:
      composed = Composed(
        node: YAMLNode(.alias, line: line, column: column), count: 1, height: 1)
    }
    if aliasMarker != nil, let anchor = node.anchor { anchors[anchor.rawValue] = composed }
    return composed
  }

  /// The anchored node an alias marker names, charged again to the budget.
  private mutating func alias(_ text: String, line: Int, column: Int, depth: Int)
    throws(Diagnostic) -> Composed
  {
    let name = String(String.UnicodeScalarView(text.unicodeScalars.dropFirst()))
    let range = YAMLDocument.markRange(line: line, column: column, in: file)
    guard let anchored = anchors[name] else {
      throw Diagnostic.error(
        "yaml.syntax", "undefined alias `\(name)`", at: range,
        hint: "an alias refers to an anchor (`&\(name)`) defined before it")
    }
    guard depth - 1 + anchored.height <= YAMLNode.maximumDepth else {
      throw YAMLComposer.tooDeep(at: range)
    }
    // The alias node itself was charged on entry.
    try spend(anchored.count - 1, line: line, column: column)
    return anchored
  }

  private mutating func spend(_ nodes: Int, line: Int, column: Int) throws(Diagnostic) {
    budget -= nodes
    guard budget < 0 else { return }
    throw Diagnostic.error(
      "yaml.alias-expansion",
      "YAML aliases expand to more than \(YAMLComposer.maximumAliasNodes) nodes",
      at: YAMLDocument.markRange(line: line, column: column, in: file),
      hint: "an anchor whose content holds aliases multiplies with every alias to it")
  }

  /// A scalar's text with the markers put back to the `*` they replaced.
  private func restored(_ text: String) -> String {
    guard let aliasMarker else { return text }
    var scalars = String.UnicodeScalarView()
    for scalar in text.unicodeScalars { scalars.append(scalar == aliasMarker ? "*" : scalar) }
    return String(scalars)
  }

  /// The error for collections nested deeper than `YAMLNode.maximumDepth`.
  static func tooDeep(at range: SourceRange) -> Diagnostic {
    .error(
      "yaml.too-deep", "YAML nested too deeply (over \(YAMLNode.maximumDepth) levels)", at: range,
      hint: "flatten the structure")
  }
}
