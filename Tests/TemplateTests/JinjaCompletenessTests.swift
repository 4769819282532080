import Diagnostics
import Template
import Testing

/// Jinja2 features dbt projects and packages use, each rendered and compared exactly.
@Suite struct JinjaCompletenessTests {
  @Test(arguments: [
    ("{{ [1, 2, 3, 4][1:3] }}", "[2, 3]"),
    ("{{ 'abcdef'[::-1] }} {{ 'abcdef'[:2] }}{{ 'abcdef'[-2:] }}", "fedcba abef"),
    (
      "{{ [1, 2, 3, 4, 5][::2] }} {{ [1, 2, 3][5:] }} {{ range(10)[-3:-1] }}", "[1, 3, 5] [] [7, 8]"
    ),
  ])
  func slicesListsAndStringsLikePython(template: String, expected: String) {
    #expect(render(template) == expected)
  }

  @Test func sliceWithZeroStepIsALocatedError() {
    let output = render("{{ [1, 2][::0] }}")
    #expect(output.contains("models/t.sql:1:4: error: slice step cannot be zero"))
  }

  @Test(arguments: [
    (
      "{% for i in range(10) %}{% if i == 3 %}{% break %}{% endif %}{% if i == 1 %}{% continue %}{% endif %}{{ i }}{% endfor %}",
      "02"
    ),
    (
      "{% for a in [1, 2] %}{% for b in [1, 2, 3] %}{% if b == 2 %}{% break %}{% endif %}{{ a }}{{ b }} {% endfor %}{% endfor %}",
      "11 21 "
    ),
    ("{% for i in [1, 2, 3] %}{{ loop.cycle('a', 'b') }}{% endfor %}", "aba"),
    ("{% for i in [1, 2, 3] %}{{ loop.previtem }}-{{ loop.nextitem }},{% endfor %}", "-2,1-3,2-,"),
    ("{% for i in range(6) if i is even %}{{ i }}{{ ',' if not loop.last }}{% endfor %}", "0,2,4"),
    ("{% for i in [] if i %}x{% else %}empty{% endfor %}", "empty"),
  ])
  func loopControlsAndLoopVariables(template: String, expected: String) {
    #expect(render(template) == expected)
  }

  @Test func breakOutsideALoopIsALocatedError() {
    let output = render("a\n{% break %}")
    #expect(output.contains("models/t.sql:2:4: error: `{% break %}` outside a `{% for %}` loop"))
  }

  @Test(arguments: [
    (
      "{% set ns = namespace(total=0, found=false) %}{% for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% if i == 2 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.total }} {{ ns.found }}",
      "6 True"
    ),
    (
      "{% set ns = namespace(items=[]) %}{% for i in [1, 2] %}{% do ns.items.append(i) %}{% endfor %}{{ ns.items }}",
      "[1, 2]"
    ),
    (
      "{% set d = {'k': []} %}{% do d.k.append(1) %}{% do d['k'].append(2) %}{{ d }}",
      "{'k': [1, 2]}"
    ),
    (
      "{{ list('ab') }} {{ dict({'a': 1}, b=2) }} {{ list(range(3)) }}",
      "['a', 'b'] {'a': 1, 'b': 2} [0, 1, 2]"
    ),
  ])
  func namespacesAndBuiltins(template: String, expected: String) {
    #expect(render(template) == expected)
  }

  @Test(arguments: [
    (
      "{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% set name = 'x' %}{% call wrap('b') %}hi {{ name }}{% endcall %}",
      "<b>hi x</b>"
    ),
    (
      "{% macro each(items) %}{% for i in items %}{{ caller(i) }}{% endfor %}{% endmacro %}{% call(x) each([1, 2]) %}[{{ x }}]{% endcall %}",
      "[1][2]"
    ),
    (
      "{% macro m(a, b=2) %}{{ a }}{{ b }}:{{ varargs | join(',') }}:{{ kwargs.k }}{% endmacro %}{{ m(1, 5, 3, 4, k='v') }}",
      "15:3,4:v"
    ),
    ("{% filter upper %}abc{{ 'd' }}{% endfilter %}", "ABCD"),
    ("{% filter replace('a', 'b') | upper %}aa{% endfilter %}", "BB"),
  ])
  func callBlocksFilterBlocksAndVariadicMacros(template: String, expected: String) {
    #expect(render(template) == expected)
  }

