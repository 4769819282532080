import Compiler
import Docs
import Testing

/// Column lineage read from SQL: each case names what PostgreSQL would compute each output
/// column from.
@Suite struct ColumnLineageTests {
  static let relations = [
    "stg\u{0}orders": "model.p.orders", "stg\u{0}customers": "model.p.customers",
    "raw\u{0}lines": "seed.p.lines", "stg\u{0}self": "model.p.self",
  ]
  static let known = [
    "model.p.orders": ["order_id", "customer_id", "ordered_at", "status"],
    "model.p.customers": ["customer_id", "email", "country"],
    "seed.p.lines": ["order_id", "quantity", "price"],
  ]

  /// `name: node.column node.column` per output column, for compact expectations.
  static func lineage(_ sql: String) -> [String] {
    guard
      let outputs = ColumnLineage.analyze(
        sql, node: "model.p.self", relations: relations, knownColumns: known)
    else { return ["<not understood>"] }
    return outputs.map { output in
      ([output.name + ":"]
        + output.sources.map { "\($0.node.split(separator: ".").last ?? "").\($0.name)" })
        .joined(separator: " ")
    }
  }

  @Test func aliasesExpressionsAndCasts() {
    #expect(
      Self.lineage(
        """
        -- a comment with from "x"."y" in it
        select o.order_id, upper(o.status) as status_upper, o.ordered_at::date,
          date_trunc('month', ordered_at)::date month, count(*) as n, 1 as one,
          extract(year from o.ordered_at) order_year, cast(o.customer_id as bigint) customer
        from "stg"."orders" as o
        group by 1, 2, 3, 4
        """) == [
          "order_id: orders.order_id", "status_upper: orders.status",
          "ordered_at: orders.ordered_at",
          "month: orders.ordered_at", "n:", "one:", "order_year: orders.ordered_at",
          "customer: orders.customer_id",
        ])
  }

  @Test func joinsResolveUnqualifiedColumnsByTheirRelation() {
    #expect(
      Self.lineage(
        """
        select o.order_id, email, c.country, price * quantity as revenue
        from "stg"."orders" o
        join "stg"."customers" c on c.customer_id = o.customer_id and o.status <> 'x'
        left join "raw"."lines" l using (order_id)
        where c.email is not null
        """) == [
          "order_id: orders.order_id", "email: customers.email", "country: customers.country",
          "revenue: lines.price lines.quantity",
        ])
  }

  @Test func ctesSubqueriesAndStarsCarrySourcesThrough() {
    #expect(
      Self.lineage(
        """
        with __dbt__cte__eph as (
          select order_id, quantity * price as amount from "raw"."lines"
        ), totals (id, total) as (
          select order_id, sum(amount) from __dbt__cte__eph group by order_id
        )
        select t.*, s.email
        from totals t
        join (select customer_id, lower(email) as email from "stg"."customers") s on true
        """) == [
          "id: lines.order_id", "total: lines.price lines.quantity", "email: customers.email",
        ])
    #expect(
      Self.lineage(#"select * from "stg"."customers""#) == [
        "customer_id: customers.customer_id", "email: customers.email",
        "country: customers.country",
      ])
  }

  @Test func unionsWindowsAndScalarSubqueries() {
    #expect(
      Self.lineage(
        """
        select order_id, row_number() over (partition by customer_id order by ordered_at) as rn,
          (select max(c.country) from "stg"."customers" c) as top_country
        from "stg"."orders"
        union all
        select order_id, quantity, null from "raw"."lines"
        """) == [
          "order_id: orders.order_id lines.order_id",
          "rn: orders.customer_id orders.ordered_at lines.quantity",
          "top_country: customers.country",
        ])
  }

  @Test func selfReferencesAndUnknownSQLAreLeftOut() {
    // An incremental model's filter on itself is not lineage; its own columns are not sources.
    #expect(
      Self.lineage(
        """
        select order_id, (select max(order_id) from "stg"."self") as high_water
        from "stg"."orders" where ordered_at > (select max(ordered_at) from "stg"."self")
        """) == ["order_id: orders.order_id", "high_water:"])
    #expect(Self.lineage("insert into t values (1)") == ["<not understood>"])
    #expect(Self.lineage("select (1") == ["<not understood>"])
    #expect(Self.lineage("") == ["<not understood>"])
  }

  @Test func mangledSQLNeverTraps() {
    // Cut, duplicate and bracket pieces of a real query; any answer will do, a trap will not.
    let sql = """
      with a as (select o.order_id, sum(l.price * l.quantity) as total from "stg"."orders" o
        join "raw"."lines" l using (order_id) group by 1), b (x, y) as (select * from a)
      select distinct on (x) x, y::numeric(14,2) "Y", (select max(email) from "stg"."customers"),
        case when y > 0 then 'a''b' else $$c$$ end as k, extract(year from now()) -- tail
      from b left join lateral (values (1)) v(n) on true union all select 1, 2, 3, 4, 5
      """
    let characters = Array(sql)
    let pieces = [
      "(", ")", ",", ".", "*", "'", "\"", "$$", "--", "/*", "select", "from", "as", "::",
    ]
    var state: UInt64 = 42
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(max(bound, 1)))
    }
    var understood = 0
    for _ in 0..<3000 {
      var mangled = characters
      for _ in 0...next(4) {
        let at = next(mangled.count)
        switch next(3) {
        case 0: mangled.removeSubrange(at..<min(mangled.count, at + next(12)))
        case 1: mangled.insert(contentsOf: Array(" " + pieces[next(pieces.count)] + " "), at: at)
        default: mangled.insert(contentsOf: mangled[at..<min(mangled.count, at + next(30))], at: at)
        }
      }
      if ColumnLineage.analyze(
        String(mangled), node: "model.p.self", relations: Self.relations, knownColumns: Self.known)
        != nil
      {
        understood += 1
      }
    }
    #expect(understood > 0)
  }

  @Test func tokenizerSkipsStringsCommentsAndDollarQuotes() {
    #expect(
      Self.lineage(
        """
        select $$ from "stg"."customers" $$ as text, E'it\\'s' as s, /* nested /* from x */ */
          o.status "Status" from "stg"."orders" o
        """) == ["text:", "s:", "Status: orders.status"])
  }
}

