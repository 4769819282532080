import Diagnostics
import Foundation
import Runtime
import Synchronization
import Template
import Testing

/// A host answering only the runtime scope's globals, over a fixed invocation.
final class ScopeHost: TemplateHost {
  let scope: RenderScope
  init(_ scope: RenderScope) { self.scope = scope }
  func hasFunction(_ name: String) -> Bool { false }
  func call(_ name: String, _ arguments: Arguments) throws(Diagnostic) -> Value { .none }
  func global(_ name: String) -> Value? { scope.global(name) }
  func macro(named name: String) -> MacroDefinition? { nil }
  var knownNames: [String] { [] }
}

/// 2024-03-05 06:07:08.250000 UTC.
let fixedStart = Date(timeIntervalSince1970: 1_709_618_828.25)

func renderScoped(_ text: String, scope: RenderScope? = nil) -> String {
  let file = SourceFile(path: "models/m.sql", text: text)
  let invocation = InvocationContext(invocationID: "abc-123", runStartedAt: fixedStart)
  let host = ScopeHost(scope ?? RenderScope(invocation: invocation, node: "model.p.m"))
  do {
    return try Evaluator(host: host, file: file).render(try Parser.parse(file))
  } catch {
    return "ERROR " + error.message
  }
}

@Suite struct InvocationGlobalsTests {
  @Test func runStartedAtRendersLikePythonAndFormats() {
    #expect(renderScoped("{{ run_started_at }}") == "2024-03-05 06:07:08.250000+00:00")
    #expect(renderScoped("{{ run_started_at.strftime('%Y%m%d %H:%M') }}") == "20240305 06:07")
    #expect(renderScoped("{{ run_started_at.isoformat() }}") == "2024-03-05T06:07:08.250000+00:00")
    #expect(renderScoped("{{ run_started_at.timestamp() }}") == "1709618828.25")
    #expect(renderScoped("{{ invocation_id }}") == "abc-123")
  }

