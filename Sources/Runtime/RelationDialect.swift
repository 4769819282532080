/// How an adapter writes names, as dbt's relation classes define it: the quote character and
/// which parts a relation quotes and includes by default. dbt-postgres quotes every part with
/// `"`; dbt-spark (`SparkRelation`) quotes nothing unless asked, with `` ` ``, and leaves the
/// database (catalog) out, so `{{ ref('x') }}` is `schema.x` there.
public struct RelationDialect: Sendable, Hashable {
  /// The quote character: `"` or `` ` ``.
  public let quoteCharacter: Character
  /// Whether a relation's parts are quoted unless a template asks otherwise.
  public let quotesByDefault: Bool
  /// Whether a relation's database is written.
  public let includesDatabase: Bool

  /// PostgreSQL's (and the ANSI default): `"database"."schema"."name"`.
  public static let postgres = RelationDialect(
    quoteCharacter: "\"", quotesByDefault: true, includesDatabase: true)
  /// Spark's: `schema.name`, `` `name` `` when quoted.
  public static let spark = RelationDialect(
    quoteCharacter: "`", quotesByDefault: false, includesDatabase: false)

  /// The dialect of a target type (`postgres`, `spark`, ...).
  public init(adapterType: String) {
    switch adapterType {
    case "spark", "databricks": self = .spark
    default: self = .postgres
    }
  }

  private init(quoteCharacter: Character, quotesByDefault: Bool, includesDatabase: Bool) {
    self.quoteCharacter = quoteCharacter
    self.quotesByDefault = quotesByDefault
    self.includesDatabase = includesDatabase
  }

  /// `name` quoted, an embedded quote character doubled.
  public func quote(_ name: String) -> String {
    let mark = String(quoteCharacter)
    guard name.contains(quoteCharacter) else { return mark + name + mark }
    return mark + name.replacing(mark, with: mark + mark) + mark
  }

  /// A relation's name as a reference to it renders: the included parts, each quoted when
  /// the dialect quotes by default.
  public func relation(database: String?, schema: String, identifier: String) -> String {
    func part(_ name: String) -> String { quotesByDefault ? quote(name) : name }
    let qualified = part(schema) + "." + part(identifier)
    guard includesDatabase, let database else { return qualified }
    return part(database) + "." + qualified
  }
}
