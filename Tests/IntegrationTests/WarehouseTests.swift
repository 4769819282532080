import Adapter
import Foundation
import Postgres
import SwdbtTestSupport
import Testing

/// The repository's own warehouse, built on the test server from its committed seeds.
///
/// The figures asserted here were computed from the seed files by a separate program that
/// applies the cleaning rules of README's "The warehouse" (not by reading the marts).
@Suite(.serialized) struct WarehouseTests {
  static let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  /// One build shared by the tests of this suite: seeding and building takes a few seconds.
  static let built = Task { () throws -> DatabaseFixture in try await freshBuild("warehouse") }

  /// The warehouse built by `swdbt build` in a schema of its own.
  static func freshBuild(_ name: String) async throws -> DatabaseFixture {
    let fixture = try await unbuilt(name)
    let build = try fixture.swdbt(["build"])
    guard build.status == 0 else { throw WarehouseError("swdbt build failed:\n\(build.stderr)") }
    return fixture
  }

  /// The warehouse's files in a fixture whose target is a fresh schema; nothing is built.
  static func unbuilt(_ name: String) async throws -> DatabaseFixture {
    let fixture = try await DatabaseFixture(name, files: try projectFiles())
    // The fixture's project.yml is replaced by the warehouse's own, pointed at the test server.
    let original = try String(contentsOfFile: repositoryRoot + "/project.yml", encoding: .utf8)
    let pointed = original.replacing(
      "    type: postgres\n    schema: analytics\n",
      with:
        "    type: postgres\n    host: \(fixture.socketDirectory)\n    user: swdbt\n"
        + "    dbname: postgres\n    schema: \(fixture.schema)\n")
    guard pointed != original else {
      throw WarehouseError("the warehouse's local target changed shape")
    }
    try fixture.project.write("project.yml", pointed)
    return fixture
  }

