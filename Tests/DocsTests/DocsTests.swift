import Compiler
import Diagnostics
import Docs
import Foundation
import Graph
import Project
import SwdbtTestSupport
import Testing

/// The manifest and the site of the repository's own warehouse, and the lineage layout.
@Suite struct ManifestTests {
  static let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  static func warehouse() throws -> Compilation {
    let sink = CollectingSink()
    let project = try ProjectLoader.load(root: repositoryRoot, options: LoadOptions(), sink: sink)
    let compilation = try #require(Compiler.compile(project, sink: sink))
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    return compilation
  }

  static let metadata = Manifest.Metadata(
    generatedAt: "2026-01-01T00:00:00.000Z", invocationID: "test", adapterType: "postgres")

  @Test func warehouseManifestHasDbtShapeAndEdges() throws {
    let compilation = try Self.warehouse()
    let bytes = Manifest.json(compilation, metadata: Self.metadata)
    let manifest = try #require(
      try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    for key in ["metadata", "nodes", "sources", "parent_map", "child_map"] {
      #expect(manifest[key] != nil, "missing \(key)")
    }
    let nodes = try #require(manifest["nodes"] as? [String: [String: Any]])
    let fact = try #require(nodes["model.shop.fact_sales"])
    #expect(fact["resource_type"] as? String == "model")
    #expect(fact["fqn"] as? [String] == ["shop", "star", "fact_sales"])
    #expect(fact["original_file_path"] as? String == "models/star/fact_sales.sql")
    #expect((fact["raw_code"] as? String)?.contains("{{ ref('stg_order_lines') }}") == true)
    #expect(
      (fact["compiled_code"] as? String)?.contains("\"analytics_staging\".\"stg_order_lines\"")
        == true)
    #expect(
      (fact["depends_on"] as? [String: Any])?["nodes"] as? [String]
        == ["model.shop.stg_order_lines", "model.shop.stg_orders"])
    #expect((fact["config"] as? [String: Any])?["materialized"] as? String == "incremental")
    #expect(fact["tags"] as? [String] == ["star"])
    let columns = try #require(fact["columns"] as? [String: [String: Any]])
    #expect(columns["revenue"]?["description"] as? String == "quantity x unit_price, in euros.")
    let customers = try #require(
      nodes["model.shop.dim_customers"]?["columns"] as? [String: [String: Any]])
    #expect(
      (customers["email_hash"]?["meta"] as? [String: Any])?["pii"] as? String == "pseudonymised")

    let sources = try #require(manifest["sources"] as? [String: [String: Any]])
    #expect(sources["source.shop.crm.customers"]?["schema"] as? String == "analytics_crm")
    let parents = try #require(manifest["parent_map"] as? [String: [String]])
    let children = try #require(manifest["child_map"] as? [String: [String]])
    #expect(
      parents["model.shop.int_customers_checked"] == [
        "seed.shop.country_aliases", "seed.shop.customers", "source.shop.crm.customers",
      ])
    // The two maps mirror each other and cover every node.
    let unitTests = try #require(manifest["unit_tests"] as? [String: [String: Any]])
    #expect(
      unitTests["unit_test.shop.fact_sales.fact_sales_leaves_out_cancelled_orders"]?["model"]
        as? String == "fact_sales")
    // The warehouse's two dashboards are exposures, downstream of the marts they chart.
    let exposures = try #require(manifest["exposures"] as? [String: [String: Any]])
    #expect(Set(exposures.keys) == ["exposure.shop.customers", "exposure.shop.sales"])
    let sales = try #require(exposures["exposure.shop.sales"])
    #expect(sales["type"] as? String == "dashboard")
    #expect(sales["fqn"] as? [String] == ["shop", "marts", "sales"])
    #expect(
      (sales["depends_on"] as? [String: [String]])?["nodes"]?.contains("model.shop.fact_sales")
        == true)
    #expect(children["model.shop.sales_top_products"]?.contains("exposure.shop.sales") == true)
    #expect(
      Set(parents.keys)
        == Set(nodes.keys).union(sources.keys).union(unitTests.keys).union(exposures.keys))
    for (child, ids) in parents {
      for parent in ids {
        #expect(children[parent]?.contains(child) == true, "\(parent) -> \(child)")
      }
    }
    // A generic test names what it tests.
    let test = try #require(nodes["test.shop.unique_fact_sales_order_line_id.317c4be9bd"])
    #expect(test["attached_node"] as? String == "model.shop.fact_sales")
    #expect((test["test_metadata"] as? [String: Any])?["name"] as? String == "unique")
    #expect((test["test_metadata"] as? [String: Any])?["namespace"] is NSNull)
  }

  /// dbt's `WritableManifest` refuses a manifest without these (the adapter suite loads it).
  @Test func everyNodeHasTheFieldsDbtsLoaderRequires() throws {
    let bytes = Manifest.json(try Self.warehouse(), metadata: Self.metadata)
    let manifest = try #require(
      try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    for key in ["group_map", "saved_queries", "semantic_models", "unit_tests", "disabled"] {
      #expect(manifest[key] is [String: Any], "missing \(key)")
    }
    let nodes = try #require(manifest["nodes"] as? [String: [String: Any]])
    #expect(nodes.values.contains { $0["resource_type"] as? String == "test" })
    for (id, node) in nodes {
      for key in ["database", "schema", "alias", "checksum"] {
        #expect(node.keys.contains(key), "\(id) has no \(key)")
      }
      #expect((node["checksum"] as? [String: Any])?["name"] is String, "\(id)")
    }
    let sources = try #require(manifest["sources"] as? [String: [String: Any]])
    for (id, source) in sources {
      for key in ["database", "schema", "identifier", "source_description", "loader"] {
        #expect(source.keys.contains(key), "\(id) has no \(key)")
      }
    }
  }

  @Test func manifestLoadsInPythonsJSONModule() throws {
    let fixture = try ProjectFixture([:])
    try fixture.write(
      "manifest.json",
      String(decoding: Manifest.json(try Self.warehouse(), metadata: Self.metadata), as: UTF8.self))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      "python3", "-c",
      """
      import json, sys
      m = json.load(open(sys.argv[1]))
      n = m["nodes"]["model.shop.stg_orders"]
      keys = ["resource_type", "name", "fqn", "path", "original_file_path", "raw_code", "compiled_code",
              "depends_on", "config", "columns", "description", "tags", "meta", "unique_id"]
      print(sorted(m), all(k in n for k in keys), n["depends_on"]["nodes"], len(m["child_map"]))
      """,
      fixture.root + "/manifest.json",
    ]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    process.waitUntilExit()
    let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 0)
    #expect(
      printed.hasPrefix(
        "['child_map', 'disabled', 'docs', 'exposures', 'group_map', 'groups', 'macros', 'metadata', "
          + "'metrics', 'nodes', 'parent_map', 'saved_queries', 'selectors', 'semantic_models', "
          + "'sources', 'unit_tests'] True ['model.shop.int_orders_checked']"
      ), "\(printed)")
  }

  @Test func siteIsWrittenWithItsData() throws {
    let fixture = try ProjectFixture([:])
    let compilation = try Self.warehouse()
    let written = try Site.write(
      compilation, catalog: nil, metadata: Self.metadata, root: fixture.root)
    #expect(written.catalog == nil)
    // A details file a larger project left behind goes.
    try fixture.write("target/docs/data/nodes-0099.js", "swdbtChunk(99, {});")
    _ = try Site.write(compilation, catalog: nil, metadata: Self.metadata, root: fixture.root)
    #expect(
      !FileManager.default.fileExists(atPath: fixture.root + "/target/docs/data/nodes-0099.js"))
    #expect(
      FileManager.default.fileExists(atPath: fixture.root + "/target/docs/data/nodes-0000.js"))
    let index = try fixture.read(written.index)
    #expect(index.contains("<script src=\"data.js\"></script>"))
    #expect(!index.contains("http://") && !index.contains("https://"), "the site must work offline")
    // data.js, read at first paint, has each node's summary and the layout, not its SQL.
    let data = try fixture.read("target/docs/data.js")
    #expect(data.hasPrefix("window.SWDBT_DATA = JSON.parse('{\"project_name\":\"shop\""))
    #expect(data.contains("\"layout\":{\"ids\":[\""))
    #expect(data.contains("[null,\"model\",\"fact_sales\",0,[\"shop\",\"star\",\"fact_sales\"]"))
    #expect(!data.contains("compiled_code") && !data.contains("raw_code"))
    // A node's details are in the file of its chunk, loaded when its page opens: the
    // manifest's object, and column lineage both ways.
    let customers = try fixture.read("target/docs/data/nodes-0000.js")
    #expect(customers.hasPrefix("swdbtChunk(0, JSON.parse('{") && customers.hasSuffix("}'));\n"))
    #expect(customers.contains("\"model.shop.stg_customers\":{\"node\":{\"unique_id\":"))
    #expect(customers.contains("\"compiled_code\":\""))
    #expect(
      customers.contains(
        "\"feeds\":{\"country_code\":[[\"model.shop.int_customers_checked\",\"country_code\"],"),
      "\(customers.prefix(2000))")
  }
}
