import Adapter
import Foundation
import Postgres
import SwdbtTestSupport
import Testing

/// The repository's own warehouse, seeded and built on the test server.
@Suite struct WarehouseTests {
  static let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  @Test func repositoryWarehouseSeedsAndBuilds() async throws {
    let files = try Self.projectFiles()
    let fixture = try await DatabaseFixture("warehouse", files: files)
    // The fixture's project.yml is replaced by the warehouse's own, pointed at the test server.
    let original = try String(
      contentsOfFile: Self.repositoryRoot + "/project.yml", encoding: .utf8)
    let pointed = original.replacing(
      "    type: postgres\n    schema: analytics\n",
      with:
        "    type: postgres\n    host: \(fixture.socketDirectory)\n    user: swdbt\n"
        + "    dbname: postgres\n    schema: \(fixture.schema)\n")
    #expect(pointed != original, "the warehouse's local target changed shape")
    try fixture.project.write("project.yml", pointed)
    let seed = try fixture.swdbt(["seed"])
    #expect(seed.status == 0, "\(seed.stderr)")
    let run = try fixture.swdbt(["run"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("ERROR=0 SKIP=0"))
    for (schema, table) in [
      ("star", "fact_sales"), ("star", "dim_customers"), ("marts", "sales_revenue_by_month"),
    ] {
      let count = try fixture.scalar(
        "select count(*) from \(fixture.relation(table, schema: schema))")
      #expect(Int(count ?? "0") ?? 0 > 0, "\(schema).\(table) is empty")
    }
    // Each audience reads exactly its marts; nobody but the owner reads staging or the star.
    let info = try await PostgresServer.start()
    let expectations: [(role: String, readable: [String])] = [
      ("sales_analyst", ["sales_revenue_by_month"]),
      ("marketing_analyst", ["customer_signups_by_month"]),
      ("dw_admin", ["sales_revenue_by_month", "customer_signups_by_month"]),
    ]
    let everything = [
      ("marts", "sales_revenue_by_month"), ("marts", "customer_signups_by_month"),
      ("star", "fact_sales"), ("star", "dim_customers"), ("staging", "stg_orders"),
    ]
    for (role, readable) in expectations {
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
    // A second run takes the incremental path and still succeeds.
    let again = try fixture.swdbt(["run"])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stderr.contains("into incremental table"))
  }

  static func projectFiles() throws -> [String: String] {
    var files: [String: String] = [:]
    for folder in ["models", "seeds", "macros", "tests-sql"] {
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
