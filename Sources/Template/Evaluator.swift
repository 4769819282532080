public import Diagnostics
import OrderedCollections

/// Renders a parsed template against a host: Jinja semantics for scopes, loops, macros and filters.
///
/// One evaluator renders one template on one thread; it is cheap to create. Macro recursion is
/// bounded by `maximumCallDepth` so a runaway macro becomes a diagnostic, not a stack overflow.
public final class Evaluator {
  /// The deepest macro call chain accepted.
  public static let maximumCallDepth = 64

  /// Why evaluation stopped early: an error, or a macro's `return(...)`.
  enum Interrupt: Error {
    case failure(Diagnostic)
    case returned(Value)
    /// `{% break %}` and `{% continue %}`: the parser allows them only inside a loop.
    case breakLoop, continueLoop
  }

  let host: any TemplateHost
  var scopes: [[String: Value]]
  var file: SourceFile
  var callDepth = 0
  /// The scopes each `{% call %}` body closes over, innermost last, while its call runs.
  var callerScopes: [ObjectIdentifier: [[[String: Value]]]] = [:]

  /// Creates an evaluator with the given top-level variables.
  public init(host: any TemplateHost, file: SourceFile, variables: [String: Value] = [:]) {
    self.host = host
    self.file = file
    self.scopes = [variables]
  }

  /// Renders a template's body to text.
  public func render(_ template: Template) throws(Diagnostic) -> String {
    file = template.file
    var out = ""
    out.reserveCapacity(template.file.bytes.count + 64)
    do {
      try render(template.body, into: &out)
    } catch {
      switch error {
      case .failure(let diagnostic): throw diagnostic
      case .returned, .breakLoop, .continueLoop: break
      }
    }
    return out
  }

  /// The value of a template that is a single `{{ expression }}` (YAML test arguments such as
  /// `ref('x')`); any other template yields its rendered text.
  public func value(of template: Template) throws(Diagnostic) -> Value {
    guard template.body.count == 1, case .output(let expression) = template.body[0] else {
      return .string(try render(template))
    }
    file = template.file
    do {
      return try evaluate(expression)
    } catch {
      switch error {
      case .failure(let diagnostic): throw diagnostic
      case .returned(let value): return value
      case .breakLoop, .continueLoop: return .none
      }
    }
  }

  /// Calls a macro or test definition with arguments, as `{{ name(...) }}` would.
  public func call(_ macro: MacroDefinition, _ arguments: Arguments) throws(Diagnostic) -> Value {
    do {
      return try invoke(macro, arguments)
    } catch {
      switch error {
      case .failure(let diagnostic): throw diagnostic
      case .returned(let value): return value
      case .breakLoop, .continueLoop: return .none
      }
    }
  }

  // MARK: - Statements

  func render(_ nodes: [TemplateNode], into out: inout String) throws(Interrupt) {
    for node in nodes {
      switch node {
      case .text(let span):
        out += file.text(span)
      case .output(let expression):
        out += try evaluate(expression).rendered
      case .conditional(let branches, let otherwise):
        var taken = false
        for branch in branches where try evaluate(branch.condition).isTruthy {
          try render(branch.body, into: &out)
          taken = true
          break
        }
        if !taken, let otherwise { try render(otherwise, into: &out) }
      case .loop(let targets, let sequence, let condition, let body, let otherwise, let span):
        try renderLoop(targets, sequence, condition, body, otherwise, span, into: &out)
      case .loopControl(let breaks, _):
        throw breaks ? .breakLoop : .continueLoop
      case .attributeAssignment(let variable, let attribute, let expression, let span):
        try assignAttribute(variable, attribute, try evaluate(expression), span)
      case .filterBlock(let filters, let body):
        out += try renderFiltered(filters, body)
      case .callBlock(let call, let caller):
        out += try renderCallBlock(call, caller).rendered
      case .assignment(let targets, let expression, let span):
        let value = try evaluate(expression)
        try assign(targets, value, span)
      case .blockAssignment(let name, let body, _):
        var captured = ""
        try render(body, into: &captured)
        scopes[scopes.count - 1][name] = .string(captured)
      case .evaluation(let expression):
        _ = try evaluate(expression)
      case .macroDefinition(let macro):
        scopes[scopes.count - 1][macro.name] = .macro(macro)
      }
    }
  }

  func assign(_ targets: [String], _ value: Value, _ span: Span) throws(Interrupt) {
    if targets.count == 1 {
      scopes[scopes.count - 1][targets[0]] = value
      return
    }
    let items = try unpack(value, count: targets.count, span)
    for (name, item) in zip(targets, items) { scopes[scopes.count - 1][name] = item }
  }

  private func unpack(_ value: Value, count: Int, _ span: Span) throws(Interrupt) -> [Value] {
    guard case .list(let items) = value, items.count == count else {
      throw fail("cannot unpack \(value.typeName) into \(count) names", span)
    }
    return items
  }

