import Diagnostics
import Foundation
import Project
import SwdbtTestSupport
import Testing

/// The fast YAML reader must compose exactly the tree Yams composes (text, plain or not, and
/// every node's line and column), and must give way to Yams on everything else.
@Suite struct BlockYAMLReaderTests {
  /// Reads with both; returns whether the fast reader took the file.
  @discardableResult
  func agree(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
    let file = SourceFile(path: "x.yml", text: text)
    guard let fast = YAMLDocument.parseFast(file) else { return false }
    do {
      let slow = try YAMLDocument.parseWithYams(file)
      #expect(
        fast.root == slow.root, "fast reader differs from Yams on:\n\(text)",
        sourceLocation: sourceLocation)
    } catch {
      Issue.record(
        "fast reader accepted what Yams rejects (\(error.message)):\n\(text)",
        sourceLocation: sourceLocation)
    }
    return true
  }

  @Test func readsPropertiesFilesLikeYams() {
    let accepted = [
      """
      version: 2
      models:
        - name: stg_orders   # trailing comment
          description: "Orders, one row per order: \\"quoted\\" \\u00e9"
          config: {materialized: table, tags: ['a', "b c"]}
          columns:
            - name: order_id
              data_tests: [not_null, unique]
            - name: status
              data_tests:
                - accepted_values:
                    values: ['placed', 'it''s', -1, 2.5]
                    severity: warn
          meta:
            owner: '#team'
            empty:
            url: http://example.com/a#b
      # a comment at the left
      seeds:
      - name: country_aliases
        columns:
        - name: code
          tests:
          - not_null
        -
          name: other
      """,
      """
      sources:
        - name: crm
          schema: "{{ target.schema }}_crm"
          tables:
            - name: customers
              description: |
                Customers as the CRM exports them.

                Naïve rows too — keep them.
            - name: folded
              description: >-
                one
                two

                three
            - name: kept
              description: |+
                kept


            - name: stripped
              description: |-
                  indented four
                  lines
      """,
      "- a\n- - b\n  - c\n- key: value\n  other: [x, {k: v}, []]\n- {}\n",
      "a:\n\n  b: 1\n\n\n  c:\n  - d\nd: 'x'\n",
      "# only a comment\n",
      "",
    ]
    for text in accepted {
      #expect(agree(text), "the fast reader gave way on:\n\(text)")
    }
  }

  @Test func givesWayToYamsOutsideItsSubset() {
    let declined = [
      "a: &anchor 1\nb: *anchor\n", "a: !!str 1\n", "---\na: 1\n", "a: 1\n...\n",
      "a: [1,\n  2]\n", "a: one\n  two\n", "a: 1\na: 2\n", "a:\tb\n", "? a\n: b\n",
      "a: \"multi\n  line\"\n", "a: |2\n   x\n", "a: b: c\n", "a: [1, 2,]\n", "<<: {a: 1}\n",
      "a: 'x' y\n", "just a scalar\n", "%YAML 1.2\n---\na: 1\n",
      "a: \"\\x41\"\n",
    ]
    for text in declined {
      #expect(!agree(text), "the fast reader should give way on:\n\(text)")
      // What it declines still parses or fails through Yams, as before.
      _ = try? YAMLDocument.parse(SourceFile(path: "x.yml", text: text))
    }
  }

  @Test func theWarehousePropertiesFilesTakeTheFastPath() throws {
    let root = URL(fileURLWithPath: #filePath)
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    agree(try String(contentsOfFile: root + "/project.yml", encoding: .utf8))
    var files: [String] = []
    for folder in ["models", "seeds"] {
      files += Golden.files(under: root + "/" + folder).filter { $0.hasSuffix(".yml") }
        .map { folder + "/" + $0 }
    }
    #expect(files.count >= 4)
    for path in files {
      let text = try String(contentsOfFile: root + "/" + path, encoding: .utf8)
      #expect(agree(text), "\(path) does not take the fast path")
    }
  }

  /// Thousands of generated documents in the block style, and mutations of them: whatever
  /// the fast reader accepts, Yams composes identically.
  @Test func generatedAndMutatedDocumentsAgreeWithYams() {
    var generator = YAMLGenerator(seed: 0x9A71)
    var acceptedWhole = 0
    var validWhole = 0
    var acceptedMutated = 0
    let rounds = 3_000
    for _ in 0..<rounds {
      let text = generator.document()
      if agree(text) { acceptedWhole += 1 }
      if (try? YAMLDocument.parseWithYams(SourceFile(path: "x.yml", text: text))) != nil {
        validWhole += 1
      }
      var bytes = Array(text.utf8)
      for _ in 0..<(1 + generator.below(3)) {
        let position = generator.below(bytes.count + 1)
        if generator.below(3) == 0, !bytes.isEmpty {
          bytes.remove(at: min(position, bytes.count - 1))
        } else {
          let pieces = [
            " ", "\n", ":", "- ", "#", "'", "\"", "|", ">", "[", "]", "{", "}", ",", "&a ", "*a",
            "!", "\t", "  ", "x", "é", "\\", "-", "?", "---\n",
          ]
          bytes.insert(contentsOf: Array(pieces[generator.below(pieces.count)].utf8), at: position)
        }
      }
      if agree(String(decoding: bytes, as: UTF8.self)) { acceptedMutated += 1 }
    }
    // The generator writes the subset: the whole documents that are valid YAML must take the
    // fast path, or this test would compare nothing.
    #expect(validWhole > rounds * 3 / 4)
    #expect(acceptedWhole * 20 > validWhole * 19)
    #expect(acceptedMutated > rounds / 5)
  }
}

