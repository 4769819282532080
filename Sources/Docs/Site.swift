public import Compiler
import Diagnostics
public import Exposures
import Graph
import Project
import Template

/// The docs: `manifest.json` and `catalog.json` under `target/`, and the static site under
/// `target/docs/` (`index.html` and its data, `data.js` and `data/nodes-*.js`: SiteData.swift).
public enum Site {
  /// Paths written, relative to the project root.
  public struct Written: Sendable {
    /// `target/manifest.json`.
    public var manifest: String
    /// `target/catalog.json`, when a catalog was given.
    public var catalog: String?
    /// `target/docs/index.html`.
    public var index: String
  }

  /// The lineage layout of every node but tests, and of the exposures (downstream of the
  /// models they read), as the site draws it.
  public static func layout(
    _ compilation: Compilation, exposures: [Exposure] = []
  ) -> (ids: [String], layout: LineageLayout) {
    let graph = compilation.graph
    let kept = graph.ids.indices.filter { compilation.nodes[$0].resourceType != .test }
    var position = [Int](repeating: -1, count: graph.ids.count)
    for (index, node) in kept.enumerated() { position[node] = index }
    var parents = kept.map {
      graph.parents[$0].compactMap { position[$0] >= 0 ? position[$0] : nil }
    }
    var order = compilation.order.compactMap { position[$0] >= 0 ? position[$0] : nil }
    var group = kept.map { index in
      let node = compilation.nodes[index]
      return node.fqn.dropLast().joined(separator: "/") + "/" + node.name
    }
    var ids = kept.map { graph.ids[$0] }
    if !exposures.isEmpty {
      var keptByName: [String: Int] = [:]
      for (index, node) in kept.enumerated() {
        switch compilation.nodes[node].resourceType {
        case .model: keptByName[compilation.nodes[node].name] = index
        // `source.<package>.<source>.<table>` as `source:<source>.<table>`.
        case .source:
          let id = compilation.nodes[node].uniqueID.split(separator: ".").dropFirst(2)
          keptByName["source:" + id.joined(separator: ".")] = index
        default: break
        }
      }
      for exposure in exposures {
        order.append(ids.count)
        parents.append(
          (exposure.dependsOn + exposure.dependsOnSources.map { "source:" + $0 }).compactMap {
            keptByName[$0]
          })
        group.append("exposures/" + exposure.name)
        ids.append(exposure.uniqueID)
      }
    }
    return (ids, LineageLayout(parents: parents, topologicalOrder: order, group: group))
  }

  /// Writes the artifacts and the site under `root` (default: the project's root); `catalog`
  /// is nil when the target was not reachable.
  public static func write(
    _ compilation: Compilation, catalog: [String: Catalog.Relation]?, metadata: Manifest.Metadata,
    dashboards: DashboardData? = nil, root: String? = nil
  ) throws(FileSystemFailure) -> Written {
    let root = root ?? compilation.project.root
    let target = compilation.project.projectFile.targetPath
    // What the YAML and files say (its hashing runs on both cores), then the manifest on one
    // core, everything else on the other.
    let documented = Documentation(compilation)
    enum Part: Sendable {
      case manifest([UInt8], objects: [(index: Int, range: Range<Int>)])
      case rest(catalog: [UInt8]?, ids: [String], layout: LineageLayout, lineage: ColumnLineage)
    }
    var manifest: [UInt8] = []
    var objects: [(index: Int, range: Range<Int>)] = []
    var catalogJSON: [UInt8]?
    var ids: [String] = []
    var layout = LineageLayout(parents: [], topologicalOrder: [], group: [])
    var lineage = ColumnLineage(outputs: [:])
    for part in [true, false].concurrentMap({ isManifest -> Part in
      if isManifest {
        let (bytes, objects) = Manifest.json(
          compilation, metadata: metadata, documented: documented)
        return .manifest(bytes, objects: objects)
      }
      let (ids, layout) = Self.layout(compilation, exposures: dashboards?.exposures ?? [])
      return .rest(
        catalog: catalog.map { Catalog.json($0, compilation: compilation, metadata: metadata) },
        ids: ids, layout: layout, lineage: ColumnLineage(compilation, catalog: catalog))
    }) {
      switch part {
      case .manifest(let bytes, let nodeObjects): (manifest, objects) = (bytes, nodeObjects)
      case .rest(let catalog, let allIDs, let graphLayout, let columnLineage):
        (catalogJSON, ids, layout, lineage) = (catalog, allIDs, graphLayout, columnLineage)
      }
    }
    let data = SiteData(
      compilation: compilation, manifest: manifest, objects: objects, documented: documented,
      catalog: catalog, layoutIDs: ids, layout: layout, lineage: lineage, dashboards: dashboards)

    let docs = "\(target)/docs"
    // An absolute `--target-path` stays where it points.
    func absolute(_ path: String) -> String { FileSystem.resolve(path, under: root) }
    try FileSystemFailure.wrap { () throws(FileSystem.Failure) in
      try FileSystem.createDirectory(absolute(docs))
    }
    let written = Written(
      manifest: "\(target)/manifest.json",
      catalog: catalogJSON.map { _ in "\(target)/catalog.json" },
      index: "\(docs)/index.html")
    try FileSystemFailure.wrap { () throws(FileSystem.Failure) in
      try FileSystem.write(absolute(written.manifest), manifest)
      if let catalogJSON, let path = written.catalog {
        try FileSystem.write(absolute(path), catalogJSON)
      }
      try FileSystem.createDirectory(absolute(docs + "/data"))
      let files = data.files()
      for file in files {
        try FileSystem.write(absolute(docs + "/" + file.path), file.bytes)
      }
      SiteData.removeStaleFiles(in: absolute(docs), written: Set(files.map(\.path)))
      try FileSystem.write(absolute(written.index), Array(SiteAssets.indexHTML.utf8))
    }
    return written
  }
}

/// A file the docs could not write, with the system's reason.
public struct FileSystemFailure: Error, CustomStringConvertible {
  /// "path: reason".
  public let description: String

  static func wrap(_ body: () throws(FileSystem.Failure) -> Void) throws(FileSystemFailure) {
    do throws(FileSystem.Failure) {
      try body()
    } catch {
      throw FileSystemFailure(description: error.description)
    }
  }
}