  private func renderLoop(
    _ targets: [String], _ sequenceExpression: Expression, _ condition: Expression?,
    _ body: [TemplateNode], _ otherwise: [TemplateNode]?,
    _ span: Span, into out: inout String
  ) throws(Interrupt) {
    var items = try iterate(try evaluate(sequenceExpression), sequenceExpression.span)
    if let condition { items = try filterLoopItems(items, targets, condition, span) }
    if items.isEmpty {
      if let otherwise { try render(otherwise, into: &out) }
      return
    }
    scopes.append([:])
    defer { scopes.removeLast() }
    let length = items.count
    for (position, item) in items.enumerated() {
      scopes[scopes.count - 1] = [:]
      try assign(targets, item, span)
      var loop: OrderedDictionary<String, Value> = [
        "index": .integer(position + 1), "index0": .integer(position),
        "revindex": .integer(length - position), "revindex0": .integer(length - position - 1),
        "first": .bool(position == 0), "last": .bool(position == length - 1),
        "length": .integer(length), "depth": Evaluator.one, "depth0": Evaluator.zero,
        "cycle": Evaluator.loopCycle,
      ]
      if position > 0 { loop["previtem"] = items[position - 1] }
      if position < length - 1 { loop["nextitem"] = items[position + 1] }
      scopes[scopes.count - 1]["loop"] = .dict(loop)
      do {
        try render(body, into: &out)
      } catch {
        switch error {
        case .breakLoop: return
        case .continueLoop: continue
        default: throw error
        }
      }
    }
  }

  // Shared values: each new `Value` payload is a heap box, and loops make these per item.
  static let one = Value.integer(1)
  static let zero = Value.integer(0)
  static let loopCycle = Value.function(name: "loop.cycle", receiver: nil)

  func iterate(_ value: Value, _ span: Span) throws(Interrupt) -> [Value] {
    switch value {
    case .list(let items): return items
    case .dict(let entries): return entries.keys.map { .string($0) }
    case .string(let text): return text.map { .string(String($0)) }
    case .undefined, .none: return []
    case .object(let object) where object.elements != nil: return object.elements ?? []
    default: throw fail("cannot iterate over \(value.typeName)", span)
    }
  }

  // MARK: - Expressions

  func evaluate(_ expression: Expression, lenient: Bool = false) throws(Interrupt) -> Value {
    switch expression {
    case .literal(let value, _):
      return value
    case .name(let name, let span):
      return try lookup(name, span, lenient: lenient)
    case .attribute(let base, let name, let span):
      return try attribute(try evaluate(base, lenient: lenient), name, span)
    case .index(let base, let key, let span):
      return try subscriptValue(try evaluate(base, lenient: lenient), try evaluate(key), span)
    case .slice(let base, let start, let stop, let step, let span):
      return try slice(try evaluate(base, lenient: lenient), start, stop, step, span)
    case .call(let callee, let arguments, let span):
      return try evaluateCall(callee, arguments, span)
    case .filter(let subject, let name, let arguments, let span):
      let value = try evaluate(subject, lenient: name == "default" || name == "d")
      return try applyFilter(name, value, try evaluateArguments(arguments, span), span)
    case .test(let subject, let name, let arguments, let negated, let span):
      let value = try evaluate(subject, lenient: name == "defined" || name == "undefined")
      let result = try applyTest(name, value, try evaluateArguments(arguments, span), span)
      return .bool(result != negated)
    case .unary(let op, let operand, let span):
      let value = try evaluate(operand)
      switch op {
      case .not: return .bool(!value.isTruthy)
      case .plus: return value
      case .negate:
        switch value {
        case .integer(let number): return .integer(0 &- number)
        case .double(let number): return .double(-number)
        default: throw fail("cannot negate \(value.typeName)", span)
        }
      }
    case .binary(let op, let left, let right, let span):
      return try evaluateBinary(op, left, right, span)
    case .list(let items, _):
      var values: [Value] = []
      values.reserveCapacity(items.count)
      for item in items { values.append(try evaluate(item)) }
      return .list(values)
    case .dict(let entries, _):
      var dict = OrderedDictionary<String, Value>()
      for entry in entries {
        let key = try evaluate(entry.key)
        dict[key.stringValue ?? key.rendered] = try evaluate(entry.value)
      }
      return .dict(dict)
    case .conditional(let then, let condition, let otherwise, _):
      if try evaluate(condition).isTruthy { return try evaluate(then) }
      return try otherwise.map { expression throws(Interrupt) in try evaluate(expression) }
        ?? .undefined
    }
  }

  private func lookup(_ name: String, _ span: Span, lenient: Bool) throws(Interrupt) -> Value {
    for scope in scopes.reversed() {
      if let value = scope[name] { return value }
    }
    if Evaluator.builtinFunctions.contains(name) || host.hasFunction(name) {
      return .function(name: name, receiver: nil)
    }
    if let value = host.global(name) { return value }
    if let macro = host.macro(named: name, calledFrom: file) { return .macro(macro) }
    if let reason = Evaluator.unsupportedNames[name] {
      throw Interrupt.failure(
        .error(
          "template.unsupported", "`\(name)` is not supported by swdbt",
          at: SourceRange(file: file, span: span), hint: reason))
    }
    if lenient || host.undefinedIsLenient || assignsSomewhere(name) { return .undefined }
    var candidates = scopes.flatMap(\.keys) + host.knownNames
    candidates += Evaluator.builtinFunctions
    throw Interrupt.failure(
      .error(
        "template.undefined", "`\(name)` is undefined", at: SourceRange(file: file, span: span),
        hint: Suggestions.didYouMean(name, in: candidates)))
  }

