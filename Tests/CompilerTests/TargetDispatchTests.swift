import Diagnostics
import Project
import SwdbtTestSupport
import Testing

@testable import Compiler

/// `adapter.dispatch` and the `dbt` built-ins pick the implementation of the target's type,
/// as dbt does for each adapter: `spark__x` on a `spark` target, `default__x` elsewhere.
@Suite struct TargetDispatchTests {
  /// The compiled SQL of `model` in a project whose target has `type`.
  func compiled(type: String) throws -> (sql: String?, errors: [String]) {
    let fixture = try ProjectFixture([
      "project.yml": """
      name: shop
      targets:
        dev: {type: \(type), schema: dev}
      """,
      "macros/engines.sql": """
      {% macro greeting() %}{{ return(adapter.dispatch('greeting')()) }}{% endmacro %}
      {% macro spark__greeting() %}'from spark'{% endmacro %}
      {% macro default__greeting() %}'from default'{% endmacro %}
      {% macro spark__dateadd(datepart, interval, from_date_or_timestamp) %}\
      dateadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})\
      {% endmacro %}
      """,
      "models/model.sql": """
      select {{ greeting() }} as g, {{ dbt.dateadd('day', 1, 'd') }} as later, \
      '{{ adapter.type() }}' as engine
      """,
    ])
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    let compilation = Compiler.compile(loaded, sink: sink)
    let model = compilation?.nodes.first { $0.name == "model" }
    return (model?.sql, sink.diagnostics.filter { $0.severity == .error }.map(\.message))
  }

  @Test func aSparkTargetPicksTheSparkImplementations() throws {
    let (sql, errors) = try compiled(type: "spark")
    #expect(errors.isEmpty, "\(errors)")
    #expect(
      sql == "select 'from spark' as g, dateadd(day, 1, d) as later, 'spark' as engine")
  }

  @Test func aPostgresTargetPicksDefaultAndPostgresImplementations() throws {
    let (sql, errors) = try compiled(type: "postgres")
    #expect(errors.isEmpty, "\(errors)")
    #expect(
      sql
        == "select 'from default' as g, d + ((interval '1 day') * (1)) as later, "
        + "'postgres' as engine")
  }
}
