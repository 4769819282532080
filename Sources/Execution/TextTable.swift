package import Adapter

/// A few rows as an aligned text table.
package enum TextTable {
  package static func render(_ result: QueryResult, total: Int) -> String {
    let header = result.columns
    let rows = result.rows.map { $0.map { $0 ?? "NULL" } }
    var widths = header.map(\.count)
    for row in rows {
      for (index, value) in row.enumerated() where index < widths.count {
        widths[index] = min(40, max(widths[index], value.count))
      }
    }
    func line(_ values: [String]) -> String {
      "  | "
        + values.enumerated().map { index, value in
          let cut = value.count > 40 ? String(value.prefix(39)) + "…" : value
          return cut + String(repeating: " ", count: max(0, widths[index] - cut.count))
        }.joined(separator: " | ") + " |"
    }
    var lines = [
      line(header),
      "  |"
        + widths.map { String(repeating: "-", count: $0 + 2) }
        .joined(separator: "|") + "|",
    ]
    lines += rows.map(line)
    if total > rows.count { lines.append("  (\(total - rows.count) more)") }
    return lines.joined(separator: "\n")
  }
}
