import Diagnostics
import Project
import SwdbtTestSupport
import Testing

@testable import Compiler

/// swdbt's own `spark__` versions of dbt's cross-database macros, picked on a `spark` target.
@Suite struct SparkBuiltinMacroTests {
  @Test func crossDatabaseMacrosCompileToSparkSQL() throws {
    let fixture = try ProjectFixture([
      "project.yml": """
      name: shop
      targets:
        dev: {type: spark, schema: dev}
      """,
      "models/model.sql": """
      select {{ dbt.dateadd('day', 1, 'd') }}, {{ dbt.datediff('a', 'b', 'day') }}, \
      {{ dbt.type_string() }}, {{ dbt.safe_cast('x', 'int') }}, {{ dbt.concat(['a', 'b']) }}, \
      {{ dbt.hash('a') }}, {{ dbt.current_timestamp() }}, {{ dbt.any_value('a') }}, \
      {{ dbt.listagg('a', "','", 'order by a') }}, {{ dbt.cast_bool_to_text('f') }}
      """,
    ])
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    let compilation = Compiler.compile(loaded, sink: sink)
    let sql = compilation?.nodes.first { $0.name == "model" }?.sql
    #expect(sink.diagnostics.filter { $0.severity == .error }.isEmpty, "\(sink.diagnostics)")
    #expect(
      sql
        == "select timestampadd(day, 1, d), datediff(cast(b as date), cast(a as date)), string, "
        + "try_cast(x as int), concat(a, b), md5(cast(a as string)), current_timestamp(), "
        + "first(a), listagg(a, ',') within group (order by a), cast(f as string)")
  }

  /// Names as dbt-spark writes them: relations unquoted without the catalog, backticks where
  /// a template asks for quotes; PostgreSQL's stay double-quoted.
  @Test(arguments: [
    ("spark", "dev.orders", "`dev`.`orders`", "`a b`"),
    ("postgres", "\"dev\".\"orders\"", "\"dev\".\"orders\"", "\"a b\""),
  ])
  func relationNamesFollowTheEngine(
    type: String, plain: String, quoted: String, column: String
  ) throws {
    let fixture = try ProjectFixture([
      "project.yml": """
      name: shop
      targets:
        dev: {type: \(type), schema: dev}
      """,
      "models/orders.sql": "select 1 as id",
      "models/model.sql": """
      select {{ adapter.quote('a b') }} from {{ ref('orders') }}
      -- {{ api.Relation.create(schema='dev', identifier='orders').quote(identifier=true, schema=true) }}
      -- {{ api.Column.create('a b', 'string').quoted }} {{ this }}
      """,
    ])
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    let compilation = Compiler.compile(loaded, sink: sink)
    let sql = compilation?.nodes.first { $0.name == "model" }?.sql
    #expect(sink.diagnostics.filter { $0.severity == .error }.isEmpty, "\(sink.diagnostics)")
    let this = plain.replacing("orders", with: "model")
    #expect(
      sql == "select \(column) from \(plain)\n-- \(quoted)\n-- \(column) \(this)")
  }
}