/// Random YAML in the block style that properties files use.
struct YAMLGenerator {
  var random: SplitMix64

  init(seed: UInt64) { random = SplitMix64(seed: seed) }

  mutating func below(_ bound: Int) -> Int { random.below(bound) }

  mutating func pick(_ choices: [String]) -> String { choices[below(choices.count)] }

  mutating func document() -> String {
    var lines: [String] = []
    if below(5) == 0 {
      sequence(indent: 0, depth: 0, into: &lines)
    } else {
      mapping(indent: 0, depth: 0, into: &lines)
    }
    return lines.joined(separator: "\n") + (below(6) == 0 ? "" : "\n")
  }

  mutating func key() -> String {
    switch below(8) {
    case 0: return "'\(pick(["quoted key", "it''s", "a: b"]))'"
    case 1: return "\"\(pick(["dq", "tab\\tkey", "x"]))\""
    case 2: return pick(["my key", "key-with-dash", "k.1", "ключ", "+materialized"])
    default: return pick(["name", "description", "columns", "tests", "config", "meta", "values"])
    }
  }

  mutating func scalar() -> String {
    switch below(12) {
    case 0: return "'\(pick(["single", "it''s", "# not a comment", "a: b", ""]))'"
    case 1: return "\"\(pick(["double", "esc \\\" \\\\ \\n \\/", "\\u00e9t\\u00e9", "", "a: b"]))\""
    case 2: return pick(["-1", "2.5", "true", "~", "null", "1e3", "0x1F"])
    case 3: return pick(["http://x.y/a#b", "a, b [c] {d}", "x:y", "naïve café", "-x"])
    case 4: return pick(["value # comment", "value  ", "a -b"])
    default: return pick(["id", "not_null", "unique", "orders", "warn", "Some text here"])
    }
  }

  mutating func flow(depth: Int) -> String {
    let count = below(4)
    if below(2) == 0 || depth > 2 {
      let items = (0..<count).map { _ in
        depth < 2 && below(4) == 0 ? flow(depth: depth + 1) : scalar().replacing("#", with: "")
      }
      return "[" + items.joined(separator: pick([", ", ",", " , "])) + "]"
    }
    var used: Set<String> = []
    var items: [String] = []
    for _ in 0..<count {
      let name = pick(["a", "b", "severity", "values", "'q'"])
      guard used.insert(name).inserted else { continue }
      let value = depth < 2 && below(3) == 0 ? flow(depth: depth + 1) : pick(["x", "1", "'y'"])
      items.append("\(name): \(value)")
    }
    return "{" + items.joined(separator: ", ") + "}"
  }

  mutating func blockScalar(indent: Int) -> [String] {
    let header = pick(["|", ">", "|-", ">-", "|+", ">+"]) + pick(["", "", " # note"])
    var lines = [header]
    let pad = String(repeating: " ", count: indent + 2)
    for number in 0..<(1 + below(4)) {
      if below(4) == 0 { lines.append("") }
      let text = pick(["line one", "  extra indented", "naïve", "a: b # c", "- x"])
      lines.append(pad + (number == 0 ? text.trimmingPrefix(" ") : text[...]))
    }
    if below(3) == 0 { lines.append("") }
    return lines
  }

  /// A value after `key:` on `lines.last`, in a mapping at `indent`.
  mutating func value(indent: Int, depth: Int, into lines: inout [String]) {
    let choice = depth >= 3 ? below(4) : below(9)
    switch choice {
    case 0, 1: lines[lines.count - 1] += " " + scalar()
    case 2: lines[lines.count - 1] += " " + flow(depth: 0)
    case 3:
      let block = blockScalar(indent: indent)
      lines[lines.count - 1] += " " + block[0]
      lines += block.dropFirst()
    case 4: break
    case 5, 6: mapping(indent: indent + (below(4) == 0 ? 4 : 2), depth: depth + 1, into: &lines)
    case 7: sequence(indent: indent + 2, depth: depth + 1, into: &lines)
    default: sequence(indent: indent, depth: depth + 1, into: &lines)
    }
  }

  mutating func filler(indent: Int, into lines: inout [String]) {
    switch below(8) {
    case 0: lines.append("")
    case 1: lines.append(String(repeating: " ", count: below(indent + 3)) + "# comment: - x")
    default: break
    }
  }

  mutating func mapping(indent: Int, depth: Int, into lines: inout [String], inline: Bool = false) {
    let pad = String(repeating: " ", count: indent)
    var used: Set<String> = []
    for number in 0..<(1 + below(4)) {
      var name = key()
      if !used.insert(name).inserted { name = "key\(number)" }
      if inline && number == 0 {
        lines[lines.count - 1] += name + ":"
      } else {
        filler(indent: indent, into: &lines)
        lines.append(pad + name + ":")
      }
      value(indent: indent, depth: depth, into: &lines)
    }
  }

  mutating func sequence(indent: Int, depth: Int, into lines: inout [String]) {
    let pad = String(repeating: " ", count: indent)
    for _ in 0..<(1 + below(4)) {
      filler(indent: indent, into: &lines)
      switch depth >= 3 ? 0 : below(6) {
      case 0, 1: lines.append(pad + "- " + scalar())
      case 2: lines.append(pad + "- " + flow(depth: 0))
      case 3:
        lines.append(pad + "- ")
        mapping(indent: indent + 2, depth: depth + 1, into: &lines, inline: true)
      case 4:
        lines.append(pad + "-")
        mapping(indent: indent + 2, depth: depth + 1, into: &lines)
      default:
        lines.append(pad + "- - " + scalar())
        lines.append(pad + "  - " + scalar())
      }
    }
  }
}
