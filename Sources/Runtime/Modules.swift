public import Diagnostics
import OrderedCollections
public import Template

/// dbt's `modules`: the Python modules templates may use (`datetime`, `re`, `itertools`,
/// `pytz`), each implemented in Swift with Python's names and results.
public struct ModulesNamespace: TemplateObject {
  /// Creates the namespace.
  public init() {}

  /// The type name shown in errors.
  public var typeName: String { "namespace `modules`" }
  /// How `{{ modules }}` renders.
  public var rendered: String { "<namespace modules>" }

  /// A module by name.
  public func attribute(_ name: String) -> Value? {
    switch name {
    case "datetime": .object(DateTimeModule())
    case "re": .object(RegexModule())
    case "itertools": .object(ItertoolsModule())
    case "pytz": .object(PytzModule())
    default: nil
    }
  }
}

/// The items of an iterable value, as a `for` loop sees them.
func items(of value: Value, _ range: SourceRange) throws(Diagnostic) -> [Value] {
  switch value {
  case .list(let items): return items
  case .dict(let entries): return entries.keys.map { .string($0) }
  case .string(let text): return text.map { .string(String($0)) }
  case .none, .undefined: return []
  default: throw .error("template.value", "cannot iterate over \(value.typeName)", at: range)
  }
}

/// `modules.itertools`: `product`, `chain`, `combinations`, `permutations`, as lists of lists.
public struct ItertoolsModule: TemplateObject {
  /// The type name shown in errors.
  public var typeName: String { "module `itertools`" }
  /// How `{{ modules.itertools }}` renders.
  public var rendered: String { "<module 'itertools'>" }
  /// The module has functions only.
  public func attribute(_ name: String) -> Value? { nil }

  /// Results beyond this many tuples are refused rather than exhausting memory.
  static let limit = 1_000_000

  /// The functions implemented.
  public func hasMethod(_ name: String) -> Bool {
    ["product", "chain", "combinations", "permutations", "chain.from_iterable"].contains(name)
  }

  /// Calls `product`, `chain`, `combinations` or `permutations`.
  public func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    var lists: [[Value]] = []
    // `combinations(iterable, r)` and `permutations(iterable, r)` take one iterable.
    let iterables = name == "combinations" || name == "permutations" ? 1 : Int.max
    for (position, value) in arguments.positional.prefix(iterables).enumerated() {
      lists.append(try items(of: value, arguments.range(of: position)))
    }
    func size(_ label: String, _ position: Int) throws(Diagnostic) -> Int? {
      guard let value = arguments.value(position, label), value != .none else { return nil }
      guard case .integer(let number) = value, number >= 0 else {
        throw .error(
          "template.arguments", "`\(name)` expects a non-negative integer `\(label)`",
          at: arguments.range)
      }
      return number
    }
    switch name {
    case "chain":
      return .list(lists.flatMap { $0 })
    case "chain.from_iterable":
      var flat: [Value] = []
      for (position, inner) in (lists.first ?? []).enumerated() {
        flat += try items(of: inner, arguments.range(of: position))
      }
      return .list(flat)
    case "product":
      let repeatCount = try size("repeat", Int.max) ?? 1
      let pools = Array(repeating: lists, count: repeatCount).flatMap { $0 }
      let total = pools.reduce(1) { $0.multipliedReportingOverflow(by: $1.count).partialValue }
      try check(total, arguments)
      var result: [[Value]] = [[]]
      for pool in pools {
        result = result.flatMap { prefix in pool.map { prefix + [$0] } }
      }
      return .list(result.map { .list($0) })
    case "combinations":
      guard let pool = lists.first, let length = try size("r", 1) else {
        throw .error(
          "template.arguments", "`combinations` needs an iterable and `r`", at: arguments.range)
      }
      var result: [Value] = []
      try choose(pool, length, ordered: false, arguments, into: &result)
      return .list(result)
    case "permutations":
      guard let pool = lists.first else {
        throw .error("template.arguments", "`permutations` needs an iterable", at: arguments.range)
      }
      var result: [Value] = []
      try choose(pool, try size("r", 1) ?? pool.count, ordered: true, arguments, into: &result)
      return .list(result)
    default:
      throw .error(
        "template.evaluation", "itertools has no function `\(name)`", at: arguments.range)
    }
  }

  private func check(_ count: Int, _ arguments: Arguments) throws(Diagnostic) {
    if count > ItertoolsModule.limit {
      throw .error(
        "template.value", "itertools result of \(count) items is too large", at: arguments.range)
    }
  }

  /// Picks `length` items in Python's order: combinations keep positions increasing,
  /// permutations take every unused position.
  private func choose(
    _ pool: [Value], _ length: Int, ordered: Bool, _ arguments: Arguments,
    into result: inout [Value]
  ) throws(Diagnostic) {
    guard length <= pool.count else { return }
    var chosen: [Int] = []
    func extend(_ start: Int, _ result: inout [Value]) throws(Diagnostic) {
      if chosen.count == length {
        result.append(.list(chosen.map { pool[$0] }))
        try check(result.count, arguments)
        return
      }
      for index in (ordered ? 0 : start)..<pool.count where !(ordered && chosen.contains(index)) {
        chosen.append(index)
        try extend(index + 1, &result)
        chosen.removeLast()
      }
    }
    try extend(0, &result)
  }
}

/// `modules.pytz`: UTC and fixed offsets; a named zone with daylight saving time is refused.
public struct PytzModule: TemplateObject {
  /// The type name shown in errors.
  public var typeName: String { "module `pytz`" }
  /// How `{{ modules.pytz }}` renders.
  public var rendered: String { "<module 'pytz'>" }

  /// `pytz.utc` / `pytz.UTC`.
  public func attribute(_ name: String) -> Value? {
    name == "utc" || name == "UTC" ? .object(TimeZoneObject.utc) : nil
  }

  /// `timezone(name)` and `FixedOffset(minutes)`.
  public func hasMethod(_ name: String) -> Bool { name == "timezone" || name == "FixedOffset" }

  /// Calls `timezone` or `FixedOffset`.
  public func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    if name == "FixedOffset" {
      guard case .integer(let minutes)? = arguments.value(0, "offset") else {
        throw .error("template.arguments", "`FixedOffset` needs minutes", at: arguments.range)
      }
      return .object(
        TimeZoneObject(offsetSeconds: minutes * 60, name: "pytz.FixedOffset(\(minutes))"))
    }
    let zone = try arguments.string(0, "zone", function: "pytz.timezone")
    if let fixed = PytzModule.fixedZone(zone) { return .object(fixed) }
    throw .error(
      "template.unsupported", "time zone `\(zone)` is not supported by swdbt", at: arguments.range,
      hint:
        "swdbt has UTC and fixed offsets (`Etc/GMT-2`, `pytz.FixedOffset(120)`); convert in SQL with `at time zone '\(zone)'`"
    )
  }

  /// UTC's names and `Etc/GMT±N` (whose sign is inverted, as in the tz database).
  static func fixedZone(_ name: String) -> TimeZoneObject? {
    if [
      "UTC", "Etc/UTC", "GMT", "Etc/GMT", "Zulu", "Universal", "Etc/Universal", "Etc/Zulu", "UCT",
    ].contains(name) {
      return TimeZoneObject(offsetSeconds: 0, name: name)
    }
    guard name.hasPrefix("Etc/GMT"), let hours = Int(name.dropFirst(7)), abs(hours) <= 14 else {
      return nil
    }
    return TimeZoneObject(offsetSeconds: -hours * 3600, name: name)
  }
}
