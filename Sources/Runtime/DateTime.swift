public import Diagnostics
public import Foundation
public import Template

/// A Python `datetime.datetime` (or `datetime.date` when `isDate`): wall-clock microseconds
/// since 1970-01-01 plus an optional fixed-offset zone (nil: a naive value, as Python's).
public struct DateTimeObject: TemplateObject {
  /// Microseconds since 1970-01-01 00:00 on the value's own wall clock.
  let wall: Int64
  /// The zone of an aware value; nil for a naive one.
  let zone: TimeZoneObject?
  /// Whether this is a `date` (no time of day).
  let isDate: Bool

  static let microsPerSecond: Int64 = 1_000_000
  static let microsPerDay: Int64 = 86_400_000_000

  init(wall: Int64, zone: TimeZoneObject? = nil, isDate: Bool = false) {
    self.wall =
      isDate
      ? DateTimeObject.floorDiv(wall, DateTimeObject.microsPerDay) * DateTimeObject.microsPerDay
      : wall
    self.zone = isDate ? nil : zone
    self.isDate = isDate
  }

  /// The value for an instant, in UTC (aware) — how dbt's `run_started_at` is made.
  public init(utc date: Date) {
    self.init(
      wall: Int64((date.timeIntervalSince1970 * 1_000_000).rounded()), zone: .utc)
  }

  /// An instant on the system's local wall clock, naive, as Python's `datetime.now()`.
  static func localNow() -> DateTimeObject {
    let now = Date()
    let offset = TimeZone.current.secondsFromGMT(for: now)
    return DateTimeObject(
      wall: Int64(((now.timeIntervalSince1970 + Double(offset)) * 1_000_000).rounded()))
  }

  /// Microseconds since the epoch in UTC; a naive value counts as UTC.
  var utcMicros: Int64 { wall - Int64(zone?.offsetSeconds ?? 0) * DateTimeObject.microsPerSecond }