/// The warehouse's own lineage: personal data can be followed from the CRM to the marts.
@Suite struct WarehouseColumnLineageTests {
  @Test func personalDataAndRevenueAreTracedThroughTheLayers() throws {
    let lineage = ColumnLineage(try ManifestTests.warehouse(), catalog: nil)
    func sources(_ model: String, _ column: String) -> [String] {
      (lineage.outputs["model.shop." + model]?.first { $0.name == column }?.sources ?? [])
        .map { "\($0.node).\($0.name)" }
    }
    // From the CRM source through the checked table to the masked e-mail of the dimension.
    #expect(sources("int_customers_checked", "email") == ["source.shop.crm.customers.email"])
    #expect(sources("dim_customers", "email_masked") == ["model.shop.stg_customers.email"])
    #expect(
      sources("customer_churn", "email_masked") == ["model.shop.dim_customers.email_masked"])
    // Revenue: two columns of the order lines, then the fact's revenue in the sales mart.
    #expect(
      sources("fact_sales", "revenue") == [
        "model.shop.stg_order_lines.quantity", "model.shop.stg_order_lines.unit_price",
      ])
    #expect(sources("fact_sales", "customer_id") == ["model.shop.stg_orders.customer_id"])
    #expect(sources("sales_revenue_by_month", "revenue") == ["model.shop.fact_sales.revenue"])
    // A lookup through a join: the country code comes from the alias seed.
    #expect(
      sources("int_customers_checked", "country_code") == ["seed.shop.country_aliases.country_code"]
    )
    // Every model's output columns are named, in order, like the relation it builds.
    #expect(
      lineage.outputs["model.shop.dim_products"]?.map(\.name) == [
        "product_id", "product_name", "category", "list_price",
      ])
  }
}