  @Test func macroWithoutVarargsStillRejectsExtraArguments() {
    let output = render("{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}")
    #expect(output.contains("error: macro `m` takes 1 arguments, got 2"))
  }

  @Test(arguments: [
    (
      "{{ [1, 2, 3, 4] | select('odd') | list }} {{ [1, 2, 3, 4] | reject('even') | join }}",
      "[1, 3] 13"
    ),
    (
      "{{ [1, 2, 3, 4] | select('>', 2) | list }} {{ [0, 1, '', none, 'a'] | select | list }}",
      "[3, 4] [1, 'a']"
    ),
    (
      "{% set xs = [{'n': 'a', 'k': true}, {'n': 'b', 'k': false}] %}{{ xs | selectattr('k') | map(attribute='n') | join }}{{ xs | rejectattr('k') | map(attribute='n') | join }}{{ xs | selectattr('n', 'equalto', 'b') | map(attribute='n') | join }}",
      "abb"
    ),
    (
      "{{ [1, 2, 3, 4, 5] | batch(2) | list }} {{ [1, 2, 3] | batch(2, 0) | list }}",
      "[[1, 2], [3, 4], [5]] [[1, 2], [3, 0]]"
    ),
    ("{{ [1, 2, 3, 4, 5] | slice(2) | list }}", "[[1, 2, 3], [4, 5]]"),
    (
      "{{ '3' | as_number + 1 }} {{ 'true' | as_bool }} {{ '2.5' | as_native }} {{ 7 | as_text ~ 'x' }}",
      "4 True 2.5 7x"
    ),
    ("{{ ['b', 'A', 'c'] | sort | join }} {{ ['a', 'A', 'b'] | unique | join }}", "Abc ab"),
    ("{{ [{'a': 2}, {'a': 1}] | sort(attribute='a') | map(attribute='a') | join }}", "12"),
    // An integer `attribute=` indexes each row (dbt_utils' `map(attribute=0)` on query data).
    (
      "{{ [[1, 'a'], [2, 'b']] | map(attribute=0) | list }} {{ [[1, 'a']] | map(attribute='1') | join }}",
      "[1, 2] a"
    ),
    (
      "{{ 2.567 | round(2) }} {{ 2.5 | round }} {{ 3.5 | round }} {{ 2.1 | round(method='ceil') }} {{ 2.9 | round(0, 'floor') }}",
      "2.57 2.0 4.0 3.0 2.0"
    ),
    (
      "{{ 'a\\nb' | indent(2, true) }}|{{ 'a\\nb' | indent(width=1, first=true) }}",
      "  a\n  b| a\n b"
    ),
    (
      "{{ [{'v': 1}, {'v': 2}] | sum(attribute='v') }} {{ [3, 1] | max }} {{ {'a': 1} | items | list }}",
      "3 3 [['a', 1]]"
    ),
  ])
  func filtersBehaveLikeJinja(template: String, expected: String) {
    #expect(render(template) == expected)
  }

  @Test(arguments: [
    ("{{ '{0}-{1}-{0}'.format('a', 'b') }} {{ '{}+{}'.format(1, 2) }}", "a-b-a 1+2"),
    (
      "{{ 'a,b'.split(',') }} {{ ' x '.strip() }} {{ 'Ab'.lower() }}{{ 'Ab'.upper() }}",
      "['a', 'b'] x abAB"
    ),
    (
      "{{ 'abc'.startswith('a') }} {{ 'abc'.endswith('b') }} {{ '-'.join(['a', 'b']) }}",
      "True False a-b"
    ),
    (
      "{% set d = {'a': 1} %}{{ d.pop('a') }}{{ d }} {{ d.get('z', 5) }} {{ {'a': 1}.items() | list }}",
      "1{} 5 [['a', 1]]"
    ),
    ("{% set d = {} %}{{ d.setdefault('k', 3) }}{{ d }}", "3{'k': 3}"),
  ])
  func stringAndContainerMethods(template: String, expected: String) {
    #expect(render(template) == expected)
  }