  static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let quotient = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
  }

  /// Calendar fields of the wall clock.
  struct Fields {
    var year, month, day, hour, minute, second, microsecond: Int
    /// 0 = Monday, as Python's `weekday()`.
    var weekday: Int
    var dayOfYear: Int
  }

  var fields: Fields {
    let days = DateTimeObject.floorDiv(wall, DateTimeObject.microsPerDay)
    let rest = wall - days * DateTimeObject.microsPerDay
    let (year, month, day) = DateTimeObject.civil(fromDays: days)
    let startOfYear = DateTimeObject.days(year: year, month: 1, day: 1)
    return Fields(
      year: year, month: month, day: day, hour: Int(rest / 3_600_000_000),
      minute: Int(rest / 60_000_000 % 60), second: Int(rest / 1_000_000 % 60),
      microsecond: Int(rest % 1_000_000), weekday: Int((days % 7 + 10) % 7),
      dayOfYear: Int(days - startOfYear) + 1)
  }

  /// Days since 1970-01-01 of a civil date (proleptic Gregorian).
  static func days(year: Int, month: Int, day: Int) -> Int64 {
    let y = Int64(month <= 2 ? year - 1 : year)
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let m = Int64(month)
    let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  static func civil(fromDays days: Int64) -> (Int, Int, Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0)), Int(month), Int(day))
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// A value from calendar fields, or a diagnostic naming the field out of range (Python's
  /// `ValueError`).
  static func make(
    _ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0,
    _ second: Int = 0, _ microsecond: Int = 0, zone: TimeZoneObject? = nil, isDate: Bool = false,
    at range: SourceRange
  ) throws(Diagnostic) -> DateTimeObject {
    func check(_ ok: Bool, _ what: String) throws(Diagnostic) {
      if !ok { throw .error("template.value", "\(what) is out of range", at: range) }
    }
    try check((1...9999).contains(year), "year \(year)")
    try check((1...12).contains(month), "month \(month)")
    try check((1...daysIn(month: month, year: year)).contains(day), "day \(day)")
    try check((0...23).contains(hour), "hour \(hour)")
    try check((0...59).contains(minute), "minute \(minute)")
    try check((0...59).contains(second), "second \(second)")
    try check((0...999_999).contains(microsecond), "microsecond \(microsecond)")
    let micros =
      days(year: year, month: month, day: day) * microsPerDay
      + Int64(hour * 3600 + minute * 60 + second) * microsPerSecond + Int64(microsecond)
    return DateTimeObject(wall: micros, zone: zone, isDate: isDate)
  }

  // MARK: TemplateObject

  /// The type name shown in errors.
  public var typeName: String { isDate ? "date" : "datetime" }

  /// Python's `str()`: `2024-01-02 03:04:05.123456+00:00`.
  public var rendered: String { isoformat(separator: " ") }

  func isoformat(separator: String) -> String {
    let f = fields
    let date = "\(Self.pad(f.year, 4))-\(Self.pad(f.month, 2))-\(Self.pad(f.day, 2))"
    if isDate { return date }
    var text =
      date + separator + "\(Self.pad(f.hour, 2)):\(Self.pad(f.minute, 2)):\(Self.pad(f.second, 2))"
    if f.microsecond != 0 { text += "." + Self.pad(f.microsecond, 6) }
    if let zone { text += zone.offsetText(colon: true) }
    return text
  }

  static func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(abs(value))
    return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count))
      + digits
  }

  /// `year`, `month`, `day`, `hour`, ... and `tzinfo`.
  public func attribute(_ name: String) -> Value? {
    let f = fields
    switch name {
    case "year": return .integer(f.year)
    case "month": return .integer(f.month)
    case "day": return .integer(f.day)
    case "hour" where !isDate: return .integer(f.hour)
    case "minute" where !isDate: return .integer(f.minute)
    case "second" where !isDate: return .integer(f.second)
    case "microsecond" where !isDate: return .integer(f.microsecond)
    case "tzinfo" where !isDate: return zone.map { .object($0) } ?? Value.none
    default: return nil
    }
  }

  static let methods: Set<String> = [
    "strftime", "isoformat", "timestamp", "date", "replace", "astimezone", "weekday",
    "isoweekday", "utcoffset", "tzname",
  ]

  /// The methods in `methods`.
  public func hasMethod(_ name: String) -> Bool { DateTimeObject.methods.contains(name) }

  /// Calls `strftime`, `isoformat`, `timestamp`, `date`, `replace`, `astimezone`, ...
  public func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    switch name {
    case "strftime":
      return .string(strftime(try arguments.string(0, "format", function: "strftime")))
    case "isoformat":
      return .string(isoformat(separator: arguments.value(0, "sep")?.stringValue ?? "T"))
    case "timestamp":
      let micros =
        zone == nil ? wall - Int64(Self.localOffset(wall)) * Self.microsPerSecond : utcMicros
      return .double(Double(micros) / 1_000_000)
    case "date":
      return .object(DateTimeObject(wall: wall, isDate: true))
    case "weekday": return .integer(fields.weekday)
    case "isoweekday": return .integer(fields.weekday + 1)
    case "utcoffset":
      return zone.map {
        .object(TimeDeltaObject(micros: Int64($0.offsetSeconds) * Self.microsPerSecond))
      } ?? .none
    case "tzname": return zone.map { .string($0.name) } ?? .none
    case "astimezone":
      guard case .object(let object)? = arguments.value(0, "tz"),
        let target = object as? TimeZoneObject
      else {
        throw .error("template.arguments", "`astimezone` needs a timezone", at: arguments.range)
      }
      let base =
        zone == nil ? wall - Int64(Self.localOffset(wall)) * Self.microsPerSecond : utcMicros
      return .object(
        DateTimeObject(
          wall: base + Int64(target.offsetSeconds) * Self.microsPerSecond, zone: target))
    case "replace":
      return .object(try replacing(arguments))
    default:
      throw .error(
        "template.evaluation", "\(typeName) has no method `\(name)`", at: arguments.range)
    }
  }

  static func localOffset(_ wall: Int64) -> Int {
    TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: Double(wall) / 1_000_000))
  }

  private func replacing(_ arguments: Arguments) throws(Diagnostic) -> DateTimeObject {
    let f = fields
    var values = [f.year, f.month, f.day, f.hour, f.minute, f.second, f.microsecond]
    let names = ["year", "month", "day", "hour", "minute", "second", "microsecond"]
    var newZone = zone
    for (label, value) in arguments.keyword {
      if label == "tzinfo" {
        if case .object(let object) = value, let tz = object as? TimeZoneObject {
          newZone = tz
        } else {
          newZone = nil
        }
      } else if let position = names.firstIndex(of: label), case .integer(let number) = value {
        values[position] = number
      } else {
        throw .error(
          "template.arguments", "`replace` has no integer argument `\(label)`",
          at: arguments.range(ofKeyword: label))
      }
    }
    return try Self.make(
      values[0], values[1], values[2], values[3], values[4], values[5], values[6], zone: newZone,
      isDate: isDate, at: arguments.range)
  }

  /// `datetime ± timedelta`, `datetime - datetime`.
  public func binary(_ op: BinaryOperator, _ other: Value, reversed: Bool) throws(Diagnostic)
    -> Value?
  {
    guard case .object(let object) = other else { return nil }
    if let delta = object as? TimeDeltaObject {
      let step = isDate ? delta.micros - delta.micros % Self.microsPerDay : delta.micros
      switch op {
      case .add: return .object(DateTimeObject(wall: wall + step, zone: zone, isDate: isDate))
      case .subtract where !reversed:
        return .object(DateTimeObject(wall: wall - step, zone: zone, isDate: isDate))
      default: return nil
      }
    }
    if let date = object as? DateTimeObject, op == .subtract, date.isDate == isDate {
      let difference = bothAware(date) ? utcMicros - date.utcMicros : wall - date.wall
      return .object(TimeDeltaObject(micros: reversed ? -difference : difference))
    }
    return nil
  }

  private func bothAware(_ other: DateTimeObject) -> Bool { zone != nil && other.zone != nil }

  /// Order against another date or datetime (aware values by instant).
  public func compare(to other: Value) -> Int? {
    guard case .object(let object) = other, let date = object as? DateTimeObject else { return nil }
    let (a, b) = bothAware(date) ? (utcMicros, date.utcMicros) : (wall, date.wall)
    return a < b ? -1 : (a == b ? 0 : 1)
  }

  /// Equal dates, or aware datetimes at the same instant.
  public func isEqual(to other: any TemplateObject) -> Bool {
    guard let date = other as? DateTimeObject, date.isDate == isDate else { return false }
    return bothAware(date)
      ? utcMicros == date.utcMicros : (wall == date.wall && (zone == nil) == (date.zone == nil))
  }
}