  /// Whether the current file sets `name` with `{% set %}`: a variable set in one branch only
  /// is undefined in the other, and renders empty there, as in Jinja (dbt_utils relies on it);
  /// a name set nowhere is still reported. Scanned only on this error path.
  private func assignsSomewhere(_ name: String) -> Bool {
    let needle = Array(("set " + name).utf8)
    let bytes = file.bytes
    guard bytes.count >= needle.count else { return false }
    for start in 0...(bytes.count - needle.count)
    where bytes[start] == needle[0] && bytes[start..<(start + needle.count)].elementsEqual(needle) {
      let end = start + needle.count
      guard end < bytes.count else { return true }
      if [UInt8(ascii: " "), UInt8(ascii: "="), UInt8(ascii: "-"), UInt8(ascii: "%")].contains(
        bytes[end])
      {
        return true
      }
    }
    return false
  }

  static let builtinFunctions: Set<String> = [
    "range", "return", "exceptions", "dict", "zip", "namespace", "list", "try_or_compiler_error",
  ]

  static let unsupportedNames: [String: String] = [
    "adapter": "swdbt compiles without a database connection; `adapter` methods are not available",
    "run_query": "swdbt runs no queries while compiling; compute the value in SQL instead",
    "statement": "swdbt runs no queries while compiling",
    "load_result": "swdbt runs no queries while compiling",
    "load_relation": "swdbt runs no queries while compiling",
  ]

  func attribute(_ base: Value, _ name: String, _ span: Span) throws(Interrupt) -> Value {
    switch base {
    case .dict(let entries):
      if let value = entries[name] { return value }
      if Evaluator.dictMethods.contains(name) {
        return .function(name: "dict.\(name)", receiver: base)
      }
      return .undefined
    case .string:
      if Evaluator.stringMethods.contains(name) {
        return .function(name: "str.\(name)", receiver: base)
      }
    case .list:
      if Evaluator.listMethods.contains(name) {
        return .function(name: "list.\(name)", receiver: base)
      }
    case .relation(let relation):
      switch name {
      case "schema": return .relation(.init(index: relation.index, part: .schema))
      case "identifier", "name", "table":
        return .relation(.init(index: relation.index, part: .identifier))
      case "database": return .relation(.init(index: relation.index, part: .database))
      case "render": return .function(name: "relation.render", receiver: base)
      // Known once the relation is looked up; while the name is a placeholder, unknown.
      case "type": return .undefined
      default: break
      }
    case .object(let object):
      if let value = object.attribute(name) { return value }
      if object.hasMethod(name) { return .function(name: name, receiver: base) }
    case .function(let function, let receiver):
      return .function(name: "\(function).\(name)", receiver: receiver)
    case .undefined:
      return .undefined
    default:
      break
    }
    throw fail("\(base.typeName) has no attribute `\(name)`", span)
  }

  static let dictMethods: Set<String> = [
    "items", "keys", "values", "get", "update", "pop", "setdefault", "copy", "clear",
  ]
  static let stringMethods: Set<String> = [
    "upper", "lower", "strip", "lstrip", "rstrip", "replace", "split", "startswith", "endswith",
    "title", "capitalize", "join", "format", "count", "find", "isdigit", "isalpha", "isupper",
    "islower", "zfill",
  ]
  static let listMethods: Set<String> = [
    "append", "extend", "index", "count", "pop", "insert", "remove", "copy", "clear",
  ]

  private func subscriptValue(_ base: Value, _ key: Value, _ span: Span) throws(Interrupt) -> Value
  {
    switch (base, key) {
    case (.dict(let entries), _):
      return entries[key.stringValue ?? key.rendered] ?? .undefined
    case (.list(let items), .integer(let position)):
      let resolved = position < 0 ? items.count + position : position
      guard items.indices.contains(resolved) else {
        throw fail("list index \(position) out of range (length \(items.count))", span)
      }
      return items[resolved]
    case (.string(let text), .integer(let position)):
      let characters = Array(text)
      let resolved = position < 0 ? characters.count + position : position
      guard characters.indices.contains(resolved) else {
        throw fail("string index \(position) out of range", span)
      }
      return .string(String(characters[resolved]))
    case (.undefined, _):
      return .undefined
    case (.object(let object), _):
      if let value = object.item(key) { return value }
      throw fail("\(object.typeName) has no item \(key.representation)", span)
    default:
      throw fail("cannot index \(base.typeName) with \(key.typeName)", span)
    }
  }

  func fail(_ message: String, _ span: Span, hint: String? = nil) -> Interrupt {
    .failure(
      .error("template.evaluation", message, at: SourceRange(file: file, span: span), hint: hint))
  }
}
