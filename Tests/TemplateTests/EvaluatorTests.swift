import Diagnostics
import OrderedCollections
import Template
import Testing

@Suite struct EvaluatorTests {
  @Test(arguments: [
    ("{{ 1 + 2 * 3 }}", "7"),
    ("{{ (1 + 2) * 3 }}", "9"),
    ("{{ 7 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }}", "3.5 3 -4 2 1024"),
    ("{{ 'a' ~ 1 ~ none }}", "a1None"),
    ("{{ not true or false and true }}", "False"),
    ("{{ 1 < 2 and 'b' > 'a' and 2 >= 2.0 }}", "True"),
    ("{{ 'x' in 'xyz' }} {{ 3 not in [1, 2] }} {{ 'k' in {'k': 1} }}", "True True True"),
    ("{{ 'yes' if 0 else 'no' }}", "no"),
    ("{{ [1, 'a', none, true] }}", "[1, 'a', None, True]"),
    ("{{ {'a': 1}['a'] }} {{ {'a': {'b': 2}}.a.b }} {{ [1, 2, 3][-1] }}", "1 2 3"),
    ("{{ 1.0 }} {{ 0.25 }}", "1.0 0.25"),
  ])
  func evaluatesExpressionsWithJinjaPrecedenceAndPythonFormatting(
    template: String, expected: String
  ) {
    #expect(render(template) == expected)
  }

  @Test(arguments: [
    ("{{ ' Hi ' | trim | upper }}", "HI"),
    ("{{ 'a-b' | replace('-', '_') }}", "a_b"),
    ("{{ ['a', 'b'] | join(', ') }}", "a, b"),
    ("{{ missing | default('fallback') }}", "fallback"),
    ("{{ [3, 1, 2] | sort | list | length }} {{ [3, 1, 2] | sort | first }}", "3 1"),
    ("{{ '42' | int + 1 }} {{ 3 | string ~ 'x' }} {{ 'Hello' | lower }}", "43 3x hello"),
    ("{{ [1, 2, 2] | unique | join(',') }} {{ [1, 2] | sum }} {{ -3 | abs }}", "1,2 3 3"),
    ("{{ {'a': [1, 'x']} | tojson }}", #"{"a": [1, "x"]}"#),
  ])
  func appliesFilters(template: String, expected: String) {
    #expect(render(template) == expected)
  }

  @Test func loopsExposeLoopVariables() {
    let output = render(
      "{% for c in ['a', 'b', 'c'] %}{{ loop.index }}{{ c }}{% if not loop.last %},{% endif %}{% endfor %}"
    )
    #expect(output == "1a,2b,3c")
    #expect(render("{% for x in [] %}x{% else %}empty{% endfor %}") == "empty")
    #expect(
      render(
        "{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}={{ v }}{{ ' ' if loop.first }}{% endfor %}"
      ) == "a=1 b=2")
    #expect(render("{% for i in range(3) %}{{ i }}{{ loop.revindex0 }}{% endfor %}") == "021120")
  }