/// A Python `datetime.timedelta`, in microseconds.
public struct TimeDeltaObject: TemplateObject {
  let micros: Int64

  /// The type name shown in errors.
  public var typeName: String { "timedelta" }

  /// Python's `str()`: `1 day, 2:03:04` or `-1 day, 23:00:00`.
  public var rendered: String {
    let days = DateTimeObject.floorDiv(micros, DateTimeObject.microsPerDay)
    let rest = micros - days * DateTimeObject.microsPerDay
    var text = ""
    if days != 0 { text = "\(days) day\(abs(days) == 1 ? "" : "s"), " }
    let seconds = rest / 1_000_000
    text +=
      "\(seconds / 3600):\(DateTimeObject.pad(Int(seconds / 60 % 60), 2)):\(DateTimeObject.pad(Int(seconds % 60), 2))"
    if rest % 1_000_000 != 0 { text += "." + DateTimeObject.pad(Int(rest % 1_000_000), 6) }
    return text
  }

  /// `days`, `seconds`, `microseconds` as Python normalises them.
  public func attribute(_ name: String) -> Value? {
    let days = DateTimeObject.floorDiv(micros, DateTimeObject.microsPerDay)
    let rest = micros - days * DateTimeObject.microsPerDay
    switch name {
    case "days": return .integer(Int(days))
    case "seconds": return .integer(Int(rest / 1_000_000))
    case "microseconds": return .integer(Int(rest % 1_000_000))
    default: return nil
    }
  }

