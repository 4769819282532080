#if Spark
  import Foundation
  import SwdbtTestSupport
  import Testing

  /// A dbt-portable project (seeds, staging views, tables, an incremental model, tests,
  /// written with dbt's cross-database macros) builds on PostgreSQL and on Spark into the
  /// same rows.
  @Suite(.serialized, .enabled(if: SparkServer.isReachable, SparkServer.skipReason))
  struct PortableProjectTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/portable_jaffle").path

    /// Every file of the fixture, by relative path.
    static func files() throws -> [String: String] {
      var files: [String: String] = [:]
      let enumerator = FileManager.default.enumerator(atPath: fixture)
      while let path = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        FileManager.default.fileExists(atPath: fixture + "/" + path, isDirectory: &isDirectory)
        if !isDirectory.boolValue {
          files[path] = try String(contentsOfFile: fixture + "/" + path, encoding: .utf8)
        }
      }
      return files
    }

    static let relations = [
      "raw_customers", "raw_orders", "raw_payments", "stg_customers", "stg_orders",
      "stg_payments", "orders", "customers", "order_events",
    ]

    /// A value as both engines' text forms agree on it: numbers by value, booleans as
    /// `true`/`false`.
    static func normalized(_ value: String?) -> String {
      guard let value else { return "NULL" }
      if value == "t" { return "true" }
      if value == "f" { return "false" }
      if let number = Double(value), !value.contains("-") || value.hasPrefix("-") {
        return String(format: "%.6f", number)
      }
      return value
    }

    @Test func buildsIdenticalTablesOnPostgresAndSpark() async throws {
      let files = try Self.files()
      let postgres = try await DatabaseFixture("portable", files: files)
      try await onOwnThread {
        let spark = try SparkProject("portable", files: files)
        for run in 1...2 {
          let onPostgres = try postgres.swdbt(["build"])
          #expect(onPostgres.status == 0, "run \(run): \(onPostgres.stdout)\(onPostgres.stderr)")
          let onSpark = try spark.swdbt(["build"])
          #expect(onSpark.status == 0, "run \(run): \(onSpark.stdout)\(onSpark.stderr)")
          // The same unit test passes on both, on an empty schema (run 1) and a built one.
          for output in [onPostgres.stdout, onSpark.stdout] {
            #expect(output.contains("PASS orders_sum_payments_by_method"), "run \(run): \(output)")
          }
        }
        for relation in Self.relations {
          let postgresRows = try postgres.rows(
            "select * from \(postgres.relation(relation)) order by 1, 2")
          _ = try? spark.rows("refresh table {schema}.`\(relation)`")
          let sparkRows = try spark.rows("select * from {schema}.`\(relation)` order by 1, 2")
          #expect(!postgresRows.isEmpty, "\(relation) is empty")
          #expect(postgresRows.count == sparkRows.count, "\(relation): row counts differ")
          for (postgresRow, sparkRow) in zip(postgresRows, sparkRows) {
            #expect(
              postgresRow.map(Self.normalized) == sparkRow.map(Self.normalized),
              "\(relation) differs")
          }
        }
      }
    }
  }
#endif
