import Exposures
import Metrics

/// Applies a chart's default time range to its rows, on the x column's dates (`YYYY-MM...`);
/// rows whose x is not a date are kept.
enum TimeWindow {
  static func keep(_ rows: [[String?]], column: Int, range: TimeRange) -> [[String?]] {
    let dates = rows.map { row in column < row.count ? row[column].flatMap(Self.date) : nil }
    switch range {
    case .between(let start, let end):
      return zip(rows, dates).filter { row, date in
        guard let date else { return true }
        let day = date.formatted
        return (start.map { day >= $0 } ?? true) && (end.map { day <= $0 } ?? true)
      }.map(\.0)
    case .last(let count, let grain):
      guard let latest = dates.compactMap({ $0 }).max(by: { $0.dayNumber < $1.dayNumber })
      else { return rows }
      return zip(rows, dates).filter { row, date in
        guard let date else { return true }
        switch grain {
        case .day: return date.dayNumber > latest.dayNumber - count
        case .week: return date.dayNumber > latest.dayNumber - 7 * count
        case .month: return date.monthNumber > latest.monthNumber - count
        case .quarter: return date.monthNumber / 3 > latest.monthNumber / 3 - count
        case .year: return date.year > latest.year - count
        }
      }.map(\.0)
    }
  }

  /// A metric's time column (`metric_time__month`, `order__ordered_at__quarter`) labelled by
  /// its period as the marts write it: `2024-03`, `2024-Q1`, `2024`, `2024-03-01`.
  static func periodLabels(_ rows: [[String?]], column: Int, name: String) -> [[String?]] {
    guard let grainText = name.split(separator: "__").last, name.contains("__"),
      let grain = TimeGrain(rawValue: String(grainText))
    else { return rows }
    return rows.map { row in
      guard column < row.count, let text = row[column], let date = date(text) else { return row }
      var labelled = row
      let full = date.formatted
      switch grain {
      case .day, .week: labelled[column] = full
      case .month: labelled[column] = String(full.prefix(7))
      case .quarter: labelled[column] = "\(date.year)-Q\((date.month - 1) / 3 + 1)"
      case .year: labelled[column] = String(date.year)
      }
      return labelled
    }
  }

  struct CivilDate {
    var year: Int, month: Int, day: Int
    var formatted: String {
      func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
      return "\(year)-\(two(month))-\(two(day))"
    }
    /// Months since year 0, zero-based month.
    var monthNumber: Int { year * 12 + month - 1 }
    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    var dayNumber: Int {
      let y = month <= 2 ? year - 1 : year
      let era = (y >= 0 ? y : y - 399) / 400
      let yearOfEra = y - era * 400
      let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
      let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
      return era * 146_097 + dayOfEra - 719_468
    }
  }

  /// `2024-03`, `2024-03-01`, `2024-03-01 00:00:00`; nil for anything else.
  static func date(_ text: String) -> CivilDate? {
    let bytes = Array(text.utf8.prefix(10))
    func number(_ range: Range<Int>) -> Int? {
      guard range.upperBound <= bytes.count else { return nil }
      var value = 0
      for byte in bytes[range] {
        guard (48...57).contains(byte) else { return nil }
        value = value * 10 + Int(byte - 48)
      }
      return value
    }
    guard bytes.count >= 7, bytes[4] == UInt8(ascii: "-"), let year = number(0..<4),
      let month = number(5..<7), (1...12).contains(month)
    else { return nil }
    let day = bytes.count == 10 && bytes[7] == UInt8(ascii: "-") ? number(8..<10) ?? 1 : 1
    return CivilDate(year: year, month: month, day: day)
  }
}
