import Foundation
import SwdbtTestSupport
import Testing

/// Slim CI as dbt users run it: production built and its artifacts kept; two models change;
/// `build -s state:modified+ --defer --state prod-artifacts` into a CI schema builds exactly
/// the changed models and their children, reading the unchanged parents from production.
@Suite struct SlimCITests {
  static let files: [String: String] = [
    "seeds/raw_customers.csv": "id,name\n1,Ann\n2,Bo\n3,Cy\n",
    "seeds/raw_orders.csv": "id,customer_id,amount\n10,1,5\n11,1,7\n12,2,3\n13,3,4\n",
    "models/staging/stg_customers.sql":
      "select id as customer_id, name from {{ ref('raw_customers') }}\n",
    "models/staging/stg_orders.sql":
      "select id as order_id, customer_id, amount from {{ ref('raw_orders') }}\n",
    "models/marts/customers.sql":
      """
    {{ config(materialized='table') }}
    select c.customer_id, c.name, count(o.order_id) as orders
    from {{ ref('stg_customers') }} c left join {{ ref('stg_orders') }} o using (customer_id)
    group by 1, 2

    """,
    "models/marts/orders.sql":
      "{{ config(materialized='table') }}\nselect * from {{ ref('stg_orders') }}\n",
    "models/marts/revenue.sql":
      "{{ config(materialized='table') }}\nselect sum(amount) as total from {{ ref('orders') }}\n",
    "models/marts/untouched.sql":
      "{{ config(materialized='table') }}\nselect count(*) as n from {{ ref('stg_customers') }}\n",
  ]

  /// Adds a `ci` target writing to `<schema>_ci` beside the fixture's own.
  func addCITarget(_ fixture: DatabaseFixture) throws {
    let project = try fixture.project.read("project.yml")
    try fixture.project.write(
      "project.yml",
      project.replacingOccurrences(
        of: "targets:\n",
        with: """
          targets:
            ci:
              type: postgres
              host: \(fixture.socketDirectory)
              user: swdbt
              dbname: postgres
              schema: \(fixture.schema)_ci
              threads: 2

          """))
  }

  func relations(_ fixture: DatabaseFixture, schema: String) throws -> [String] {
    try fixture.rows(
      "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        + "where n.nspname = '\(schema)' and c.relkind in ('r', 'v') order by 1"
    ).compactMap { $0[0] }
  }

  @Test func modifiedModelsAndTheirChildrenBuildAgainstProductionParents() async throws {
    let fixture = try await DatabaseFixture("slimci", files: Self.files)
    try addCITarget(fixture)
    let production = try fixture.swdbt(["build"])
    #expect(production.status == 0, "\(production.stderr)")
    let root = fixture.project.root
    try FileManager.default.copyItem(atPath: root + "/target", toPath: root + "/prod-artifacts")

    // Nothing changed: nothing is modified, and every built node was a success.
    let unchanged = try fixture.swdbt(["ls", "-s", "state:modified", "--state", "prod-artifacts"])
    #expect(unchanged.status == 0, "\(unchanged.stderr)")
    #expect(unchanged.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)

    // Two models change: one's SQL, one's config.
    try fixture.project.write(
      "models/staging/stg_orders.sql",
      "select id as order_id, customer_id, amount * 10 as amount from {{ ref('raw_orders') }}\n")
    try fixture.project.write(
      "models/marts/customers.sql",
      try fixture.project.read("models/marts/customers.sql").replacingOccurrences(
        of: "materialized='table'", with: "materialized='table', tags=['vip']"))
    let modified = try fixture.swdbt([
      "ls", "-s", "state:modified", "--state", "prod-artifacts", "--output", "name",
    ])
    #expect(modified.stdout.split(separator: "\n").sorted() == ["customers", "stg_orders"])
    let configs = try fixture.swdbt([
      "ls", "-s", "state:modified.configs", "--state", "prod-artifacts", "--output", "name",
    ])
    #expect(configs.stdout.split(separator: "\n") == ["customers"])
    let body = try fixture.swdbt([
      "ls", "-s", "state:modified.body", "--state", "prod-artifacts", "--output", "name",
    ])
    // A config set in the file changes its body too, as in dbt.
    #expect(body.stdout.split(separator: "\n").sorted() == ["customers", "stg_orders"])
    #expect(!body.stdout.contains("revenue"))

    let ci = try fixture.swdbt([
      "build", "-s", "state:modified+", "--defer", "--state", "prod-artifacts", "--target", "ci",
    ])
    #expect(ci.status == 0, "\(ci.stderr)")
    // Exactly the changed models and their children, in the CI schema.
    #expect(
      try relations(fixture, schema: fixture.schema + "_ci")
        == ["customers", "orders", "revenue", "stg_orders"])
    // Children read the changed parent; unchanged parents come from production.
    #expect(try fixture.scalar("select total from \"\(fixture.schema)_ci\".revenue") == "190")
    #expect(try fixture.scalar("select total from \(fixture.relation("revenue"))") == "19")
    #expect(
      try fixture.rows(
        "select name, orders from \"\(fixture.schema)_ci\".customers order by customer_id")
        == [["Ann", "2"], ["Bo", "1"], ["Cy", "1"]])
    let compiled = try fixture.project.read("target/compiled/it/models/marts/customers.sql")
    #expect(compiled.contains("\"\(fixture.schema)\".\"stg_customers\""))
    #expect(compiled.contains("\"\(fixture.schema)_ci\".\"stg_orders\""))
  }

  @Test func cloneMakesViewsOverTheStateRelations() async throws {
    let fixture = try await DatabaseFixture("clone", files: Self.files)
    try addCITarget(fixture)
    #expect(try fixture.swdbt(["build"]).status == 0)
    let root = fixture.project.root
    try FileManager.default.copyItem(atPath: root + "/target", toPath: root + "/prod-artifacts")
    let clone = try fixture.swdbt(["clone", "--state", "prod-artifacts", "--target", "ci"])
    #expect(clone.status == 0, "\(clone.stderr)")
    let ci = fixture.schema + "_ci"
    #expect(
      try fixture.rows(
        "select c.relname, c.relkind from pg_class c join pg_namespace n "
          + "on n.oid = c.relnamespace where n.nspname = '\(ci)' order by 1")
        == [
          ["customers", "v"], ["orders", "v"], ["raw_customers", "v"], ["raw_orders", "v"],
          ["revenue", "v"], ["stg_customers", "v"], ["stg_orders", "v"], ["untouched", "v"],
        ])
    #expect(try fixture.scalar("select total from \"\(ci)\".revenue") == "19")
    // Relations that exist are left alone, unless --full-refresh.
    let again = try fixture.swdbt([
      "clone", "--state", "prod-artifacts", "--target", "ci", "-s", "revenue",
    ])
    #expect(again.stdout.contains("[No-op]"), "\(again.stdout)")
    let refreshed = try fixture.swdbt([
      "clone", "--state", "prod-artifacts", "--target", "ci", "-s", "revenue", "--full-refresh",
    ])
    #expect(refreshed.stdout.contains("[CREATE VIEW]"), "\(refreshed.stdout)")
    let missing = try fixture.swdbt(["clone", "--target", "ci", "--threads", "4"])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("--state or --defer-state are required"))
    // Accepted as dbt's, but never silently: the views are created in turn.
    #expect(missing.stderr.contains("`--threads` has no effect on `clone`"))
  }
}
