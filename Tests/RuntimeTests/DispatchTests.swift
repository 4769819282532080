import Runtime
import Testing

@Suite struct DispatchTests {
  @Test func projectEnginePrefixOverridesTheBuiltIn() throws {
    let host = try RuntimeHost(
      projectMacros: "{% macro postgres__dateadd(datepart, interval, d) %}my({{ d }}){% endmacro %}"
    )
    #expect(
      render("{{ dateadd('day', 1, 'x') }} {{ dbt.dateadd('day', 1, 'x') }}", host: host)
        == "my(x) my(x)")
  }

  @Test func projectDefaultBeatsBuiltInEnginePrefixAsInDbt() throws {
    // dbt searches package by package: the root project's `default__` comes before the
    // built-in `postgres__`.
    let host = try RuntimeHost(
      projectMacros: "{% macro default__any_value(e) %}first({{ e }}){% endmacro %}")
    #expect(render("{{ any_value('x') }}", host: host) == "first(x)")
  }

  @Test func projectEnginePrefixBeatsProjectDefault() throws {
    let host = try RuntimeHost(
      projectMacros: """
        {% macro default__hash(f) %}d({{ f }}){% endmacro %}\
        {% macro postgres__hash(f) %}p({{ f }}){% endmacro %}
        """)
    #expect(render("{{ hash('x') }}", host: host) == "p(x)")
  }

  @Test func projectMacroOfTheSameNameReplacesTheBareNameOnly() throws {
    let host = try RuntimeHost(
      projectMacros: "{% macro length(e) %}char_length({{ e }}){% endmacro %}")
    #expect(
      render("{{ length('s') }} {{ dbt.length('s') }}", host: host)
        == "char_length(s) length(s)")
  }

  @Test func dispatchSearchOrderFromTheProjectConfig() throws {
    let source = "{% macro postgres__right(s, n) %}mine({{ s }}){% endmacro %}"
    let skipping = try RuntimeHost(projectMacros: source, searchOrders: ["dbt": ["dbt"]])
    #expect(render("{{ right('s', 2) }}", host: skipping) == "right(s, 2)")
    let ordered = try RuntimeHost(projectMacros: source, searchOrders: ["dbt": ["shop", "dbt"]])
    #expect(render("{{ right('s', 2) }}", host: ordered) == "mine(s)")
  }

  @Test func dispatchOfAProjectNamespaceFindsProjectImplementations() throws {
    let host = try RuntimeHost(
      projectMacros: """
        {% macro greet(n) %}{{ return(adapter.dispatch('greet', 'shop')(n)) }}{% endmacro %}\
        {% macro default__greet(n) %}hello {{ n }}{% endmacro %}
        """)
    #expect(render("{{ greet('x') }}", host: host) == "hello x")
  }

  @Test func missingImplementationNamesWhatWasTried() {
    #expect(
      render("{{ adapter.dispatch('nothing', 'dbt')() }}") == """
        ERROR models/m.sql:1:4: error: no implementation of `nothing` found by `adapter.dispatch`
        1 | {{ adapter.dispatch('nothing', 'dbt')() }}
          |    ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
        hint: define one of `shop.postgres__nothing`, `shop.default__nothing`, `dbt.postgres__nothing`, `dbt.default__nothing`

        """)
  }
}

@Suite struct AdapterTests {
  @Test func introspectionMethodsSayTheyNeedAConnection() {
    #expect(
      render("{{ adapter.get_relation(database='d', schema='s', identifier='t') }}") == """
        ERROR models/m.sql:1:4: error: `adapter.get_relation` is not supported by swdbt
        1 | {{ adapter.get_relation(database='d', schema='s', identifier='t') }}
          |    ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
        hint: it queries the database, which this template cannot reach

        """)
  }
}
