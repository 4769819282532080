public import Compiler
public import Diagnostics
import Foundation
import Graph
import Project
import Template

/// The artifacts of an earlier invocation (`--state DIR`): its `manifest.json`, and when
/// present `run_results.json` and `sources.json`. Selectors compare the project with it
/// (`state:modified`, `result:error`, `source_status:fresher`) and `--defer` reads the
/// relations of nodes it does not build from it.
public struct PreviousState: Sendable {
  /// What state comparison looks at on one node of a manifest.
  struct NodeFacts: Sendable, Equatable {
    var checksum: String
    /// The config as canonical JSON, without the keys that name the relation (as dbt's
    /// `same_config`, which leaves `database`, `schema` and `alias` to `modified.relation`).
    var config: String
    /// The configured `database`, `schema`, `alias` (`identifier` for sources).
    var relationConfig: [String]
    /// The quoted relation (`relation_name`), what `--defer` reads.
    var relationName: String?
    /// The relation as built (`database`, `schema`, `alias`), what `--defer` reads.
    var relation: RelationName?
    /// The node's and its columns' descriptions, with what `persist_docs` persists.
    var relationDescription: String
    var columnDescriptions: String
    var persistsRelation: Bool
    var persistsColumns: Bool
    /// Whether the contract is enforced, and the columns' names and types.
    var contractEnforced: Bool
    var contractColumns: String
    /// The code as written, to find the macros it calls.
    var rawCode: String
  }

  /// The directory the artifacts were read from.
  public let directory: String
  let nodes: [String: NodeFacts]
  /// Macro names with their checksums.
  let macros: [String: String]
  /// `unique_id` -> status, from `run_results.json`.
  let results: [String: String]
  /// Source `unique_id` -> `max_loaded_at`, from `sources.json`.
  let sourcesLoadedAt: [String: String]?

  /// Reads the artifacts under `directory`; the manifest must be there.
  public static func load(directory: String) throws(Diagnostic) -> PreviousState {
    let manifestPath = directory + "/manifest.json"
    guard let manifest = readJSON(manifestPath) else {
      throw .error(
        "state.missing", "cannot read a manifest at `\(manifestPath)`",
        hint: "pass `--state` the folder holding the `manifest.json` of an earlier run "
          + "(its `target/` folder, copied)")
    }
    let (nodes, macros) = facts(manifest)
    var results: [String: String] = [:]
    if let runResults = readJSON(directory + "/run_results.json"),
      let entries = runResults["results"] as? [[String: Any]]
    {
      for entry in entries {
        if let id = entry["unique_id"] as? String, let status = entry["status"] as? String {
          results[id] = status
        }
      }
    }
    return PreviousState(
      directory: directory, nodes: nodes, macros: macros, results: results,
      sourcesLoadedAt: loadedAt(directory + "/sources.json"))
  }

  /// The relation the earlier invocation built for a node, quoted, if it built one.
  public func relationName(of uniqueID: String) -> String? { nodes[uniqueID]?.relationName }

  /// The relation the earlier invocation built for a node, if it built one.
  public func relation(of uniqueID: String) -> RelationName? { nodes[uniqueID]?.relation }

  /// Every label each node of `compilation` carries against this state: `new`, `old`,
  /// `modified` and its `modified.*` parts, `unmodified`, `result:<status>`,
  /// `source_status:fresher|stale` (the last only when `currentSources` is given).
  public func labels(
    _ compilation: Compilation, manifest: [UInt8], currentSources: String?
  ) -> [String: Set<String>] {
    guard let object = try? JSONSerialization.jsonObject(with: Data(manifest)) as? [String: Any]
    else { return [:] }
    let (current, currentMacros) = Self.facts(object)
    let changedMacros = Self.changedMacros(
      current: currentMacros, previous: macros, compilation: compilation)
    let loadedNow = currentSources.flatMap(Self.loadedAt)
    var labels: [String: Set<String>] = [:]
    for id in compilation.graph.ids {
      var set: Set<String> = []
      if let status = results[id] { set.insert("result:" + status) }
      if let now = current[id] {
        if let before = nodes[id] {
          set.insert("old")
          let parts = Self.modifiedParts(now: now, before: before, changedMacros: changedMacros)
          for part in parts { set.insert("modified." + part) }
          set.insert(parts.isEmpty ? "unmodified" : "modified")
        } else {
          // As dbt: a new node counts as modified in every respect.
          set.insert("new")
          set.insert("modified")
          for value in SelectorAtomValues.modifiedParts { set.insert("modified." + value) }
        }
      }
      if let loadedNow, let now = loadedNow[id] {
        let before = sourcesLoadedAt?[id]
        set.insert(
          before.map { now > $0 } ?? true ? "source_status:fresher" : "source_status:stale")
      }
      if !set.isEmpty { labels[id] = set }
    }
    return labels
  }

  /// Which of dbt's `state:modified.*` checks a node fails.
  static func modifiedParts(now: NodeFacts, before: NodeFacts, changedMacros: Set<String>)
    -> [String]
  {
    var parts: [String] = []
    if now.checksum != before.checksum { parts.append("body") }
    if now.config != before.config { parts.append("configs") }
    if now.relationConfig != before.relationConfig { parts.append("relation") }
    if (now.persistsRelation && now.relationDescription != before.relationDescription)
      || (now.persistsColumns && now.columnDescriptions != before.columnDescriptions)
    {
      parts.append("persisted_descriptions")
    }
    if !changedMacros.isEmpty, changedMacros.contains(where: { mentions(now.rawCode, $0) }) {
      parts.append("macros")
    }
    if now.contractEnforced != before.contractEnforced
      || (now.contractEnforced && now.contractColumns != before.contractColumns)
    {
      parts.append("contract")
    }
    return parts
  }