  /// `total_seconds()`.
  public func hasMethod(_ name: String) -> Bool { name == "total_seconds" }

  /// Calls `total_seconds()`.
  public func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    guard name == "total_seconds" else {
      throw .error("template.evaluation", "timedelta has no method `\(name)`", at: arguments.range)
    }
    return .double(Double(micros) / 1_000_000)
  }

  /// Sums, differences and multiples of durations; `timedelta + datetime`.
  public func binary(_ op: BinaryOperator, _ other: Value, reversed: Bool) throws(Diagnostic)
    -> Value?
  {
    switch (op, other) {
    case (.add, .object(let object)) where object is DateTimeObject:
      return try object.binary(.add, .object(self), reversed: true)
    case (.add, .object(let object)):
      guard let delta = object as? TimeDeltaObject else { return nil }
      return .object(TimeDeltaObject(micros: micros + delta.micros))
    case (.subtract, .object(let object)):
      guard let delta = object as? TimeDeltaObject else { return nil }
      return .object(
        TimeDeltaObject(micros: reversed ? delta.micros - micros : micros - delta.micros))
    case (.multiply, .integer(let factor)):
      return .object(TimeDeltaObject(micros: micros * Int64(factor)))
    case (.multiply, .double(let factor)):
      return .object(TimeDeltaObject(micros: Int64((Double(micros) * factor).rounded())))
    case (.divide, .integer(let divisor)) where !reversed && divisor != 0:
      return .object(TimeDeltaObject(micros: micros / Int64(divisor)))
    case (.divide, .object(let object)) where !reversed:
      guard let delta = object as? TimeDeltaObject, delta.micros != 0 else { return nil }
      return .double(Double(micros) / Double(delta.micros))
    default: return nil
    }
  }

  /// Order against another duration.
  public func compare(to other: Value) -> Int? {
    guard case .object(let object) = other, let delta = object as? TimeDeltaObject else {
      return nil
    }
    return micros < delta.micros ? -1 : (micros == delta.micros ? 0 : 1)
  }

  /// Equal durations.
  public func isEqual(to other: any TemplateObject) -> Bool {
    (other as? TimeDeltaObject)?.micros == micros
  }
}

/// A fixed-offset time zone: `pytz.utc`, `datetime.timezone.utc`, `pytz.FixedOffset(60)`.
public struct TimeZoneObject: TemplateObject {
  let offsetSeconds: Int
  let name: String

  static let utc = TimeZoneObject(offsetSeconds: 0, name: "UTC")

  /// `+HH:MM` (or `+HHMM`).
  func offsetText(colon: Bool) -> String {
    let sign = offsetSeconds < 0 ? "-" : "+"
    let minutes = abs(offsetSeconds) / 60
    return sign + DateTimeObject.pad(minutes / 60, 2) + (colon ? ":" : "")
      + DateTimeObject.pad(minutes % 60, 2)
  }

  /// The type name shown in errors.
  public var typeName: String { "timezone" }
  /// The zone's name, as `str(pytz.utc)`.
  public var rendered: String { name }
  /// `zone`, pytz's name attribute.
  public func attribute(_ name: String) -> Value? { name == "zone" ? .string(self.name) : nil }
  /// pytz's `localize(dt)`.
  public func hasMethod(_ name: String) -> Bool { name == "localize" || name == "utcoffset" }

  /// `tz.localize(naive)` attaches the zone; `tz.utcoffset(dt)` is the offset.
  public func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    if name == "utcoffset" {
      return .object(TimeDeltaObject(micros: Int64(offsetSeconds) * DateTimeObject.microsPerSecond))
    }
    guard case .object(let object)? = arguments.positional.first,
      let date = object as? DateTimeObject, !date.isDate
    else {
      throw .error("template.arguments", "`localize` needs a datetime", at: arguments.range)
    }
    return .object(DateTimeObject(wall: date.wall, zone: self))
  }
}
