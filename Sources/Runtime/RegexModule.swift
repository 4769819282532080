public import Diagnostics
import Foundation
import OrderedCollections
public import Template

/// `modules.re`: Python's regular expressions on ICU's engine (`(?P<name>...)` groups are
/// translated; the flags are Python's numbers).
public struct RegexModule: TemplateObject {
  /// The type name shown in errors.
  public var typeName: String { "module `re`" }
  /// How `{{ modules.re }}` renders.
  public var rendered: String { "<module 're'>" }

  static let flags: [String: Int] = [
    "IGNORECASE": 2, "I": 2, "MULTILINE": 8, "M": 8, "DOTALL": 16, "S": 16, "VERBOSE": 64,
    "X": 64, "ASCII": 256, "A": 256, "UNICODE": 32, "U": 32,
  ]

  /// The flag constants.
  public func attribute(_ name: String) -> Value? { RegexModule.flags[name].map { .integer($0) } }

  static let functions: Set<String> = [
    "match", "search", "fullmatch", "findall", "sub", "split", "compile", "escape",
  ]

  /// `match`, `search`, `fullmatch`, `findall`, `sub`, `split`, `compile`, `escape`.
  public func hasMethod(_ name: String) -> Bool { RegexModule.functions.contains(name) }

  /// Calls a function of the module: the pattern comes first, as in Python.
  public func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    if name == "escape" {
      let text = try arguments.string(0, "pattern", function: "re.escape")
      return .string(NSRegularExpression.escapedPattern(for: text))
    }
    let source = try arguments.string(0, "pattern", function: "re.\(name)")
    let flagPosition: Int
    switch name {
    case "compile": flagPosition = 1
    case "sub": flagPosition = 4
    case "split": flagPosition = 3
    default: flagPosition = 2
    }
    var flags = 0
    if case .integer(let number)? = arguments.value(flagPosition, "flags") { flags = number }
    let pattern = try CompiledPattern(source, flags: flags, at: arguments.range(of: 0))
    if name == "compile" { return .object(pattern) }
    let rest = Arguments(
      positional: Array(arguments.positional.dropFirst()),
      keyword: arguments.keyword.filter { $0.label != "pattern" && $0.label != "flags" },
      range: arguments.range, positionalRanges: Array(arguments.positionalRanges.dropFirst()),
      keywordRanges: [])
    return try pattern.call(method: name, rest)
  }
}

/// A compiled pattern: `re.compile(...)`, with the module's functions as methods.
public struct CompiledPattern: TemplateObject, @unchecked Sendable {
  // NSRegularExpression is immutable and documented thread-safe.
  let expression: NSRegularExpression
  let source: String

  init(_ source: String, flags: Int, at range: SourceRange) throws(Diagnostic) {
    var options: NSRegularExpression.Options = []
    if flags & 2 != 0 { options.insert(.caseInsensitive) }
    if flags & 8 != 0 { options.insert(.anchorsMatchLines) }
    if flags & 16 != 0 { options.insert(.dotMatchesLineSeparators) }
    if flags & 64 != 0 { options.insert(.allowCommentsAndWhitespace) }
    let translated = CompiledPattern.literalBraces(
      source.replacingOccurrences(of: "(?P<", with: "(?<")
        .replacingOccurrences(of: "(?P=", with: "\\k<"))
    do {
      expression = try NSRegularExpression(pattern: translated, options: options)
    } catch {
      throw .error("template.value", "invalid regular expression `\(source)`", at: range)
    }
    self.source = source
  }

  /// Python reads a `{` that starts no quantifier (`{2}`, `{1,}`, `{,3}`, `{1,3}`) and an
  /// unmatched `}` as themselves; ICU rejects them, so they are escaped
  /// (dbt_project_evaluator matches `{{\s*var\s*\(`).
  static func literalBraces(_ pattern: String) -> String {
    let characters = Array(pattern)
    var out = ""
    var index = 0
    var inClass = false
    while index < characters.count {
      let character = characters[index]
      if character == "\\", index + 1 < characters.count {
        out.append(character)
        out.append(characters[index + 1])
        index += 2
        continue
      }
      if inClass {
        if character == "]" { inClass = false }
        out.append(character)
      } else if character == "[" {
        inClass = true
        out.append(character)
        // A `]` first in a class is a member, not its end.
        if index + 1 < characters.count, characters[index + 1] == "]" {
          out.append("]")
          index += 1
        }
      } else if character == "{" {
        if let end = quantifierEnd(characters, from: index) {
          out.append(String(characters[index...end]))
          index = end + 1
          continue
        }
        out.append("\\{")
      } else if character == "}" {
        out.append("\\}")
      } else {
        out.append(character)
      }
      index += 1
    }
    return out
  }