  /// Macros whose definition changed (or appeared, or went), and every macro that calls one.
  /// A macro's checksum is its file's, so a change flags the macros defined beside it too.
  static func changedMacros(
    current: [String: String], previous: [String: String], compilation: Compilation
  ) -> Set<String> {
    var changed = Set(current.keys.filter { current[$0] != previous[$0] })
    changed.formUnion(previous.keys.filter { current[$0] == nil })
    guard !changed.isEmpty else { return [] }
    let definitions = compilation.project.macros
    var grew = true
    while grew {
      grew = false
      for (name, macro) in definitions where !changed.contains(name) {
        if changed.contains(where: { mentions(macro.file.text, $0) }) {
          changed.insert(name)
          grew = true
        }
      }
    }
    return changed
  }

  /// Whether `text` calls `name`: the name, not inside a longer identifier, then `(`.
  static func mentions(_ text: String, _ name: String) -> Bool {
    var rest = text[...]
    while let found = rest.range(of: name) {
      let before =
        found.lowerBound > text.startIndex ? text[text.index(before: found.lowerBound)] : " "
      let after = text[found.upperBound...].drop { $0 == " " }.first
      if !(before.isLetter || before.isNumber || before == "_"), after == "(" { return true }
      rest = text[found.upperBound...]
    }
    return false
  }

  private static func readJSON(_ path: String) -> [String: Any]? {
    guard let bytes = try? FileSystem.read(path) else { return nil }
    return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
  }

  private static func loadedAt(_ path: String) -> [String: String]? {
    guard let object = readJSON(path), let entries = object["results"] as? [[String: Any]]
    else { return nil }
    var loaded: [String: String] = [:]
    for entry in entries {
      if let id = entry["unique_id"] as? String, let time = entry["max_loaded_at"] as? String {
        loaded[id] = time
      }
    }
    return loaded
  }

  /// The facts of every node and source of a manifest, and its macros' checksums.
  static func facts(_ manifest: [String: Any]) -> ([String: NodeFacts], [String: String]) {
    var facts: [String: NodeFacts] = [:]
    for section in ["nodes", "sources"] {
      for (id, value) in manifest[section] as? [String: Any] ?? [:] {
        if let node = value as? [String: Any] { facts[id] = nodeFacts(node) }
      }
    }
    var macros: [String: String] = [:]
    for (_, value) in manifest["macros"] as? [String: Any] ?? [:] {
      guard let macro = value as? [String: Any], let name = macro["name"] as? String else {
        continue
      }
      macros[name] = (macro["checksum"] as? [String: Any])?["checksum"] as? String ?? ""
    }
    return (facts, macros)
  }

  private static func nodeFacts(_ node: [String: Any]) -> NodeFacts {
    var config = node["config"] as? [String: Any] ?? [:]
    let relationConfig = ["database", "schema", "alias"].map { key in
      config[key].map(canonical) ?? ""
    }
    for key in ["database", "schema", "alias"] { config[key] = nil }
    let persist = config["persist_docs"] as? [String: Any] ?? [:]
    let contract = config["contract"] as? [String: Any] ?? [:]
    let columns = node["columns"] as? [String: Any] ?? [:]
    var descriptions: [String] = []
    var types: [String] = []
    for name in columns.keys.sorted() {
      let column = columns[name] as? [String: Any] ?? [:]
      descriptions.append(name + "=" + (column["description"] as? String ?? ""))
      types.append(name + "=" + (column["data_type"] as? String ?? ""))
    }
    var relation: RelationName?
    if node["relation_name"] is String, let schema = node["schema"] as? String,
      let identifier = (node["alias"] ?? node["identifier"]) as? String
    {
      relation = RelationName(
        database: node["database"] as? String, schema: schema, identifier: identifier)
    }
    return NodeFacts(
      checksum: (node["checksum"] as? [String: Any])?["checksum"] as? String ?? "",
      config: canonical(config), relationConfig: relationConfig,
      relationName: node["relation_name"] as? String, relation: relation,
      relationDescription: node["description"] as? String ?? "",
      columnDescriptions: descriptions.joined(separator: "\n"),
      persistsRelation: persist["relation"] as? Bool ?? false,
      persistsColumns: persist["columns"] as? Bool ?? false,
      contractEnforced: contract["enforced"] as? Bool ?? false,
      contractColumns: types.joined(separator: "\n"),
      rawCode: node["raw_code"] as? String ?? "")
  }

  private static func canonical(_ value: Any) -> String {
    guard JSONSerialization.isValidJSONObject([value]),
      let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys])
    else { return "\(value)" }
    return String(decoding: data, as: UTF8.self)
  }
}

/// The `modified.*` sub-selectors, as dbt names them.
enum SelectorAtomValues {
  static let modifiedParts = [
    "body", "configs", "relation", "persisted_descriptions", "macros", "contract",
  ]
}
