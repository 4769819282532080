public import Diagnostics
import Foundation
import OrderedCollections
public import Template

extension DateTimeObject {
  static let weekdayNames = [
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
  ]
  static let monthNames = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
  ]

  /// Python's `strftime` for the C locale's directives; an unknown directive is kept as written.
  func strftime(_ format: String) -> String {
    let f = fields
    var out = ""
    var iterator = format.makeIterator()
    while let character = iterator.next() {
      guard character == "%", let directive = iterator.next() else {
        out.append(character)
        continue
      }
      switch directive {
      case "Y": out += Self.pad(f.year, 4)
      case "y": out += Self.pad(f.year % 100, 2)
      case "m": out += Self.pad(f.month, 2)
      case "d": out += Self.pad(f.day, 2)
      case "e": out += (f.day < 10 ? " " : "") + String(f.day)
      case "H": out += Self.pad(f.hour, 2)
      case "I": out += Self.pad(f.hour % 12 == 0 ? 12 : f.hour % 12, 2)
      case "p": out += f.hour < 12 ? "AM" : "PM"
      case "M": out += Self.pad(f.minute, 2)
      case "S": out += Self.pad(f.second, 2)
      case "f": out += Self.pad(f.microsecond, 6)
      case "j": out += Self.pad(f.dayOfYear, 3)
      case "a": out += String(Self.weekdayNames[f.weekday].prefix(3))
      case "A": out += Self.weekdayNames[f.weekday]
      case "w": out += String((f.weekday + 1) % 7)
      case "u": out += String(f.weekday + 1)
      case "b", "h": out += String(Self.monthNames[f.month - 1].prefix(3))
      case "B": out += Self.monthNames[f.month - 1]
      case "z": out += zone?.offsetText(colon: false) ?? ""
      case "Z": out += zone?.name ?? ""
      case "F": out += "\(Self.pad(f.year, 4))-\(Self.pad(f.month, 2))-\(Self.pad(f.day, 2))"
      case "T": out += "\(Self.pad(f.hour, 2)):\(Self.pad(f.minute, 2)):\(Self.pad(f.second, 2))"
      case "%": out += "%"
      default: out += "%" + String(directive)
      }
    }
    return out
  }

  /// Python's `datetime.strptime(text, format)`; a mismatch is Python's error, located.
  static func strptime(_ text: String, _ format: String, at range: SourceRange)
    throws(Diagnostic) -> DateTimeObject
  {
    let mismatch = Diagnostic.error(
      "template.value", "time data '\(text)' does not match format '\(format)'", at: range)
    var values = (year: 1900, month: 1, day: 1, hour: 0, minute: 0, second: 0, micro: 0)
    var pm: Bool?
    var zone: TimeZoneObject?
    let input = Array(text)
    var position = 0
    func digits(_ maximum: Int) throws(Diagnostic) -> Int {
      var end = position
      while end < input.count, end - position < maximum, input[end].isASCII, input[end].isNumber {
        end += 1
      }
      guard end > position, let number = Int(String(input[position..<end])) else { throw mismatch }
      defer { position = end }
      return number
    }
    func name(_ names: [String]) throws(Diagnostic) -> Int {
      let rest = String(input[position...]).lowercased()
      for (index, candidate) in names.enumerated() {
        for form in [candidate.lowercased(), String(candidate.lowercased().prefix(3))]
        where rest.hasPrefix(form) {
          position += form.count
          return index
        }
      }
      throw mismatch
    }
    var iterator = format.makeIterator()
    while let character = iterator.next() {
      if character == "%", let directive = iterator.next() {
        switch directive {
        case "Y": values.year = try digits(4)
        case "y":
          let short = try digits(2)
          values.year = short < 69 ? 2000 + short : 1900 + short
        case "m": values.month = try digits(2)
        case "d": values.day = try digits(2)
        case "H", "I": values.hour = try digits(2)
        case "M": values.minute = try digits(2)
        case "S": values.second = try digits(2)
        case "f":
          let start = position
          let number = try digits(6)
          values.micro = number * Int(pow(10, Double(6 - (position - start))))
        case "b", "B", "h": values.month = try name(monthNames) + 1
        case "a", "A": _ = try name(weekdayNames)
        case "p":
          let rest = String(input[position...]).uppercased()
          guard rest.hasPrefix("AM") || rest.hasPrefix("PM") else { throw mismatch }
          pm = rest.hasPrefix("PM")
          position += 2
        case "z":
          if position < input.count, input[position] == "Z" {
            position += 1
            zone = .utc
            continue
          }
          guard position < input.count, input[position] == "+" || input[position] == "-" else {
            throw mismatch
          }
          let negative = input[position] == "-"
          position += 1
          let hours = try digits(2)
          if position < input.count, input[position] == ":" { position += 1 }
          let minutes = try digits(2)
          let offset = (hours * 60 + minutes) * 60 * (negative ? -1 : 1)
          zone =
            offset == 0
            ? .utc
            : TimeZoneObject(
              offsetSeconds: offset,
              name: "UTC" + TimeZoneObject(offsetSeconds: offset, name: "").offsetText(colon: true))
        case "%":
          guard position < input.count, input[position] == "%" else { throw mismatch }
          position += 1
        default:
          throw .error(
            "template.value", "strptime directive `%\(directive)` is not supported by swdbt",
            at: range)
        }
      } else if character.isWhitespace {
        while position < input.count, input[position].isWhitespace { position += 1 }
      } else {
        guard position < input.count, input[position] == character else { throw mismatch }
        position += 1
      }
    }
    guard position == input.count else {
      throw .error(
        "template.value", "unconverted data remains: \(String(input[position...]))", at: range)
    }
    if let pm { values.hour = values.hour % 12 + (pm ? 12 : 0) }
    return try make(
      values.year, values.month, values.day, values.hour, values.minute, values.second,
      values.micro, zone: zone, at: range)
  }

  /// `datetime.fromisoformat` / `date.fromisoformat`.
  static func fromISO(_ text: String, isDate: Bool, at range: SourceRange) throws(Diagnostic)
    -> DateTimeObject
  {
    if isDate || text.count == 10 {
      let date = try strptime(text, "%Y-%m-%d", at: range)
      return DateTimeObject(wall: date.wall, isDate: isDate)
    }
    var body = text.replacingOccurrences(of: "T", with: " ")
    var zonePart = ""
    if body.hasSuffix("Z") {
      body.removeLast()
      zonePart = "+0000"
    } else if let sign = body.lastIndex(where: { $0 == "+" || $0 == "-" }),
      body.distance(from: body.startIndex, to: sign) > 10
    {
      zonePart = String(body[sign...])
      body = String(body[..<sign])
    }
    let format =
      (body.contains(".")
        ? "%Y-%m-%d %H:%M:%S.%f" : body.count > 16 ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M")
      + (zonePart.isEmpty ? "" : "%z")
    do {
      return try strptime(body + zonePart, format, at: range)
    } catch {
      throw .error("template.value", "invalid isoformat string: '\(text)'", at: range)
    }
  }
}