  struct WarehouseError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
  }

  @Test func buildPassesEveryTestAndRerunsIncrementally() async throws {
    let fixture = try await Self.built.value
    let again = try fixture.swdbt(["build"])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stdout.contains("into incremental table"))
    #expect(again.stdout.contains("ERROR=0 SKIP=0"))
    let tests =
      Int(
        again.stdout.firstMatch(of: /PASS=(\d+)/).map { String($0.output.1) } ?? "0") ?? 0
    #expect(tests > 100, "\(again.stderr)")
  }

  @Test func martsShowTheKnownFiguresOfTheCommittedSeeds() async throws {
    let fixture = try await Self.built.value
    let fact = try fixture.rows(
      "select count(*), sum(revenue) from \(fixture.relation("fact_sales", schema: "star"))")
    #expect(fact.first == ["2243", "410993.38"])
    #expect(
      try fixture.scalar(
        "select revenue from \(fixture.relation("sales_revenue_by_month", schema: "marts"))"
          + " where year_month = '2024-03'") == "11857.11")
    #expect(
      try fixture.rows(
        "select category, revenue from \(fixture.relation("sales_top_categories", schema: "marts"))"
          + " where revenue_rank = 1") == [["electronics", "176530.28"]])
    #expect(
      try fixture.rows(
        "select as_of_date::text, customers_with_orders, churned_customers, churn_rate from "
          + fixture.relation("customer_churn_rate", schema: "marts"))
        == [["2024-12-31", "241", "109", "0.4523"]])
    #expect(
      try fixture.scalar(
        "select sum(customers) from \(fixture.relation("kpi_customers_per_country", schema: "marts"))"
      ) == "333")
    // Year-over-year growth compares with the same month one year before.
    #expect(
      try fixture.scalar(
        "select yoy_growth from \(fixture.relation("sales_revenue_by_month", schema: "marts"))"
          + " where year_month = '2024-03'") == "2.4923")
  }

  @Test func everyKindOfDirtyRowIsCleanedOrRejectedWithItsReason() async throws {
    let fixture = try await Self.built.value
    func count(_ sql: String) throws -> Int { Int(try fixture.scalar(sql) ?? "") ?? -1 }
    let raw = { (name: String) in fixture.relation(name, schema: "raw") }
    let crm = fixture.relation("customers", schema: "crm")
    let staging = { (name: String) in fixture.relation(name, schema: "staging") }

    // Cleaned. Each check first proves the dirt is in the raw data, then that staging fixed it.
    // Duplicated rows collapse to one.
    #expect(try count("select count(*) - count(distinct r) from \(raw("raw_orders")) r") > 0)
    #expect(try count("select count(*) - count(distinct r) from \(raw("raw_order_lines")) r") > 0)
    #expect(try count("select count(*) - count(distinct r) from \(crm) r") > 0)
    // Three date formats, each read as the same calendar day.
    for (pattern, format) in [
      (#"^\d{2}/\d{2}/\d{4}$"#, "DD/MM/YYYY"), (#"^\d{8}$"#, "YYYYMMDD"),
      (#"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"#, "YYYY-MM-DD HH24:MI:SS"),
    ] {
      let dated = """
        from \(raw("raw_orders")) r join \(staging("stg_orders")) s on s.order_id = r.order_id
        where r.ordered_at ~ '\(pattern)'
        """
      #expect(try count("select count(*) \(dated)") > 0, "no \(format) date in the raw orders")
      #expect(
        try count("select count(*) \(dated) and s.order_date <> to_date(r.ordered_at, '\(format)')")
          == 0, "\(format) dates misread")
    }
    // Decimal commas.
    let commas = """
      from \(raw("raw_order_lines")) r join \(staging("stg_order_lines")) s
        on s.order_line_id = r.order_line_id where r.unit_price::text like '%,%'
      """
    #expect(try count("select count(*) \(commas)") > 0)
    #expect(
      try count(
        "select count(*) \(commas) and s.unit_price <> replace(r.unit_price, ',', '.')::numeric")
        == 0)
    // Mis-encoded accents.
    #expect(try count("select count(*) from \(crm) where city like '%Ã%'") > 0)
    #expect(try count("select count(*) from \(staging("stg_customers")) where city ~ '[ÃÂ]'") == 0)
    #expect(
      try count("select count(*) from \(staging("stg_customers")) where city = 'São Paulo'") > 0)
    // Country names and codes in every spelling become one ISO code.
    #expect(try count("select count(distinct country) from \(crm)") > 8)
    let countries = try fixture.rows(
      "select distinct c.country, s.country_code from \(crm) c join \(staging("stg_customers")) s"
        + " on s.customer_id = c.customer_id where c.country in ('Deutschland', 'U.S.A.', 'br')"
        + " order by 1")
    #expect(countries == [["Deutschland", "DE"], ["U.S.A.", "US"], ["br", "BR"]])
    // E-mails in mixed case with spaces.
    #expect(try count("select count(*) from \(crm) where email <> lower(trim(email))") > 0)
    #expect(
      try count(
        "select count(*) from \(crm) c join \(staging("stg_customers")) s using (customer_id)"
          + " where not s.is_erased and s.email <> lower(trim(c.email))") == 0)
    // Category spellings.
    #expect(
      try fixture.rows("select distinct category from \(staging("stg_products")) order by 1")
        == [["books"], ["clothing"], ["electronics"], ["furniture"], ["groceries"]])

    // Rejected, each with its reason: what cannot be cleaned is kept apart, never dropped.
    let rejected = try fixture.rows(
      """
      select 'customers', reject_reason from \(staging("stg_customers_rejected"))
      union select 'orders', reject_reason from \(staging("stg_orders_rejected"))
      union select 'order_lines', reject_reason from \(staging("stg_order_lines_rejected"))
      union select 'products', reject_reason from \(staging("stg_products_rejected"))
      order by 1, 2
      """)
    #expect(
      rejected == [
        ["customers", "missing or malformed customer_id"], ["customers", "unknown country"],
        ["customers", "unparseable signed_up_at"],
        ["order_lines", "malformed unit_price"], ["order_lines", "missing or malformed quantity"],
        ["order_lines", "non-positive quantity"],
        ["order_lines", "price outlier (over 10x list price)"],
        ["order_lines", "unknown or rejected order"], ["order_lines", "unknown product"],
        ["orders", "missing customer_id"], ["orders", "unknown customer"],
        ["orders", "unknown status"], ["orders", "unparseable ordered_at"],
        ["products", "unknown category"],
      ])
    // The 1000x price and the negative quantity are the raw rows, untouched.
    #expect(
      try count(
        "select count(*) from \(staging("stg_order_lines_rejected"))"
          + " where reject_reason = 'non-positive quantity' and quantity::int < 0") > 0)
  }

  @Test func anErasureRequestLeavesNoPersonalData() async throws {
    let fixture = try await Self.built.value
    #expect(
      try fixture.rows(
        "select email, full_name, city, birth_date, country_code, is_erased::text from "
          + fixture.relation("stg_customers", schema: "staging") + " where customer_id = 42")
        == [[nil, nil, nil, nil, "DE", "true"]])
    #expect(
      try fixture.rows(
        "select email_masked, email_hash from \(fixture.relation("dim_customers", schema: "star"))"
          + " where customer_id = 42") == [[nil, nil]])
    // Everyone else keeps a masked address in the customer mart, never the raw one.
    #expect(
      try fixture.rows(
        "select count(*) filter (where email_masked is null),"
          + " count(*) filter (where email_masked !~ '^.\\*\\*\\*@[a-z.]+$') from "
          + fixture.relation("customer_churn", schema: "marts")) == [["1", "0"]])
    #expect(
      try fixture.scalar(
        "select count(*) from information_schema.columns where table_schema = '\(fixture.schema)_marts'"
          + " and column_name in ('email', 'full_name', 'birth_date')") == "0")
  }

  @Test func theCustomerHistoryRecordsAChangeAndForgetsAnErasedPerson() async throws {
    let fixture = try await Self.built.value
    let history = fixture.relation("customers_history", schema: "history")
    let crm = try String(
      contentsOfFile: Self.repositoryRoot + "/seeds/crm/customers.csv", encoding: .utf8)
    let requests = try String(
      contentsOfFile: Self.repositoryRoot + "/seeds/gdpr_erasure_requests.csv", encoding: .utf8)
    defer {
      // The committed seeds again, for the other tests (staging is views over them).
      try? fixture.project.write("seeds/crm/customers.csv", crm)
      try? fixture.project.write("seeds/gdpr_erasure_requests.csv", requests)
      _ = try? fixture.swdbt(["seed"])
      _ = try? fixture.swdbt(["run", "-s", "int_customers_checked"])
    }
    #expect(
      try fixture.rows("select email, city, is_erased::text from \(history) where customer_id = 42")
        == [[nil, nil, "true"]])
    // Zoé moves to Lisbon with a new address: her row is closed and a new one opened.
    try fixture.project.write(
      "seeds/crm/customers.csv",
      crm.replacing(
        "2,zoe.garcia2@example.com,Zoé García,Porto,",
        with: "2,zoe.g@example.com,Zoé García,Lisbon,"))
    #expect(try fixture.swdbt(["seed", "-s", "customers"]).status == 0)
    #expect(try fixture.swdbt(["run", "-s", "int_customers_checked"]).status == 0)
    let moved = try fixture.swdbt(["snapshot"])
    #expect(moved.stdout.contains("1 changed"), "\(moved.stdout)")
    #expect(
      try fixture.rows(
        "select email, city, (dbt_valid_to is null)::text from \(history) "
          + "where customer_id = 2 order by dbt_valid_from")
        == [
          ["zoe.garcia2@example.com", "Porto", "false"], ["zoe.g@example.com", "Lisbon", "true"],
        ])
    // Then she asks to be erased: every version of her is blanked, the key stays.
    try fixture.project.write("seeds/gdpr_erasure_requests.csv", requests + "2,2024-12-01\n")
    #expect(try fixture.swdbt(["seed", "-s", "gdpr_erasure_requests"]).status == 0)
    let erased = try fixture.swdbt(["snapshot"])
    #expect(erased.status == 0, "\(erased.stderr)")
    #expect(
      try fixture.rows(
        "select count(*), count(email), count(full_name), count(city), count(birth_date) "
          + "from \(history) where customer_id = 2") == [["3", "0", "0", "0", "0"]])
  }

  @Test func eachRoleReadsExactlyItsMarts() async throws {
    let fixture = try await Self.built.value
    let sales = [
      "sales_revenue_by_month", "sales_revenue_by_quarter", "sales_revenue_by_year",
      "sales_top_products", "sales_top_categories", "kpi_revenue_per_month",
      "kpi_sales_volume_per_product", "kpi_average_basket_per_month",
      "kpi_new_customers_per_month", "kpi_customers_per_country",
    ]
    let customers = [
      "customer_demographics", "customer_signups_by_month", "customer_retention_by_cohort",
      "customer_churn", "customer_churn_rate",
    ]
    let hidden = [
      ("staging", "stg_customers"), ("staging", "stg_customers_rejected"),
      ("staging", "int_customers_checked"), ("star", "fact_sales"), ("star", "dim_customers"),
      ("raw", "raw_orders"), ("crm", "customers"),
    ]
    let everything = (sales + customers).map { ("marts", $0) } + hidden
    let info = try await PostgresServer.start()
    for (role, readable) in [
      ("sales_analyst", sales), ("marketing_analyst", customers), ("dw_admin", sales + customers),
    ] {
      let login = "it_\(role)_\(UUID().uuidString.prefix(6).lowercased())"
      _ = try fixture.connection.execute("create role \(login) login in role \(role)")
      defer { _ = try? fixture.connection.execute("drop role \(login)") }
      let person = try PostgresAdapter(
        info: ConnectionInfo(settings: [
          "host": info.value("host") ?? "", "user": login, "dbname": "postgres",
        ])
      ).connect()
      defer { person.close() }
      for (schema, table) in everything {
        let canRead =
          (try? person.execute("select count(*) from \(fixture.relation(table, schema: schema))"))
          != nil
        #expect(canRead == readable.contains(table), "\(role) reading \(schema).\(table)")
      }
    }
  }

  @Test func docsSiteShowsTheWarehouseLineageInABrowser() async throws {
    let fixture = try await Self.built.value
    let generate = try fixture.swdbt(["docs", "generate"])
    #expect(generate.status == 0, "\(generate.stderr)")
    // The catalog has the built relations' columns with the database's types.
    let catalog = try #require(
      try JSONSerialization.jsonObject(
        with: Data(fixture.project.read("target/catalog.json").utf8)) as? [String: Any])
    let catalogNodes = try #require(catalog["nodes"] as? [String: [String: Any]])
    let factColumns = try #require(
      catalogNodes["model.shop.fact_sales"]?["columns"] as? [String: [String: Any]])
    #expect(factColumns["revenue"]?["type"] as? String == "numeric(14,2)")
    #expect(factColumns["order_line_id"]?["index"] as? Int == 1)
    let manifest = try #require(
      try JSONSerialization.jsonObject(
        with: Data(fixture.project.read("target/manifest.json").utf8)) as? [String: Any])
    let nodes = try #require(manifest["nodes"] as? [String: [String: Any]])
    let sources = try #require(manifest["sources"] as? [String: Any])
    // The dashboards are lineage nodes too (exposures, downstream of the models they read).
    let exposures = try WarehouseDashboardTests.exposures(fixture)
    let lineageCount =
      nodes.values.filter { $0["resource_type"] as? String != "test" }.count + sources.count
      + exposures.count

    var parentMap = try #require(manifest["parent_map"] as? [String: [String]])
    for (id, exposure) in exposures {
      let models = (exposure["depends_on"] as? [String: [String]])?["nodes"] ?? []
      parentMap[id] = models.map { "model.shop.\($0)" }
    }

    let page = "file://" + fixture.project.root + "/target/docs/index.html"
    let graph = try Self.chromium(["--window-size=1600,1000", "--dump-dom", page + "#graph"])
    #expect(graph.contains("data-nodes=\"\(lineageCount)\""), "\(graph.prefix(3000))")
    // The whole lineage: every node drawn, every edge between them drawn, none behind a node
    // it does not connect.
    let whole = LineageDOM(graph, svgID: "graph-svg")
    #expect(whole.boxes.count == lineageCount)
    #expect(whole.drawnEdges == whole.expectedEdges(parentMap))
    #expect(whole.drawnEdges.count > 40)
    #expect(whole.edgesBehindOtherNodes().isEmpty, "\(whole.edgesBehindOtherNodes())")
    // Fitted to the window with readable labels: font size times the zoom.
    let scale = graph.firstMatch(
      of: /<g id="viewport" transform="translate\([-\d.]+,[-\d.]+\) scale\(([\d.]+)\)"/
    )
    .flatMap { Double($0.output.1) }
    let labelPixels = (whole.fontSize ?? 0) * (scale ?? 0)
    #expect(labelPixels >= 11, "labels of \(labelPixels) px at the default zoom")
    let right = whole.boxes.values.map { $0.x + $0.width }.max() ?? 0
    #expect(right * (scale ?? 0) <= 1600 - 260, "the graph fits the window")
    // Same-name nodes are told apart; folders and kinds have a legend.
    #expect(graph.contains(">seed customers</tspan>") && graph.contains(">source crm.</tspan>"))
    #expect(graph.contains("<div class=\"legend\">") && graph.contains("staging models</span>"))
    #expect(
      graph.contains(
        "id=\"node-list\" data-count=\"\(nodes.count + sources.count + exposures.count)\""))
    #expect(graph.contains("<summary>models</summary>"), "the project tree")

    // Searching a column's substring highlights the nodes that have it.
    let search = try Self.chromium([
      "--window-size=1600,1000", "--dump-dom", page + "#graph?q=email",
    ])
    let searched = LineageDOM(search, svgID: "graph-svg")
    for name in ["stg_customers", "dim_customers", "customer_churn"] {
      #expect(searched.classes["model.shop.\(name)"] == "node match", "\(name)")
    }
    #expect(searched.classes["model.shop.fact_sales"] == "node dim")

    // A selection is laid out for its own nodes: `+fact_sales` is fact_sales and its ancestors.
    let selected = LineageDOM(
      try Self.chromium(["--dump-dom", page + "#graph?select=%2Bfact_sales%20--exclude%20tag:pii"]),
      svgID: "graph-svg")
    #expect(
      selected.boxes["model.shop.fact_sales"] != nil
        && selected.boxes["model.shop.stg_orders"] != nil)
    #expect(selected.boxes["model.shop.customer_churn"] == nil, "not an ancestor")
    #expect(selected.drawnEdges == selected.expectedEdges(parentMap))
    #expect(selected.edgesBehindOtherNodes().isEmpty)

    // fact_sales's focus view: stg_orders feeds fact_sales directly, and that edge is visible.
    let fact = try Self.chromium(["--dump-dom", page + "#node/model.shop.fact_sales"])
    let focus = LineageDOM(fact, svgID: "focus-graph")
    #expect(focus.drawnEdges.contains("model.shop.stg_orders -> model.shop.fact_sales"))
    #expect(focus.drawnEdges == focus.expectedEdges(parentMap))
    #expect(focus.edgesBehindOtherNodes().isEmpty, "\(focus.edgesBehindOtherNodes())")
    #expect(fact.contains("<span class=\"sql-keyword\">select</span>"), "SQL highlighted")
    #expect(fact.contains(">not_null(order_line_id)</a>"), "tests by their signature")

    let node = try Self.chromium(["--dump-dom", page + "#node/model.shop.dim_customers"])
    #expect(node.contains("<svg id=\"focus-graph\""))
    #expect(node.contains("class=\"node center\" data-id=\"model.shop.dim_customers\""))
    #expect(node.contains("data-id=\"model.shop.customer_churn\""), "a child in the focus view")
    #expect(node.contains("<td>email_masked</td><td>text</td>"), "column types from the catalog")
    #expect(node.contains("PII: masked"))
    // Column lineage: the masked e-mail is computed from staging's e-mail, and feeds the churn
    // mart's column of the same name.
    let emailRow = try #require(
      node.firstMatch(of: /<tr data-column="email_masked">.*?<\/tr>/).map { String($0.output) })
    #expect(
      emailRow.contains(
        "<td class=\"from\"><a class=\"column-link\" href=\"#node/model.shop.stg_customers\">stg_customers.<wbr>email</a>"
      ), "\(emailRow)")
    #expect(emailRow.contains(">customer_churn.<wbr>email_masked</a>"))
    // Markdown: backticks become code, and accepted_values shows its values.
    let staging = try Self.chromium(["--dump-dom", page + "#node/model.shop.stg_customers"])
    let checked = try Self.chromium(["--dump-dom", page + "#node/model.shop.int_customers_checked"])
    #expect(checked.contains("with <code>reject_reason</code> set"), "markdown rendered")
    #expect(
      staging.contains("accepted_values(country_code, values=['BR', "), "test arguments shown")

    // A node's details come from the data file of its chunk (data/nodes-NNNN.js), loaded when
    // its page opens: the CRM source sorts after every model and test, in a later file.
    let source = try Self.chromium(["--dump-dom", page + "#node/source.shop.crm.customers"])
    #expect(
      FileManager.default.fileExists(
        atPath: fixture.project.root + "/target/docs/data/nodes-0001.js"))
    #expect(source.contains("<h3>Columns</h3>"), "\(source.suffix(3000))")
    #expect(source.contains("<tr data-column=\"email\""))

    // The screenshots a reviewer looks at.
    let screens = Self.repositoryRoot + "/target/docs-screens"
    try? FileManager.default.createDirectory(atPath: screens, withIntermediateDirectories: true)
    for (name, view) in [
      ("start", "#graph"), ("fact_sales", "#node/model.shop.fact_sales"),
      ("kpi", "#node/model.shop.kpi_revenue_per_month"), ("search-email", "#graph?q=email"),
    ] {
      let screenshot = "\(screens)/\(name).png"
      try? FileManager.default.removeItem(atPath: screenshot)
      _ = try Self.chromium(["--window-size=1600,1000", "--screenshot=" + screenshot, page + view])
      let size = (try? FileManager.default.attributesOfItem(atPath: screenshot)[.size] as? Int) ?? 0
      #expect(size > 20_000, "no screenshot at \(screenshot)")
    }
  }

  /// Runs headless Chromium (Debian's `chromium`, which `.ci/run` installs) and returns stdout.
  static func chromium(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments =
      [
        "timeout", "120", "chromium", "--headless", "--no-sandbox", "--disable-gpu",
        "--virtual-time-budget=3000",
      ] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw WarehouseError("chromium exited with \(process.terminationStatus); is it installed?")
    }
    return String(decoding: data, as: UTF8.self)
  }

  static func projectFiles() throws -> [String: String] {
    var files: [String: String] = [:]
    for folder in ["models", "seeds", "macros", "tests-sql", "snapshots"] {
      let base = repositoryRoot + "/" + folder
      guard let enumerator = FileManager.default.enumerator(atPath: base) else { continue }
      while let path = enumerator.nextObject() as? String {
        var isDirectory: ObjCBool = false
        let full = base + "/" + path
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory),
          !isDirectory.boolValue
        else { continue }
        files[folder + "/" + path] = try String(contentsOfFile: full, encoding: .utf8)
      }
    }
    return files
  }
}
