import Diagnostics
import SwdbtTestSupport
import Template
import Testing

/// Feeds thousands of broken templates through lexer, parser and evaluator: each must render or
/// produce a located diagnostic, and none may trap.
@Suite struct MutationTests {
  static let seeds = [
    "select {{ ref('a') }} from x {% if y %}{{ z | upper }}{% endif %}",
    "{% for c in ['a', 'b'] %}{{ loop.index }}{{ c ~ '!' }}{% endfor %}",
    "{% macro m(x, y=2) %}{{ return(x + y) }}{% endmacro %}{{ m(1) }}",
    "{%- set s -%}a{{ 1 }}{%- endset -%}{{ s | length }}{# c #}{% raw %}{{x}}{% endraw %}",
    "{{ {'k': [1, 2.5, none, true]}['k'][1] if 1 < 2 else 'n' }}",
  ]
  static let fragments = [
    "{{", "}}", "{%", "%}", "{#", "#}", "-", "(", ")", "[", "]", "'", "\"", "|", ".", ",", "=",
    "if", "endif", "for", "macro", "\u{0}", "é", "\u{FFFD}", "{% endfor %}", "**", "//",
    // Past the parser's depth bounds: each must be a diagnostic, not a stack overflow.
    String(repeating: "(", count: 700), String(repeating: " ~ 1", count: 700),
    String(repeating: "|upper", count: 700), String(repeating: "{% if x %}", count: 200),
  ]

  @Test func mutatedTemplatesNeverTrap() throws {
    var generator = SplitMix64(seed: 0x5EED)
    var diagnostics = 0
    var rendered = 0
    for iteration in 0..<5_000 {
      var bytes = Array(MutationTests.seeds[iteration % MutationTests.seeds.count].utf8)
      for _ in 0..<(1 + Int(generator.next() % 4)) {
        let position = Int(generator.next() % UInt64(bytes.count + 1))
        switch generator.next() % 3 {
        case 0 where !bytes.isEmpty:
          bytes.remove(at: min(position, bytes.count - 1))
        case 1:
          let fragment = MutationTests.fragments[
            Int(generator.next() % UInt64(MutationTests.fragments.count))]
          bytes.insert(contentsOf: Array(fragment.utf8), at: position)
        default:
          bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
        }
      }
      let file = SourceFile(path: "fuzz.sql", bytes: bytes)
      do {
        let template = try Parser.parse(file)
        _ = try Evaluator(host: try TestHost(), file: file).render(template)
        rendered += 1
      } catch let diagnostic as Diagnostic {
        diagnostics += 1
        #expect(!diagnostic.message.isEmpty)
        if let range = diagnostic.range {
          #expect(range.span.start <= range.file.bytes.count)
          _ = DiagnosticRenderer().render(diagnostic)
        }
      }
    }
    #expect(diagnostics + rendered == 5_000)
    #expect(diagnostics > 1_000)
  }
}