  @Test func setIsScopedToLoopsAndBlockSetCapturesText() {
    #expect(render("{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{% endfor %}{{ x }}") == "1")
    #expect(render("{% set a, b = [1, 2] %}{{ b }}{{ a }}") == "21")
    #expect(render("{% set sql %}select {{ 1 }}{% endset %}[{{ sql | upper }}]") == "[SELECT 1]")
    #expect(
      render("{% set xs = [] %}{% do xs.append(1) %}{% do xs.append(2) %}{{ xs }}") == "[1, 2]")
    #expect(render("{% set d = {} %}{% do d.update({'k': 'v'}) %}{{ d.k }}") == "v")
  }

  @Test func whitespaceControlProducesCompactSQL() {
    let template = """
      select
        {%- for c in ['a', 'b'] %}
        {{ c }}{{ ',' if not loop.last }}
        {%- endfor %}
      from t
      """
    #expect(render(template) == "select\n  a,\n  b\nfrom t")
  }

  @Test func macrosTakeDefaultsKeywordsAndReturnValues() throws {
    let host = try TestHost(
      macroSource: """
        {% macro cents(column, scale=2) %}round({{ column }} / 100.0, {{ scale }}){% endmacro %}
        {% macro pick(x) %}{{ return(x * 2) }}{% endmacro %}
        """)
    #expect(
      render("{{ cents('amount') }}|{{ cents('a', scale=0) }}", host: host)
        == "round(amount / 100.0, 2)|round(a / 100.0, 0)")
    #expect(render("{{ pick(21) + 0 }}", host: host) == "42")
    #expect(render("{% macro local(y) %}<{{ y }}>{% endmacro %}{{ local(1) }}") == "<1>")
  }

  @Test func hostFunctionsAndGlobalsAreReachable() throws {
    let host = try TestHost(globals: ["target": .dict(["schema": .string("dev")])])
    #expect(
      render("select * from {{ ref('orders') }} -- {{ target.schema }}", host: host)
        == "select * from \"schema\".\"orders\" -- dev")
    #expect(host.calls == ["ref('orders')"])
    #expect(render("{{ var('x', 'd') }}", host: host) == "d")
  }

  @Test func testsAndStringMethods() {
    #expect(
      render(
        "{{ x is defined }} {{ none is none }} {{ 4 is even }} {{ 'a' is string }} {{ 1 is not number }}"
      ) == "False True True True False")
    #expect(
      render(
        "{{ 'a,b'.split(',') }} {{ 'Abc'.lower() }} {{ 'x'.startswith('x') }} {{ '-'.join(['a', 'b']) }}"
      ) == "['a', 'b'] abc True a-b")
    #expect(render("{{ {'a': 1}.get('b', 5) }} {{ {'a': 1}.keys() | list }}") == "5 ['a']")
  }

  @Test func raiseCompilerErrorReportsTheCallSite() {
    let output = render("select\n{{ exceptions.raise_compiler_error('bad input') }}")
    #expect(
      output == """
        ERROR models/t.sql:2:4: error: bad input
        2 | {{ exceptions.raise_compiler_error('bad input') }}
          |    ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

        """)
  }

  @Test func undefinedNamesSuggestTheClosestOne() {
    let output = render("{% set order_count = 1 %}{{ order_cuont }}")
    #expect(
      output == """
        ERROR models/t.sql:1:29: error: `order_cuont` is undefined
        1 | {% set order_count = 1 %}{{ order_cuont }}
          |                             ^~~~~~~~~~~
        hint: did you mean `order_count`?

        """)
  }

  @Test func anUndefinedNameTestedByIfIsFalseAsInJinja() {
    #expect(render("{% if unmet_condition %}yes{% else %}no{% endif %}") == "no")
    // Anywhere else it is still reported.
    #expect(render("{% if unmet_condition == 1 %}yes{% endif %}").contains("is undefined"))
  }

  @Test func errorsInsideMacrosCarryTheCallChain() throws {
    let host = try TestHost(
      macroSource:
        "{% macro outer(x) %}{{ inner(x) }}{% endmacro %}{% macro inner(y) %}{{ y | bogus }}{% endmacro %}"
    )
    let output = render("select {{ outer(1) }}", host: host)
    #expect(output.contains("macros/m.sql:1:72: error: unknown filter `bogus`"))
    #expect(output.contains("note: in macro `inner` called from macros/m.sql:1:24"))
    #expect(
      output.contains("models/t.sql:1:11: note: in macro `outer` called from models/t.sql:1:11"))
  }

  @Test func runawayRecursionIsAnErrorNotACrash() throws {
    let host = try TestHost(
      macroSource: "{% macro loop_forever(n) %}{{ loop_forever(n + 1) }}{% endmacro %}")
    let output = render("{{ loop_forever(0) }}", host: host)
    #expect(output.hasPrefix("ERROR "))
    #expect(output.contains("macro calls nest deeper than 64 levels"))
  }

  @Test(arguments: [
    ("{{ adapter.get_relation('x') }}", "`adapter` is not supported by swdbt"),
    ("{% set r = run_query('select 1') %}", "`run_query` is not supported by swdbt"),
    ("{% call statement('x') %}select 1{% endcall %}", "`statement` is not supported by swdbt"),
  ])
  func unsupportedFeaturesFailWithALocatedExplanation(template: String, message: String) {
    let output = render(template)
    #expect(output.hasPrefix("ERROR models/t.sql:1:"))
    #expect(output.contains("error: " + message))
    #expect(output.contains("hint: "))
  }

  @Test func integerOverflowAndDivisionByZeroAreDiagnostics() {
    #expect(render("{{ 9223372036854775807 + 1 }}").contains("integer overflow"))
    #expect(render("{{ 1 // 0 }}").contains("division by zero"))
  }
}
