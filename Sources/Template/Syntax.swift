public import Diagnostics

/// A parsed template: its top-level body plus the macros, tests and docs blocks it defines.
public struct Template: Sendable {
  /// The file the template came from.
  public let file: SourceFile
  /// The top-level body, rendered for models and tests.
  public let body: [TemplateNode]
  /// `{% macro %}` definitions, in source order.
  public let macros: [MacroDefinition]
  /// `{% test %}` definitions (custom generic tests), in source order.
  public let tests: [MacroDefinition]
  /// `{% docs name %}` blocks, in source order.
  public let docs: [DocsBlock]
  /// `{% snapshot name %}` blocks, in source order.
  public var snapshots: [SnapshotBlock] = []
  /// `{% materialization name, adapter=... %}` blocks: recorded, never run.
  public var materializations: [MaterializationBlock] = []

  /// The template a snapshot block renders: its body, with the file's macros in scope.
  public func snapshotTemplate(_ block: SnapshotBlock) -> Template {
    Template(file: file, body: block.body, macros: macros, tests: [], docs: [])
  }
}

/// One `{% snapshot name %}...{% endsnapshot %}` block: a snapshot's select statement.
public struct SnapshotBlock: Sendable {
  /// The snapshot's name.
  public let name: String
  /// The block's body.
  public let body: [TemplateNode]
  /// Where the block's name is.
  public let span: Span
}

/// A custom `{% materialization %}` block. swdbt's materializations are built in, so the block
/// is kept only to say so where a model asks for it; its body is skipped unparsed.
public struct MaterializationBlock: Sendable {
  /// The name `materialized='...'` refers to.
  public let name: String
  /// The engine it is for (`default` when the block says `default` or names none).
  public let adapter: String
  /// Where the block's name is.
  public let span: Span
}

/// One `{% docs name %}...{% enddocs %}` block; its text is rendered raw.
public struct DocsBlock: Sendable {
  /// The name `doc('name')` refers to.
  public let name: String
  /// The text of the block.
  public let text: String
  /// Where the block's name is.
  public let span: Span
}

/// A `{% macro %}` or `{% test %}` definition. Invariant: parameter names are unique.
public final class MacroDefinition: Sendable {
  /// A formal parameter with an optional default.
  public struct Parameter: Sendable {
    /// The parameter's name.
    public let name: String
    /// The default value's expression, evaluated at call time.
    public let defaultValue: Expression?
  }

  /// The macro's name.
  public let name: String
  /// The formal parameters.
  public let parameters: [Parameter]
  /// The body.
  public let body: [TemplateNode]
  /// The file that defines the macro.
  public let file: SourceFile
  /// Where the macro's name is.
  public let span: Span
  /// Whether the body names `varargs`, so extra positional arguments are collected there.
  public let catchesVarargs: Bool
  /// Whether the body names `kwargs`, so unknown keyword arguments are collected there.
  public let catchesKwargs: Bool

  /// Creates a macro definition.
  public init(
    name: String, parameters: [Parameter], body: [TemplateNode], file: SourceFile, span: Span,
    catchesVarargs: Bool = false, catchesKwargs: Bool = false
  ) {
    self.name = name
    self.parameters = parameters
    self.body = body
    self.file = file
    self.span = span
    self.catchesVarargs = catchesVarargs
    self.catchesKwargs = catchesKwargs
  }
}

/// A call argument, positional when `label` is nil; `*` and `**` labels spread a list into
/// positional arguments and a dict into keyword arguments.
public struct Argument: Sendable {
  /// The keyword, or nil for a positional argument.
  public let label: String?
  /// The argument's expression.
  public let value: Expression
  /// The whole argument, keyword included.
  public let span: Span
}

/// A unary operator.
public enum UnaryOperator: String, Sendable {
  case not
  case negate = "-"
  case plus = "+"
}

/// A binary operator; `and`/`or` short-circuit.
public enum BinaryOperator: String, Sendable {
  case or, and
  case equal = "=="
  case notEqual = "!="
  case less = "<"
  case lessOrEqual = "<="
  case greater = ">"
  case greaterOrEqual = ">="
  case `in`
  case notIn = "not in"
  case add = "+"
  case subtract = "-"
  case concat = "~"
  case multiply = "*"
  case divide = "/"
  case floorDivide = "//"
  case modulo = "%"
  case power = "**"
}

/// An expression inside `{{ }}` or a statement; every case carries its span.
public indirect enum Expression: Sendable {
  case literal(Value, Span)
  case name(String, Span)
  case attribute(Expression, String, Span)
  case index(Expression, Expression, Span)
  /// `base[start:stop:step]`, any part omitted.
  case slice(Expression, start: Expression?, stop: Expression?, step: Expression?, Span)
  case call(Expression, [Argument], Span)
  case filter(Expression, String, [Argument], Span)
  case test(Expression, String, [Argument], negated: Bool, Span)
  case unary(UnaryOperator, Expression, Span)
  case binary(BinaryOperator, Expression, Expression, Span)
  case list([Expression], Span)
  case dict([(key: Expression, value: Expression)], Span)
  case conditional(then: Expression, condition: Expression, otherwise: Expression?, Span)

  /// Where the expression is in its file.
  public var span: Span {
    switch self {
    case .literal(_, let span), .name(_, let span), .attribute(_, _, let span),
      .index(_, _, let span), .slice(_, _, _, _, let span), .call(_, _, let span),
      .filter(_, _, _, let span),
      .test(_, _, _, _, let span), .unary(_, _, let span), .binary(_, _, _, let span),
      .list(_, let span), .dict(_, let span), .conditional(_, _, _, let span):
      span
    }
  }
}

/// A statement or piece of output in a template body.
public indirect enum TemplateNode: Sendable {
  /// Literal text to copy.
  case text(Span)
  /// `{{ expression }}`
  case output(Expression)
  /// `{% if %}` with its `elif` branches and optional `else`.
  case conditional(
    branches: [(condition: Expression, body: [TemplateNode])], otherwise: [TemplateNode]?)
  /// `{% for a, b in items if condition %}` with an optional `{% else %}` for empty sequences.
  case loop(
    targets: [String], sequence: Expression, condition: Expression?, body: [TemplateNode],
    otherwise: [TemplateNode]?, Span)
  /// `{% break %}` (`breaks` true) or `{% continue %}`, only inside a loop.
  case loopControl(breaks: Bool, Span)
  /// `{% set namespace.attribute = expression %}`
  case attributeAssignment(variable: String, attribute: String, Expression, Span)
  /// `{% filter name(args) | other %}...{% endfilter %}`: the body's text through the filters.
  case filterBlock(
    filters: [(name: String, arguments: [Argument], span: Span)], body: [TemplateNode])
  /// `{% call(params) macro(args) %}...{% endcall %}`: the call, given the body as `caller`.
  case callBlock(call: Expression, caller: MacroDefinition)
  /// `{% set a, b = expression %}`
  case assignment(targets: [String], Expression, Span)
  /// `{% set name %}...{% endset %}`
  case blockAssignment(name: String, body: [TemplateNode], Span)
  /// `{% do expression %}`
  case evaluation(Expression)
  /// A `{% macro %}` defined inside a body; it becomes callable once reached.
  case macroDefinition(MacroDefinition)
}
