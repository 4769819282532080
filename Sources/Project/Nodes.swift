public import Diagnostics
public import OrderedCollections
public import Template

/// A column described in YAML.
public struct ColumnSpec: Sendable {
  /// The column's name.
  public var name: String
  /// Its description.
  public var description: String
  /// Its declared data type, if any.
  public var dataType: String?
  /// Free-form metadata (`pii: true`, ...).
  public var meta: OrderedDictionary<String, Value>
  /// Its tags.
  public var tags: [String]
  /// The tests declared on it.
  public var tests: [TestSpec]
  /// Where the column's name is in the YAML.
  public var range: SourceRange?
  /// Its `constraints:` (applied when the model's contract is enforced).
  public var constraints: [ConstraintSpec] = []
  /// Whether `quote: true` keeps the name's case (else PostgreSQL folds it to lower case).
  public var quote = false
  /// Where its `data_type` is in the YAML, if given.
  public var dataTypeRange: SourceRange?

  /// Creates a column description.
  public init(
    name: String, description: String = "", dataType: String? = nil,
    meta: OrderedDictionary<String, Value> = [:], tags: [String] = [], tests: [TestSpec] = [],
    range: SourceRange? = nil
  ) {
    self.name = name
    self.description = description
    self.dataType = dataType
    self.meta = meta
    self.tags = tags
    self.tests = tests
    self.range = range
  }
}

/// A generic test as declared in YAML (`not_null`, `relationships: {to: ..., field: ...}`).
public struct TestSpec: Sendable {
  /// The test's name (`unique`, or a custom generic test's name).
  public var testName: String
  /// Its arguments, as YAML gave them (strings such as `ref('x')` still unrendered).
  public var arguments: OrderedDictionary<String, Value>
  /// Its config (`severity`, `where`, ...).
  public var config: NodeConfig
  /// A custom name from `name:`.
  public var customName: String?
  /// The column it tests, if declared on a column.
  public var column: String?
  /// Where the test is declared.
  public var range: SourceRange?
  /// Its `description:`.
  public var description = ""
}

/// Model documentation and tests from a YAML file, before it is attached to a model.
public struct ModelPatch: Sendable {
  /// The model's name.
  public var name: String
  /// Its description.
  public var description: String
  /// Its columns, in YAML order.
  public var columns: [ColumnSpec]
  /// Model-level tests.
  public var tests: [TestSpec]
  /// Config from the YAML (`config:` plus top-level `tags` and `meta`).
  public var config: NodeConfig
  /// Where the entry's name is.
  public var range: SourceRange
  /// Model-level `constraints:` (applied when the contract is enforced).
  public var constraints: [ConstraintSpec] = []
  /// A YAML-defined snapshot's `relation:` (`ref('x')` or `source('a', 'b')`), as written.
  public var relation: String? = nil
  /// Where `relation:`'s value is.
  public var relationRange: SourceRange? = nil
}

/// A SQL model file: `models/**/*.sql`.
public struct ModelNode: Sendable {
  /// `model.<project>.<name>`.
  public var uniqueID: String
  /// The file name without extension.
  public var name: String
  /// The path relative to the project root (`models/staging/stg_orders.sql`).
  public var originalFilePath: String
  /// The path relative to its model path (`staging/stg_orders.sql`).
  public var path: String
  /// `[project, folders..., name]`.
  public var fqn: [String]
  /// The parsed template, or nil when it has syntax errors (reported during loading).
  public var template: Template?
  /// The file.
  public var file: SourceFile
  /// Config from the project file merged with the YAML patch (before `config()` in the SQL).
  public var config: NodeConfig
  /// Documentation from YAML, if any.
  public var patch: ModelPatch?
  /// `.model`, or `.snapshot` for a `{% snapshot %}` block or a YAML-defined snapshot (built
  /// like a model, by the `snapshot` materialization).
  public var resourceType: ResourceType = .model
}

/// A CSV or JSON seed file.
public struct SeedNode: Sendable {
  /// The formats seeds may have.
  public enum Format: String, Sendable {
    case csv, json, ndjson
  }

  /// `seed.<project>.<name>`.
  public var uniqueID: String
  /// The file name without extension.
  public var name: String
  /// The path relative to the project root.
  public var originalFilePath: String
  /// The path relative to its seed path.
  public var path: String
  /// `[project, folders..., name]`.
  public var fqn: [String]
  /// The file's format.
  public var format: Format
  /// Config from the project file and YAML.
  public var config: NodeConfig
  /// Documentation from YAML, if any.
  public var patch: ModelPatch?
}

/// A table that already exists in the database, declared under `sources:`.
public struct SourceNode: Sendable {
  /// `source.<project>.<source>.<table>`.
  public var uniqueID: String
  /// The source's name.
  public var sourceName: String
  /// The table's name.
  public var name: String
  /// The schema that holds it.
  public var schema: String
  /// The database, if set.
  public var database: String?
  /// The relation's name in the database (defaults to `name`).
  public var identifier: String
  /// Its description.
  public var description: String
  /// Its columns.
  public var columns: [ColumnSpec]
  /// Table-level tests.
  public var tests: [TestSpec]
  /// Its config.
  public var config: NodeConfig
  /// The YAML file that declares it, relative to the project root.
  public var originalFilePath: String
  /// Where the table's name is in the YAML.
  public var range: SourceRange
  /// `freshness:` (the table's, else the source's), for `source freshness`.
  public var freshness: SourceFreshness? = nil
  /// `loaded_at_field:` (the table's, else the source's).
  public var loadedAtField: String? = nil
}

/// A `<test-path>/**/*.sql` query (`tests/` by default) that must return no rows.
public struct SingularTestNode: Sendable {
  /// `test.<project>.<name>`.
  public var uniqueID: String
  /// The file name without extension.
  public var name: String
  /// The path relative to the project root.
  public var originalFilePath: String
  /// The path relative to its test path.
  public var path: String
  /// `[project, folders..., name]`.
  public var fqn: [String]
  /// The parsed template, or nil when it has syntax errors.
  public var template: Template?
  /// The file.
  public var file: SourceFile
  /// Config from the project file.
  public var config: NodeConfig
}