  /// Where a quantifier `{m}`, `{m,}`, `{,n}` or `{m,n}` starting at `start` ends.
  private static func quantifierEnd(_ characters: [Character], from start: Int) -> Int? {
    var index = start + 1
    var digits = 0
    var commas = 0
    while index < characters.count {
      let character = characters[index]
      if character == "}" { return digits > 0 ? index : nil }
      if character.isASCII, character.isNumber {
        digits += 1
      } else if character == "," && commas == 0 {
        commas += 1
      } else {
        return nil
      }
      index += 1
    }
    return nil
  }

  /// The type name shown in errors.
  public var typeName: String { "pattern" }
  /// Python's `repr` of a pattern.
  public var rendered: String { "re.compile('\(source)')" }
  /// `pattern`, the source text.
  public func attribute(_ name: String) -> Value? { name == "pattern" ? .string(source) : nil }
  /// The module's functions without the pattern argument.
  public func hasMethod(_ name: String) -> Bool {
    RegexModule.functions.contains(name) && name != "compile" && name != "escape"
  }

  /// `match`, `search`, `fullmatch`, `findall`, `sub`, `split` on this pattern.
  public func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    switch name {
    case "match", "search", "fullmatch":
      let text = try arguments.string(0, "string", function: name)
      let whole = NSRange(text.startIndex..., in: text)
      var options: NSRegularExpression.MatchingOptions = []
      if name != "search" { options.insert(.anchored) }
      let found = expression.matches(in: text, options: options, range: whole).first {
        name != "fullmatch" || $0.range.upperBound == whole.upperBound
      }
      return found.map { .object(MatchObject(result: $0, text: text, pattern: self)) } ?? .none
    case "findall":
      let text = try arguments.string(0, "string", function: name)
      let matches = expression.matches(in: text, range: NSRange(text.startIndex..., in: text))
      return .list(
        matches.map { result in
          let match = MatchObject(result: result, text: text, pattern: self)
          switch result.numberOfRanges {
          case 1: return match.group(0)
          case 2: return match.group(1)
          default: return .list((1..<result.numberOfRanges).map { match.group($0) })
          }
        })
    case "sub":
      let replacement = try arguments.string(0, "repl", function: "sub")
      let text = try arguments.string(1, "string", function: "sub")
      var count = 0
      if case .integer(let number)? = arguments.value(2, "count") { count = number }
      return .string(substitute(text, with: Self.template(replacement), count: count))
    case "split":
      let text = try arguments.string(0, "string", function: "split")
      var limit = 0
      if case .integer(let number)? = arguments.value(1, "maxsplit") { limit = number }
      return .list(split(text, limit: limit))
    default:
      throw .error("template.evaluation", "pattern has no method `\(name)`", at: arguments.range)
    }
  }

  /// Python's replacement (`\1`, `\g<1>`, `\g<name>`) as an ICU template (`$1`, `${name}`).
  static func template(_ replacement: String) -> String {
    var out = ""
    let characters = Array(replacement)
    var index = 0
    while index < characters.count {
      let character = characters[index]
      if character == "$" {
        out += "\\$"
      } else if character == "\\", index + 1 < characters.count {
        let next = characters[index + 1]
        if next.isNumber {
          out += "$" + String(next)
          index += 2
          continue
        }
        if next == "g", index + 2 < characters.count, characters[index + 2] == "<",
          let close = characters[(index + 3)...].firstIndex(of: ">")
        {
          let name = String(characters[(index + 3)..<close])
          out += Int(name) != nil ? "$" + name : "${" + name + "}"
          index = close + 1
          continue
        }
        switch next {
        case "n": out += "\n"
        case "t": out += "\t"
        case "\\": out += "\\\\"
        default: out += "\\" + String(next)
        }
        index += 2
        continue
      } else {
        out.append(character)
      }
      index += 1
    }
    return out
  }

  private func substitute(_ text: String, with template: String, count: Int) -> String {
    let whole = NSRange(text.startIndex..., in: text)
    let matches = expression.matches(in: text, range: whole)
    let used = count > 0 ? Array(matches.prefix(count)) : matches
    let result = NSMutableString(string: text)
    for match in used.reversed() {
      let replacement = expression.replacementString(
        for: match, in: text, offset: 0, template: template)
      result.replaceCharacters(in: match.range, with: replacement)
    }
    return String(result)
  }

  private func split(_ text: String, limit: Int) -> [Value] {
    let nsText = text as NSString
    var parts: [Value] = []
    var start = 0
    for (number, match) in expression.matches(
      in: text, range: NSRange(location: 0, length: nsText.length)
    ).enumerated() {
      if limit > 0, number >= limit { break }
      parts.append(
        .string(
          nsText.substring(with: NSRange(location: start, length: match.range.location - start))))
      let groups = MatchObject(result: match, text: text, pattern: self)
      for group in 1..<max(1, match.numberOfRanges) { parts.append(groups.group(group)) }
      start = match.range.location + match.range.length
    }
    parts.append(.string(nsText.substring(from: start)))
    return parts
  }
}