  @Test(arguments: [
    (
      "{{ x is defined }} {{ none is none }} {{ 'a' is string }} {{ 1.5 is number }}",
      "False True True True"
    ),
    (
      "{{ {} is mapping }} {{ [] is iterable }} {{ 1 is sameas 1 }} {{ 2 is in [1, 2] }}",
      "True True True True"
    ),
    (
      "{{ 3 is gt 2 }} {{ 3 is le 2 }} {{ 'ab' is lower }} {{ 'AB' is upper }}",
      "True False True True"
    ),
  ])
  func isTests(template: String, expected: String) {
    #expect(render(template) == expected)
  }

  @Test(arguments: [
    ("{% set x | upper %}ab{{ 'c' }}{% endset %}{{ x }}", "ABC"),
    ("{{ '%s-%d' % ('a', 2) }} {{ '%.2f%%' % 1.5 }} {{ '%s!' | format('hi') }}", "a-2 1.50% hi!"),
    (
      "{% for i in [1, 2, 3] -%}\n  {%- if i == 2 %}{% continue %}{% endif %}{{ i }}\n{%- endfor %}",
      "13"
    ),
  ])
  func blockSetFiltersPercentFormattingAndWhitespaceControl(template: String, expected: String) {
    #expect(render(template) == expected)
  }

  @Test func callBlockWithoutAMacroCallIsALocatedError() {
    let output = render("{% call wrap %}x{% endcall %}")
    #expect(output.contains("models/t.sql:1:9: error: `{% call %}` needs a macro call"))
  }

  @Test func callerBodySeesTheVariablesAroundTheCall() throws {
    let host = try TestHost(
      macroSource: "{% macro twice() %}{{ caller() }}{{ caller() }}{% endmacro %}")
    let output = render(
      "{% for c in ['a', 'b'] %}{% call twice() %}{{ c }}{{ loop.index }}{% endcall %}{% endfor %}",
      host: host)
    #expect(output == "a1a1b2b2")
  }

  @Test func namespaceSetInACallerBodyIsSeenAfterTheCall() throws {
    let host = try TestHost(
      macroSource: "{% macro twice() %}{{ caller() }}{{ caller() }}{% endmacro %}")
    let output = render(
      "{% set ns = namespace(n=0, xs=[]) %}{% call twice() %}{% set ns.n = ns.n + 1 %}"
        + "{% do ns.xs.append(ns.n) %}{% endcall %}{{ ns.n }} {{ ns.xs }}",
      host: host)
    #expect(output == "2 [1, 2]")
  }

  @Test(arguments: [
    (
      "{% for i in [1] %}{% macro m() %}{% continue %}{% endmacro %}{% endfor %}",
      "models/t.sql:1:37: error: `{% continue %}` outside a `{% for %}` loop"
    ),
    ("{{ 'abc' | as_number }}", "models/t.sql:1:4: error: `as_number` expects a number, got 'abc'"),
    ("{{ [1] | batch(0) }}", "models/t.sql:1:4: error: `batch` expects a positive size"),
    (
      "{{ '{0} {1}'.format('a') }}",
      "models/t.sql:1:4: error: format string needs a value for `{1}`"
    ),
    ("{{ '%d' % 'x' }}", "models/t.sql:1:4: error: `%d` needs a number, got string"),
  ])
  func badInputIsALocatedError(template: String, message: String) {
    #expect(render(template).contains(message))
  }
}
