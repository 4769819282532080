import Diagnostics
import OrderedCollections
import Template

/// Snapshots: `{% snapshot %}` blocks under `snapshot-paths` and `snapshots:` entries with a
/// `relation:` in YAML. Each becomes a `ModelNode` of resource type `snapshot`, built by the
/// `snapshot` materialization.
extension ProjectLoader {
  /// The snapshots a file under a snapshot path defines, one per `{% snapshot %}` block; `path`
  /// is relative to the snapshot path. As in dbt, the fqn includes the file's name.
  static func snapshotNodes(
    _ template: Template?, file: SourceFile, path: String, relativePath: String,
    project: String, config: ConfigTree, sink: any DiagnosticSink
  ) -> [ModelNode] {
    guard let template else { return [] }
    if template.snapshots.isEmpty, !template.body.isEmpty, template.macros.isEmpty {
      sink.emit(
        .warning(
          "project.no-snapshot-block", "`\(relativePath)` defines no `{% snapshot %}` block",
          path: relativePath,
          hint: "wrap the query in `{% snapshot name %}` ... `{% endsnapshot %}`"))
    }
    let prefix = fqn(project, splitExtension(path).stem)
    return template.snapshots.map { block in
      let nodeFQN = prefix + [block.name]
      return ModelNode(
        uniqueID: "snapshot.\(project).\(block.name)", name: block.name,
        originalFilePath: relativePath, path: path, fqn: nodeFQN,
        template: template.snapshotTemplate(block), file: file,
        config: snapshotConfig(config.resolve(nodeFQN)), patch: nil, resourceType: .snapshot)
    }
  }

  /// Block snapshots with their YAML documentation, plus the snapshots YAML defines itself.
  static func attachSnapshotPatches(
    _ patches: [ModelPatch], to blocks: [ModelNode], project: String, config: ConfigTree,
    jinja: YAMLJinja, docs: [String: DocsBlock], sink: any DiagnosticSink
  ) -> [ModelNode] {
    var snapshots = blocks
    var byName: [String: Int] = [:]
    for index in snapshots.indices { byName[snapshots[index].name] = index }
    for patch in patches {
      let described = jinja.describe(patch, docs: docs, sink: sink)
      if let index = byName[patch.name] {
        guard patch.relation == nil else {
          sink.emit(
            .error(
              "project.duplicate-snapshot",
              "snapshot `\(patch.name)` is defined twice, in YAML and by a `{% snapshot %}` block",
              at: patch.range,
              notes: [.init("the block is in \(snapshots[index].originalFilePath)")]))
          continue
        }
        snapshots[index].patch = described
        snapshots[index].config = snapshotConfig(snapshots[index].config.merged(with: patch.config))
        continue
      }
      guard let relation = patch.relation else {
        sink.emit(
          .warning(
            "schema.unknown-snapshot",
            "YAML describes snapshot `\(patch.name)`, but no such snapshot exists",
            at: patch.range,
            hint: Suggestions.didYouMean(patch.name, in: byName.keys.sorted())
              ?? "define it with `{% snapshot \(patch.name) %}` or give it a `relation:`"))
        continue
      }
      guard let node = yamlSnapshot(described, relation: relation, project: project, config: config)
      else {
        sink.emit(
          .error(
            "schema.invalid-snapshot-relation",
            "the `relation` of snapshot `\(patch.name)` must be `ref('...')` or `source('...', '...')`",
            at: patch.relationRange ?? patch.range))
        continue
      }
      byName[patch.name] = snapshots.count
      snapshots.append(node)
    }
    return snapshots
  }

  /// A snapshot defined in YAML: `select * from {{ relation }}`.
  private static func yamlSnapshot(
    _ patch: ModelPatch, relation: String, project: String, config: ConfigTree
  ) -> ModelNode? {
    let trimmed = relation.trimmingWhitespace()
    guard trimmed.hasPrefix("ref(") || trimmed.hasPrefix("source("), trimmed.hasSuffix(")")
    else { return nil }
    let yamlPath = patch.range.file.path
    // The template's text is made here; its errors point at the YAML entry's file.
    let file = SourceFile(path: yamlPath, text: "select * from {{ \(trimmed) }}")
    let template: Template
    do throws(Diagnostic) {
      template = try Parser.parse(file)
    } catch {
      return nil
    }
    let nodeFQN = [project, patch.name]
    return ModelNode(
      uniqueID: "snapshot.\(project).\(patch.name)", name: patch.name,
      originalFilePath: yamlPath, path: yamlPath, fqn: nodeFQN, template: template, file: file,
      config: snapshotConfig(config.resolve(nodeFQN).merged(with: patch.config)), patch: patch,
      resourceType: .snapshot)
  }

  /// A snapshot's config always says `materialized: snapshot`.
  private static func snapshotConfig(_ config: NodeConfig) -> NodeConfig {
    config.merged(with: NodeConfig(["materialized": .string("snapshot")]))
  }
}
