import Adapter
import Diagnostics
import Docs
import Exposures
import Metrics
import Testing

/// The charts' queries and rows, with a connection that answers canned rows.
@Suite struct DashboardDataTests {
  final class CannedConnection: DatabaseConnection {
    var statements: [String] = []
    let result: QueryResult
    init(_ result: QueryResult) { self.result = result }
    func execute(_ sql: String) throws(DatabaseError) -> QueryResult {
      statements.append(sql)
      return result
    }
    func copyIn(
      _ sql: String,
      produce: (_ send: (UnsafeRawBufferPointer) throws(DatabaseError) -> Void)
        throws(DatabaseError) -> Void
    ) throws(DatabaseError) -> Int { 0 }
    func makeCanceller() -> any StatementCanceller { NoCanceller() }
    var serverVersion: String { "16.0" }
    func close() {}
  }

  struct NoCanceller: StatementCanceller {
    func cancel() {}
  }

  static func exposure(_ charts: String) throws -> Exposure {
    let (exposures, diagnostics) = ExposureReaderTests.read(ExposureReaderTests.dashboard(charts))
    #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
    return try #require(exposures.first)
  }

  static let monthly = QueryResult(
    columns: ["metric_time__month", "revenue"],
    rows: (1...30).map { index in
      let month = (index - 1) % 12 + 1
      let year = 2022 + (index - 1) / 12
      return ["\(year)-\(month < 10 ? "0" : "")\(month)-01 00:00:00+00", "\(index * 10)"]
    })

  @Test func lastMonthsKeepThePeriodsUpToTheLatestAndLabelThem() throws {
    let exposure = try Self.exposure(
      """
            - title: Revenue
              kind: line
              metrics: [revenue]
              group_by: [metric_time__month]
              time_range: last_6_months
      """)
    let connection = CannedConnection(Self.monthly)
    let semantic = SemanticReader.read(
      [SourceFile(path: "m.yml", text: ExposureReaderTests.semanticYAML)], sink: CollectingSink())
    let data = DashboardData.run(
      [exposure], semantic: semantic, relation: { "\"analytics\".\"\($0)\"" },
      connection: connection)
    let rows = try #require(data.charts[exposure.uniqueID]?.first)
    #expect(rows.error == nil)
    // The latest month in the data is 2024-06: the six months up to it, as the marts label them.
    #expect(rows.rows.map { $0[0] ?? "" } == (1...6).map { "2024-0\($0)" })
    #expect(rows.x == "metric_time__month" && rows.y == ["revenue"] && rows.series == nil)
    #expect(connection.statements.first?.contains("\"analytics\".\"fact_sales\"") == true)
  }

  @Test func modelChartsSelectTheirColumnsWithFilterOrderAndLimit() throws {
    let exposure = try Self.exposure(
      """
            - title: By year
              kind: stacked_bar
              model: ref('sales_by_year')
              x: year
              y: [revenue]
              series: category
              where: revenue > 0
              order_by: [-revenue, year]
              limit: 5
              start: "2023-01-01"
      """)
    let result = QueryResult(
      columns: ["year", "revenue", "category"],
      rows: [["2022-01-01", "1", "a"], ["2023-01-01", "2", "a"], ["2024-01-01", "3", "b"]])
    let connection = CannedConnection(result)
    let data = DashboardData.run(
      [exposure], semantic: SemanticManifest(), relation: { "\"analytics\".\"\($0)\"" },
      connection: connection)
    #expect(
      connection.statements == [
        "select \"year\", \"revenue\", \"category\" from \"analytics\".\"sales_by_year\" "
          + "where revenue > 0 order by \"revenue\" desc, \"year\" limit 5"
      ])
    let rows = try #require(data.charts[exposure.uniqueID]?.first)
    #expect(rows.rows.map { $0[0] ?? "" } == ["2023-01-01", "2024-01-01"], "from `start` on")
    #expect(rows.series == "category")
  }
}
