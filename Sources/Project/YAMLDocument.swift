package import Diagnostics
import OrderedCollections
package import Template
import Yams

/// A YAML file composed with positions, so that every key and value can be pointed at.
package struct YAMLDocument {
  /// The file the YAML came from.
  package let file: SourceFile
  /// The root node, or nil for an empty document.
  package let root: YAMLNode?

  /// Parses a YAML file; a syntax error becomes a located diagnostic.
  package static func parse(_ file: SourceFile) throws(Diagnostic) -> YAMLDocument {
    if let document = parseFast(file) { return document }
    return try parseWithYams(file)
  }

  /// The document read by `BlockYAMLReader`, or nil when the file needs all of YAML.
  package static func parseFast(_ file: SourceFile) -> YAMLDocument? {
    BlockYAMLReader.read(file.bytes).map { YAMLDocument(file: file, root: $0) }
  }

  /// The document composed by Yams (libyaml), which reads all of YAML.
  package static func parseWithYams(_ file: SourceFile) throws(Diagnostic) -> YAMLDocument {
    let document: YAMLDocument
    do {
      // The basic resolver tags every scalar as a string without running regexes; scalars
      // are typed afterwards by `plainScalar`, which is several times cheaper.
      let (text, aliasMarker) = YAMLComposer.aliasesRewritten(file)
      let parser = try Yams.Parser(yaml: text, resolver: .basic)
      if let root = try parser.singleRoot() {
        var composer = YAMLComposer(file: file, aliasMarker: aliasMarker)
        // Nodes hold their anchors weakly; the parser owns them.
        document = try withExtendedLifetime(parser) {
          YAMLDocument(file: file, root: try composer.compose(root))
        }
      } else {
        document = YAMLDocument(file: file, root: nil)
      }
    } catch let diagnostic as Diagnostic {
      throw diagnostic
    } catch let error as YamlError {
      throw YAMLDocument.diagnostic(for: error, in: file)
    } catch {
      throw .error("yaml.syntax", "cannot parse YAML: \(error)", at: YAMLDocument.start(of: file))
    }
    // Only here: the fast reader hands escapes that decode to NUL over to Yams.
    if let nul = document.root.flatMap(YAMLDocument.firstNul) {
      throw Diagnostic.nulInYAML(at: nulEscape(from: document.range(of: nul)))
    }
    return document
  }

  /// The first escape that decodes to NUL (`\0`, `\x00`, `\u0000`, `\U00000000`) at or after
  /// the start of `range`, or `range` itself when none is found.
  private static func nulEscape(from range: SourceRange) -> SourceRange {
    let bytes = range.file.bytes
    var index = range.span.start
    while index + 1 < bytes.count {
      if bytes[index] == UInt8(ascii: "\\") {
        let rest = bytes[(index + 1)...]
        for escape in ["0", "x00", "u0000", "U00000000"] where rest.starts(with: escape.utf8) {
          return SourceRange(
            file: range.file, span: Span(start: index, end: index + 1 + escape.utf8.count))
        }
        // Whatever was escaped is not the start of another escape.
        index += 2
        continue
      }
      index += 1
    }
    return range
  }

  /// The first scalar (key or value) whose text holds a NUL, depth first.
  private static func firstNul(in node: YAMLNode) -> YAMLNode? {
    switch node.content {
    case .scalar(let text, _): return text.utf8.contains(0) ? node : nil
    case .mapping(let mapping):
      for (key, value) in mapping {
        if let found = firstNul(in: key) ?? firstNul(in: value) { return found }
      }
      return nil
    case .sequence(let items):
      for item in items { if let found = firstNul(in: item) { return found } }
      return nil
    case .alias: return nil
    }
  }

  private static func diagnostic(for error: YamlError, in file: SourceFile) -> Diagnostic {
    switch error {
    case .scanner(let context, let problem, let mark, _),
      .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      // libyaml stops at 1,000 levels, past swdbt's own bound: say it as swdbt does.
      if problem.hasPrefix("Maximum nesting level reached") {
        return YAMLComposer.tooDeep(at: markRange(mark, in: file))
      }
      var notes: [Diagnostic.Note] = []
      if let context {
        notes.append(.init(context.text, at: markRange(context.mark, in: file)))
      }
      return .error("yaml.syntax", problem, at: markRange(mark, in: file), notes: notes)
    case .duplicatedKeysInMapping(let duplicates, let context):
      return .error(
        "yaml.duplicate-key",
        "duplicate key \(duplicates.map { "`\($0)`" }.joined(separator: ", "))",
        at: markRange(context.mark, in: file))
    case .reader(let problem, let offset, _, _):
      return .error(
        "yaml.syntax", problem,
        at: SourceRange(file: file, span: Span(start: offset ?? 0, end: (offset ?? 0) + 1)))
    default:
      return .error("yaml.syntax", "\(error)", at: start(of: file))
    }
  }

  /// The file's first character: where an error libyaml gives no position for is reported.
  static func start(of file: SourceFile) -> SourceRange {
    SourceRange(file: file, span: Span(start: 0, end: min(1, file.bytes.count)))
  }

  /// The range of a mark (line and column counted in Unicode scalars, as libyaml does).
  static func markRange(_ mark: Mark, in file: SourceFile) -> SourceRange {
    markRange(line: mark.line, column: mark.column, in: file)
  }

  /// The range of a 1-based line and column (in Unicode scalars).
  package static func markRange(line: Int, column: Int, in file: SourceFile) -> SourceRange {
    let lineStart = file.offset(line: line, column: 1)
    var offset = lineStart
    var scalars = 1
    let bytes = file.bytes
    while scalars < column, offset < bytes.count, bytes[offset] != UInt8(ascii: "\n") {
      offset += 1
      while offset < bytes.count, bytes[offset] & 0xC0 == 0x80 { offset += 1 }
      scalars += 1
    }
    var end = offset
    scan: while end < bytes.count {
      switch bytes[end] {
      case UInt8(ascii: "\n"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "}"),
        UInt8(ascii: "]"):
        break scan
      default: end += 1
      }
    }
    while end > offset + 1, bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
    return SourceRange(file: file, span: Span(start: offset, end: max(end, offset + 1)))
  }

  /// The range of a node, or the start of the file when the node has no mark.
  package func range(of node: YAMLNode?) -> SourceRange {
    guard let node, node.line > 0 else {
      return SourceRange(file: file, span: Span(start: 0, end: 1))
    }
    return YAMLDocument.markRange(line: node.line, column: node.column, in: file)
  }

  /// A plain scalar typed by YAML 1.2's core schema (so `yes` and `no` stay strings).
  static func plainScalar(_ text: String) -> Value {
    switch text {
    case "", "~", "null", "Null", "NULL": return .none
    case "true", "True", "TRUE": return .bool(true)
    case "false", "False", "FALSE": return .bool(false)
    case ".inf", "+.inf", ".Inf", ".INF": return .double(.infinity)
    case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
    default: break
    }
    if let number = Int(text) { return .integer(number) }
    let isNumeric = text.allSatisfy { $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }
    if isNumeric, text.contains(where: \.isNumber), let number = Double(text) {
      return .double(number)
    }
    return .string(text)
  }

  /// A node converted to a template value (scalars typed by YAML's core schema).
  package static func value(of node: YAMLNode) -> Value {
    switch node.content {
    case .scalar(let text, let isPlain):
      return isPlain ? plainScalar(text) : .string(text)
    case .mapping(let mapping):
      var entries = OrderedDictionary<String, Value>()
      for (key, value) in mapping { entries[key.string ?? ""] = YAMLDocument.value(of: value) }
      return .dict(entries)
    case .sequence(let sequence):
      return .list(sequence.map { YAMLDocument.value(of: $0) })
    case .alias:
      return .none
    }
  }
}
