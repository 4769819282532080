import Adapter
import Compiler
import Diagnostics
import OrderedCollections
import Project
import Runtime
import Template

/// Applies a node's `grants` config after every build: grants what the config lists and
/// revokes what it no longer lists. Without a `grants` key nothing is touched, so grants
/// managed by hand survive.
enum Grants {
  /// Privilege → roles from the node's config, or nil when it sets none. Keys are normalised
  /// (`all privileges` → `all`); a key that is no privilege was refused when the config was
  /// read, and is refused here again rather than pasted into a statement.
  static func configured(_ config: NodeConfig) throws(StatementFailure) -> [String: [String]]? {
    guard case .dict(let entries)? = config["grants"] else { return nil }
    var grants: [String: [String]] = [:]
    for (key, roles) in entries {
      guard let privilege = ConfigSchema.privilege(key) else {
        throw StatementFailure(
          error: DatabaseError(.statement, "unknown privilege `\(key)` in `grants`"),
          statement: "", action: "applying grants")
      }
      grants[privilege, default: []] += NodeConfig.strings(roles).map(grantee)
    }
    return grants
  }

  /// How the catalog names a role: `public` in any case is the PUBLIC pseudo-role (no role can
  /// be called that), which `information_schema` lists as `PUBLIC`.
  static func grantee(_ role: String) -> String {
    role.lowercased() == "public" ? "PUBLIC" : role
  }

  /// A role as SQL: the PUBLIC keyword, or a quoted identifier.
  static func roleSQL(_ role: String) -> String {
    role == "PUBLIC" ? "public" : SQLQuoting.identifier(role)
  }

  /// Brings the relation's grants in line with the config.
  static func apply(
    _ config: NodeConfig, to relation: RelationName, runner: StatementRunner
  ) throws(StatementFailure) {
    guard let wanted = try configured(config) else { return }
    let current = try runner.run(
      """
      select grantee, lower(privilege_type) from information_schema.role_table_grants \
      where table_schema = \(SQLQuoting.literal(relation.schema)) \
      and table_name = \(SQLQuoting.literal(relation.identifier)) and grantee <> current_user
      """)
    var existing: Set<String> = []
    let everything = wanted["all"] ?? []
    for row in current.rows {
      // The catalog's names are quoted like the config's: a role may be called anything.
      guard let role = row[0], let name = row[1], let privilege = ConfigSchema.privilege(name)
      else { continue }
      existing.insert(privilege + " " + role)
      if !(wanted[privilege] ?? []).contains(role), !everything.contains(role) {
        try runner.run("revoke \(privilege) on \(relation.quoted) from \(roleSQL(role))")
      }
    }
    for privilege in wanted.keys.sorted() {
      let roles = (wanted[privilege] ?? []).filter { !existing.contains(privilege + " " + $0) }
      guard !roles.isEmpty else { continue }
      try runner.run(
        "grant \(privilege) on \(relation.quoted) to "
          + roles.map(roleSQL).joined(separator: ", "))
    }
  }
}

/// `pre_hook` / `post_hook` SQL, rendered with `this` and `target` at run time as dbt does.
enum Hooks {
  /// The hook statements of a config key (a string or a list of strings).
  static func statements(
    _ key: String, of node: CompiledNode, target: TargetConfig,
    macros: [String: MacroDefinition] = [:], connection: (any DatabaseConnection)? = nil
  ) throws(StatementFailure) -> [String] {
    guard let value = node.config[key] else { return [] }
    let texts = NodeConfig.strings(value)
    return try texts.map { (text: String) throws(StatementFailure) -> String in
      try render(
        text, this: node.relation, target: target, what: "\(key) of \(node.name)", macros: macros,
        connection: connection)
    }
  }

  /// Renders one hook or `on-run-start` statement.
  /// With a connection, the hook may use `run_query`, `statement` and the `adapter` look-ups.
  static func render(
    _ text: String, this: RelationName?, target: TargetConfig, what: String,
    macros: [String: MacroDefinition] = [:], connection: (any DatabaseConnection)? = nil
  ) throws(StatementFailure) -> String {
    guard text.contains("{{") || text.contains("{%") else { return text }
    let file = SourceFile(path: what, text: text)
    do {
      let template = try Parser.parse(file)
      let host = HookHost(this: this, target: target, macros: macros)
      let evaluator = Evaluator(host: host, file: file)
      if let connection {
        host.session = IntrospectionSession(
          introspector: ConnectionIntrospector(connection: connection))
        host.session?.evaluator = evaluator
      }
      return try evaluator.render(template)
    } catch {
      throw StatementFailure(
        error: DatabaseError(.statement, "cannot render \(what): \(error.message)"),
        statement: text, action: "rendering \(what)")
    }
  }
}

/// What hooks may use: `this` (the node's relation object), `target`, `api`, `adapter`, the
/// project's macros and dbt's built-in macros (`dbt.type_int()`).
final class HookHost: TemplateHost {
  let this: RelationName?
  let target: TargetConfig
  /// The project's macros by name, which hooks may call as dbt allows.
  let macros: [String: MacroDefinition]
  /// The database, for hooks rendered where they run.
  var session: IntrospectionSession?

  init(this: RelationName?, target: TargetConfig, macros: [String: MacroDefinition] = [:]) {
    self.this = this
    self.target = target
    self.macros = macros
  }

  func hasFunction(_ name: String) -> Bool {
    session != nil && IntrospectionSession.functions.contains(name)
  }
  func call(_ name: String, _ arguments: Arguments) throws(Diagnostic) -> Value {
    if let session { return try session.call(name, arguments) }
    throw .error("hook.unknown-function", "unknown function `\(name)`", at: arguments.range)
  }
  func global(_ name: String) -> Value? {
    switch name {
    case "this":
      this.map {
        .object(RelationObject(database: $0.database, schema: $0.schema, identifier: $0.identifier))
      }
    case "target": target.templateValue
    case "execute": .bool(true)
    case "adapter": HookHost.builtIns.global(name, session: session)
    default: HookHost.builtIns.global(name)
    }
  }
  func macro(named name: String) -> MacroDefinition? {
    macros[name] ?? HookHost.builtIns.macro(named: name)
  }
  var knownNames: [String] { ["this", "target", "api", "dbt", "adapter"] + macros.keys.sorted() }

  /// dbt's built-in macros; the project's come first, from `macros`.
  static let builtIns = MacroResolver(projectName: "", projectMacros: [:])
}