/// `modules.datetime`: the `datetime`, `date`, `timedelta` and `timezone` types.
public struct DateTimeModule: TemplateObject {
  /// The type name shown in errors.
  public var typeName: String { "module `datetime`" }
  /// How `{{ modules.datetime }}` renders.
  public var rendered: String { "<module 'datetime'>" }

  /// `datetime.timezone.utc`; the types are reached as methods.
  public func attribute(_ name: String) -> Value? {
    switch name {
    // `timezone(offset)` is not callable here: only `timezone.utc` is offered.
    case "timezone": .dict(["utc": .object(TimeZoneObject.utc)])
    case "MINYEAR": .integer(1)
    case "MAXYEAR": .integer(9999)
    default: nil
    }
  }

  static let functions: Set<String> = [
    "datetime", "datetime.now", "datetime.utcnow", "datetime.today", "datetime.strptime",
    "datetime.fromisoformat", "datetime.fromtimestamp", "datetime.utcfromtimestamp",
    "datetime.combine", "date", "date.today", "date.fromisoformat", "timedelta",
  ]

  /// The constructors and class methods of `datetime`, `date` and `timedelta`.
  public func hasMethod(_ name: String) -> Bool { DateTimeModule.functions.contains(name) }

  /// Calls a constructor or class method.
  public func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    switch name {
    case "datetime", "date":
      let labels = ["year", "month", "day", "hour", "minute", "second", "microsecond"]
      var numbers: [Int] = []
      for (position, label) in labels.enumerated() {
        guard let value = arguments.value(position, label) else {
          guard position >= 3 else {
            throw .error("template.arguments", "`\(name)` needs `\(label)`", at: arguments.range)
          }
          numbers.append(0)
          continue
        }
        guard case .integer(let number) = value else {
          throw .error(
            "template.arguments", "`\(name)` expects an integer `\(label)`, got \(value.typeName)",
            at: arguments.range(of: position))
        }
        numbers.append(number)
      }
      return .object(
        try DateTimeObject.make(
          numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5], numbers[6],
          zone: try zone(arguments.value(7, "tzinfo"), arguments), isDate: name == "date",
          at: arguments.range))
    case "datetime.now":
      if let tz = try zone(arguments.value(0, "tz"), arguments) {
        let now = DateTimeObject(utc: Date())
        return .object(
          DateTimeObject(wall: now.wall + Int64(tz.offsetSeconds) * 1_000_000, zone: tz))
      }
      return .object(DateTimeObject.localNow())
    case "datetime.today": return .object(DateTimeObject.localNow())
    case "date.today":
      return .object(DateTimeObject(wall: DateTimeObject.localNow().wall, isDate: true))
    case "datetime.utcnow": return .object(DateTimeObject(wall: DateTimeObject(utc: Date()).wall))
    case "datetime.strptime":
      return .object(
        try DateTimeObject.strptime(
          try arguments.string(0, "date_string", function: "strptime"),
          try arguments.string(1, "format", function: "strptime"), at: arguments.range))
    case "datetime.fromisoformat", "date.fromisoformat":
      return .object(
        try DateTimeObject.fromISO(
          try arguments.string(0, "date_string", function: "fromisoformat"),
          isDate: name.hasPrefix("date."), at: arguments.range))
    case "datetime.fromtimestamp", "datetime.utcfromtimestamp":
      let seconds: Double
      switch arguments.value(0, "timestamp") {
      case .integer(let number)?: seconds = Double(number)
      case .double(let number)?: seconds = number
      default:
        throw .error("template.arguments", "`\(name)` needs a number", at: arguments.range)
      }
      let utc = DateTimeObject(utc: Date(timeIntervalSince1970: seconds))
      if let tz = try zone(arguments.value(1, "tz"), arguments) {
        return .object(
          DateTimeObject(wall: utc.wall + Int64(tz.offsetSeconds) * 1_000_000, zone: tz))
      }
      if name == "datetime.utcfromtimestamp" { return .object(DateTimeObject(wall: utc.wall)) }
      return .object(
        DateTimeObject(wall: utc.wall + Int64(DateTimeObject.localOffset(utc.wall)) * 1_000_000))
    case "datetime.combine":
      guard case .object(let first)? = arguments.positional.first,
        let date = first as? DateTimeObject
      else {
        throw .error("template.arguments", "`combine` needs a date", at: arguments.range)
      }
      return .object(DateTimeObject(wall: date.wall))
    case "timedelta":
      return .object(try timedelta(arguments))
    default:
      throw .error(
        "template.evaluation", "module `datetime` has no function `\(name)`", at: arguments.range)
    }
  }

  private func zone(_ value: Value?, _ arguments: Arguments) throws(Diagnostic) -> TimeZoneObject? {
    switch value {
    case nil, .none?, .undefined?: return nil
    case .object(let object)?:
      if let zone = object as? TimeZoneObject { return zone }
    default: break
    }
    throw .error("template.arguments", "`tzinfo` must be a timezone", at: arguments.range)
  }

  private func timedelta(_ arguments: Arguments) throws(Diagnostic) -> TimeDeltaObject {
    let units: [(String, Double)] = [
      ("days", 86_400_000_000), ("seconds", 1_000_000), ("microseconds", 1),
      ("milliseconds", 1000), ("minutes", 60_000_000), ("hours", 3_600_000_000),
      ("weeks", 604_800_000_000),
    ]
    var total = 0.0
    for (position, (label, scale)) in units.enumerated() {
      switch arguments.value(position, label) {
      case nil: continue
      case .integer(let number)?: total += Double(number) * scale
      case .double(let number)?: total += number * scale
      case let other?:
        throw .error(
          "template.arguments",
          "`timedelta` expects a number for `\(label)`, got \(other.typeName)",
          at: arguments.range)
      }
    }
    return TimeDeltaObject(micros: Int64(total.rounded()))
  }
}

extension TimeZoneObject {
  /// A fixed offset named as Python names it (`UTC+01:00`), UTC for zero.
  static func fixed(seconds: Int) -> TimeZoneObject {
    guard seconds != 0 else { return .utc }
    let text = TimeZoneObject(offsetSeconds: seconds, name: "").offsetText(colon: true)
    return TimeZoneObject(offsetSeconds: seconds, name: "UTC" + text)
  }
}
