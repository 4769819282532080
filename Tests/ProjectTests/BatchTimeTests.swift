import Project
import Testing

@Suite struct BatchTimeTests {
  static func time(_ text: String) -> BatchTime? { BatchTime(parsing: text) }

  @Test func readsDatesTimesAndOffsetsAsUTC() {
    #expect(Self.time("2024-09-17")?.description == "2024-09-17 00:00:00+00:00")
    #expect(Self.time("2024-09-17T16:06:00Z")?.description == "2024-09-17 16:06:00+00:00")
    #expect(Self.time("2024-09-17 16:06:00.123+02:00")?.description == "2024-09-17 14:06:00+00:00")
    #expect(Self.time("2024-02-30") == nil)
    #expect(Self.time("2024-09-17x") == nil)
    #expect(Self.time("2024-09-17")?.iso8601 == "2024-09-17T00:00:00Z")
  }

  /// dbt's `MicrobatchBuilder` examples.
  @Test(arguments: [
    ("hour", -1, "2024-09-17 15:00:00+00:00"), ("hour", 1, "2024-09-17 17:00:00+00:00"),
    ("day", -1, "2024-09-16 00:00:00+00:00"), ("day", 1, "2024-09-18 00:00:00+00:00"),
    ("month", -1, "2024-08-01 00:00:00+00:00"), ("month", 4, "2025-01-01 00:00:00+00:00"),
    ("month", -9, "2023-12-01 00:00:00+00:00"), ("year", -1, "2023-01-01 00:00:00+00:00"),
  ])
  func offsetsStepFromTheTruncatedBatch(size: String, count: Int, expected: String) throws {
    let size = try #require(BatchTime.Size(rawValue: size))
    #expect(Self.time("2024-09-17 16:06:00")?.offset(by: count, size).description == expected)
  }

  @Test func ceilingKeepsABoundary() throws {
    let boundary = try #require(Self.time("2024-09-01"))
    #expect(boundary.ceiling(to: .month) == boundary)
    #expect(
      Self.time("2024-09-17 16:06")?.ceiling(to: .day).description
        == "2024-09-18 00:00:00+00:00")
  }
}
