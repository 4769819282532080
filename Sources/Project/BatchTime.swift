/// Times of the `microbatch` strategy: UTC instants counted in seconds, read from the ISO forms
/// dbt accepts (`2024-01-01`, `2024-01-01 10:00`, `2024-01-01T10:00:00Z`, an offset), truncated
/// and stepped by a batch size with calendar months and years, as dbt's `MicrobatchBuilder`.
public struct BatchTime: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Seconds since 1970-01-01 00:00:00 UTC.
  public let seconds: Int

  /// An instant from seconds since the epoch.
  public init(seconds: Int) { self.seconds = seconds }

  /// A batch's length: `batch_size`.
  public enum Size: String, Sendable, CaseIterable {
    case hour, day, month, year
  }

  public static func < (lhs: BatchTime, rhs: BatchTime) -> Bool { lhs.seconds < rhs.seconds }

  /// Reads `YYYY-MM-DD`, optionally followed by ` ` or `T`, `HH:MM[:SS[.fff]]` and `Z` or
  /// `±HH[:MM]`; nil when the text is not such a time or names an impossible date.
  public init?(parsing text: String) {
    let bytes = Array(text.utf8)
    var position = 0
    func number(_ digits: Int) -> Int? {
      guard position + digits <= bytes.count else { return nil }
      var value = 0
      for byte in bytes[position..<(position + digits)] {
        guard (48...57).contains(byte) else { return nil }
        value = value * 10 + Int(byte - 48)
      }
      position += digits
      return value
    }
    func skip(_ character: Character) -> Bool {
      guard position < bytes.count, bytes[position] == character.asciiValue else { return false }
      position += 1
      return true
    }
    guard let year = number(4), skip("-"), let month = number(2), skip("-"),
      let day = number(2), (1...12).contains(month),
      (1...BatchTime.days(inMonth: month, of: year)).contains(day)
    else { return nil }
    var hour = 0
    var minute = 0
    var second = 0
    if skip("T") || skip(" ") {
      guard let h = number(2), skip(":"), let m = number(2), h < 24, m < 60 else { return nil }
      hour = h
      minute = m
      if skip(":") {
        guard let s = number(2), s < 60 else { return nil }
        second = s
        if skip(".") {
          while position < bytes.count, (48...57).contains(bytes[position]) { position += 1 }
        }
      }
    }
    var offset = 0
    if skip("Z") {
    } else if position < bytes.count, bytes[position] == 43 || bytes[position] == 45 {
      let sign = bytes[position] == 45 ? -1 : 1
      position += 1
      guard let h = number(2) else { return nil }
      var m = 0
      if skip(":") {
        guard let minutes = number(2) else { return nil }
        m = minutes
      } else if let minutes = number(2) {
        m = minutes
      }
      offset = sign * (h * 3600 + m * 60)
    }
    guard position == bytes.count else { return nil }
    seconds =
      BatchTime.daysSinceEpoch(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
      - offset
  }

  /// `2024-01-01 00:00:00+00:00`, the form dbt puts into event-time filters.
  public var description: String {
    let (year, month, day, hour, minute, second) = components
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    var yearText = String(year)
    while yearText.count < 4 { yearText = "0" + yearText }
    return "\(yearText)-\(two(month))-\(two(day)) \(two(hour)):\(two(minute)):\(two(second))+00:00"
  }

  /// `2024-01-01T00:00:00Z`.
  public var iso8601: String {
    String(description.dropLast(6)).replacing(" ", with: "T") + "Z"
  }

  /// The start of the batch holding this instant.
  public func truncated(to size: Size) -> BatchTime {
    let (year, month, day, hour, _, _) = components
    switch size {
    case .hour: return BatchTime(year, month, day, hour)
    case .day: return BatchTime(year, month, day, 0)
    case .month: return BatchTime(year, month, 1, 0)
    case .year: return BatchTime(year, 1, 1, 0)
    }
  }

  /// The start of the batch `count` batches after (or before) the one holding this instant.
  public func offset(by count: Int, _ size: Size) -> BatchTime {
    let start = truncated(to: size)
    switch size {
    case .hour: return BatchTime(seconds: start.seconds + count * 3600)
    case .day: return BatchTime(seconds: start.seconds + count * 86_400)
    case .month:
      let (year, month, _, _, _, _) = start.components
      let total = year * 12 + (month - 1) + count
      let newYear = total >= 0 ? total / 12 : (total - 11) / 12
      return BatchTime(newYear, total - newYear * 12 + 1, 1, 0)
    case .year:
      return BatchTime(start.components.year + count, 1, 1, 0)
    }
  }

  /// This instant, or the start of the next batch when it is inside one.
  public func ceiling(to size: Size) -> BatchTime {
    let start = truncated(to: size)
    return start == self ? self : start.offset(by: 1, size)
  }

  private init(_ year: Int, _ month: Int, _ day: Int, _ hour: Int) {
    seconds = BatchTime.daysSinceEpoch(year, month, day) * 86_400 + hour * 3600
  }

  private var components:
    (
      year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    )
  {
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let rest = seconds - days * 86_400
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    return (year, month, day, rest / 3600, rest % 3600 / 60, rest % 60)
  }

  private static func daysSinceEpoch(_ year: Int, _ month: Int, _ day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  private static func days(inMonth month: Int, of year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }
}
