import Adapter
import Compiler
import Diagnostics
import Execution
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