/// A match: `group()`, `groups()`, `start()`, `end()`, `span()`, `groupdict()`.
public struct MatchObject: TemplateObject, @unchecked Sendable {
  // NSTextCheckingResult is an immutable value once produced.
  let result: NSTextCheckingResult
  let text: String
  let pattern: CompiledPattern

  /// The type name shown in errors.
  public var typeName: String { "match" }
  /// Python's `repr` of a match.
  public var rendered: String { "<re.Match object; match=\(group(0).representation)>" }
  /// `string`, `re`.
  public func attribute(_ name: String) -> Value? {
    switch name {
    case "string": .string(text)
    case "re": .object(pattern)
    default: nil
    }
  }
  /// A match is true.
  public var isTruthy: Bool { true }

  func group(_ number: Int) -> Value {
    guard number < result.numberOfRanges else { return .none }
    let range = result.range(at: number)
    guard range.location != NSNotFound, let swiftRange = Range(range, in: text) else {
      return .none
    }
    return .string(String(text[swiftRange]))
  }

  func group(named name: String) -> Value {
    let range = result.range(withName: name)
    guard range.location != NSNotFound, let swiftRange = Range(range, in: text) else {
      return .none
    }
    return .string(String(text[swiftRange]))
  }

  /// The match's methods.
  public func hasMethod(_ name: String) -> Bool {
    ["group", "groups", "start", "end", "span", "groupdict"].contains(name)
  }

  /// Calls a match method.
  public func call(method name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    let which = arguments.positional.first ?? .integer(0)
    func number(_ value: Value) throws(Diagnostic) -> Int {
      guard case .integer(let number) = value, number >= 0, number < result.numberOfRanges else {
        throw .error("template.value", "no such group \(value.representation)", at: arguments.range)
      }
      return number
    }
    switch name {
    case "group":
      if arguments.positional.count > 1 {
        var values: [Value] = []
        for value in arguments.positional {
          if let groupName = value.stringValue {
            values.append(group(named: groupName))
          } else {
            values.append(group(try number(value)))
          }
        }
        return .list(values)
      }
      if let groupName = which.stringValue { return group(named: groupName) }
      return group(try number(which))
    case "groups":
      return .list((1..<max(1, result.numberOfRanges)).map { group($0) })
    case "start", "end", "span":
      let range = result.range(at: try number(which))
      guard let swiftRange = Range(range, in: text) else { return .integer(-1) }
      let start = text.distance(from: text.startIndex, to: swiftRange.lowerBound)
      let end = text.distance(from: text.startIndex, to: swiftRange.upperBound)
      return name == "start"
        ? .integer(start) : name == "end" ? .integer(end) : .list([.integer(start), .integer(end)])
    case "groupdict":
      return .dict(OrderedDictionary())
    default:
      throw .error("template.evaluation", "match has no method `\(name)`", at: arguments.range)
    }
  }
}