  @Test func datetimeConstructionArithmeticAndComparison() {
    let dt = "modules.datetime"
    #expect(
      renderScoped("{{ \(dt).datetime(2024, 2, 28) + \(dt).timedelta(days=2) }}")
        == "2024-03-01 00:00:00")
    #expect(
      renderScoped("{{ (\(dt).datetime(2024, 1, 2, 3) - \(dt).datetime(2024, 1, 1)) }}")
        == "1 day, 3:00:00")
    #expect(
      renderScoped("{{ \(dt).date(2024, 1, 31) - \(dt).timedelta(days=31) }}") == "2023-12-31")
    #expect(renderScoped("{{ \(dt).datetime(2024, 1, 2) > \(dt).datetime(2024, 1, 1) }}") == "True")
    #expect(renderScoped("{{ \(dt).datetime(2024, 5, 6, 7, 8, 9).date().year }}") == "2024")
    #expect(
      renderScoped("{{ \(dt).datetime.strptime('2024-07-04 10:11', '%Y-%m-%d %H:%M') }}")
        == "2024-07-04 10:11:00")
    #expect(
      renderScoped("{{ \(dt).datetime(2024, 2, 30) }}").hasPrefix("ERROR day 30 is out of range"))
    #expect(renderScoped("{{ \(dt).timedelta(hours=36).days }}") == "1")
    #expect(
      renderScoped("{{ \(dt).datetime(2024, 1, 1).strftime('%A %b %j') }}") == "Monday Jan 001")
    // A naive datetime's `tzinfo` is None, as in Python (not a missing attribute).
    #expect(renderScoped("{{ \(dt).datetime(2024, 1, 1).tzinfo is none }}") == "True")
  }

  @Test func regexFunctions() {
    #expect(renderScoped("{{ modules.re.match('a(b+)', 'abbbc').group(1) }}") == "bbb")
    #expect(renderScoped("{{ modules.re.match('b', 'abc') }}") == "None")
    #expect(renderScoped("{{ modules.re.search('b', 'abc').group() }}") == "b")
    #expect(renderScoped("{{ modules.re.findall('[0-9]+', 'a1b22c333') }}") == "['1', '22', '333']")
    #expect(renderScoped("{{ modules.re.sub('(\\\\w+)@', '\\\\1 at ', 'me@x') }}") == "me at x")
    #expect(renderScoped("{{ modules.re.split(',\\\\s*', 'a, b,c') }}") == "['a', 'b', 'c']")
    #expect(
      renderScoped(
        "{{ modules.re.compile('ABC', modules.re.IGNORECASE).match('abcd') is not none }}")
        == "True")
    // Braces that start no quantifier are literal, as in Python (dbt_project_evaluator).
    #expect(
      renderScoped(
        "{{ modules.re.findall('(?x) {{ \\\\s* (var) # the call\\n', 'x {{ var(1) }} {1} a{2}') }}"
          + " {{ modules.re.findall('a{2}|[{]1}', 'aa {1}') }}") == "['var'] ['aa', '{1}']")
  }

  @Test func itertoolsAndPytz() {
    #expect(
      renderScoped("{{ modules.itertools.product([1, 2], 'ab') }}")
        == "[[1, 'a'], [1, 'b'], [2, 'a'], [2, 'b']]")
    #expect(renderScoped("{{ modules.itertools.chain([1], [2, 3]) }}") == "[1, 2, 3]")
    #expect(
      renderScoped("{{ modules.itertools.combinations([1, 2, 3], 2) }}")
        == "[[1, 2], [1, 3], [2, 3]]")
    #expect(renderScoped("{{ modules.itertools.permutations([1, 2]) }}") == "[[1, 2], [2, 1]]")
    #expect(
      renderScoped("{{ run_started_at.astimezone(modules.pytz.timezone('Etc/GMT-2')).hour }}")
        == "8")
    #expect(
      renderScoped("{{ modules.pytz.timezone('Europe/Paris') }}").hasPrefix(
        "ERROR time zone `Europe/Paris` is not supported"))
  }

  @Test func serialisationAndHelpers() {
    #expect(
      renderScoped("{{ fromjson('{\"b\": [1, true, null], \"a\": \"x\"}') }}")
        == "{'b': [1, True, None], 'a': 'x'}")
    #expect(renderScoped("{{ tojson({'b': 1, 'a': [none]}) }}") == "{\"b\": 1, \"a\": [null]}")
    #expect(renderScoped("{{ fromyaml('a: 1\\nb: [x, y]') }}") == "{'a': 1, 'b': ['x', 'y']}")
    #expect(renderScoped("{{ toyaml({'a': 1}) }}") == "a: 1\n")
    #expect(renderScoped("{{ local_md5('abc') }}") == "900150983cd24fb0d6963f7d28e17f72")
    #expect(renderScoped("{{ set([1, 2, 1]) }}") == "[1, 2]")
    #expect(renderScoped("{{ flags.WHICH }} {{ dbt_version }}") == "compile 1.10.0")
  }

  @Test func logPrintsInfoOncePerNodeEvenWhenRenderedTwice() {
    let lines = Mutex<[String]>([])
    let invocation = InvocationContext(log: { line in lines.withLock { $0.append(line) } })
    let template = "{{ log('hi', info=True) }}{{ log('hi', info=True) }}{{ log('quiet') }}"
    for _ in 0..<2 {
      _ = renderScoped(template, scope: RenderScope(invocation: invocation, node: "model.p.m"))
    }
    #expect(lines.withLock { $0 } == ["hi", "hi"])
  }

  @Test func tryOrCompilerErrorReplacesTheMessage() {
    #expect(
      renderScoped(
        "{{ try_or_compiler_error('bad date', modules.datetime.datetime.strptime, 'x', '%Y') }}")
        == "ERROR bad date")
  }
}
