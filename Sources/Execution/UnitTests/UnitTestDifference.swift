/// The rows a unit test expected and the rows its model returned, compared as multisets.
package enum UnitTestDifference {
  /// The rows in one list and not the other (as multisets), as a table marking each.
  package static func of(columns: [String], expected: [[String?]], actual: [[String?]]) -> (
    differing: Int, table: String
  ) {
    var remaining: [[String?]: Int] = [:]
    for row in actual { remaining[row, default: 0] += 1 }
    var missing: [[String?]] = []
    for row in expected {
      if let count = remaining[row], count > 0 {
        remaining[row] = count - 1
      } else {
        missing.append(row)
      }
    }
    var unexpected: [[String?]] = []
    for row in actual where (remaining[row] ?? 0) > 0 {
      remaining[row, default: 0] -= 1
      unexpected.append(row)
    }
    let differing = missing.count + unexpected.count
    guard differing > 0 else { return (0, "") }
    let header = ["", ""] + columns
    let lines =
      missing.map { ["-", "expected"] + $0.map { $0 ?? "null" } }
      + unexpected.map { ["+", "actual"] + $0.map { $0 ?? "null" } }
    let widths = header.indices.map { column in
      ([header] + lines).map { $0[column].count }.max() ?? 0
    }
    func line(_ cells: [String]) -> String {
      "    "
        + cells.enumerated().map { column, cell in
          cell + String(repeating: " ", count: max(0, widths[column] - cell.count))
        }.joined(separator: " | ")
    }
    let table = ([line(header)] + lines.map(line)).joined(separator: "\n")
    return (differing, table)
  }
}
