import Testing

@testable import PostgresEngine

@Suite struct FailuresTableNameTests {
  @Test func shortNamesAreKept() {
    #expect(TestRunner.failuresTableName("not_null_orders_id") == "not_null_orders_id")
  }

  /// PostgreSQL cuts names at 63 bytes: two long test names sharing them would share a table.
  @Test func longNamesFitAndStayDistinct() {
    let base = String(repeating: "accepted_values_", count: 4)
    let first = TestRunner.failuresTableName(base + "one")
    let second = TestRunner.failuresTableName(base + "two")
    #expect(first != second)
    #expect(first.utf8.count <= 63 && second.utf8.count <= 63)
    #expect(first.hasPrefix("accepted_values_accepted_values_accepted_value"))
  }

  @Test func multibyteNamesAreCutOnACharacterBoundary() {
    let name = String(repeating: "é", count: 40)
    let table = TestRunner.failuresTableName(name)
    #expect(table.utf8.count <= 63)
    #expect(table.hasPrefix(String(repeating: "é", count: 23) + "_"))
  }
}
