import Compiler
import Diagnostics
import OrderedCollections
import Project
import Template

#if canImport(Glibc)
  import Glibc
#endif

/// The site's data, split so that the first paint reads only what the graph, the trees and
/// search need: `data.js` holds each node's summary (names, kinds, folder, description, column
/// names, a test's arguments) and the whole-project layout; `data/nodes-NNNN.js` hold the
/// details of `chunkSize` nodes each (the manifest's node object, the catalog's column types,
/// column lineage both ways), which a node page loads by adding a `<script>` (browsers refuse
/// `fetch` of `file://`). Every file wraps its JSON in `JSON.parse('...')`, which browsers read
/// several times faster than the same object as a script literal.
struct SiteData {
  /// Nodes per details file: a node page loads one file of about this many nodes.
  static let chunkSize = 100

  let compilation: Compilation
  /// The manifest's bytes and where each node's object lies in them, in the site's order.
  let manifest: [UInt8]
  let objects: [(index: Int, range: Range<Int>)]
  let documented: Documentation
  let catalog: [String: Catalog.Relation]?
  let layoutIDs: [String]
  let layout: LineageLayout
  let lineage: ColumnLineage
  /// The dashboards' exposures and their charts' data, in `data.js` (a dashboard page needs
  /// them at once, and they are small).
  let dashboards: DashboardData?

  /// `data.js`'s bytes.
  private func index() -> [UInt8] {
    var writer = JSONWriter(capacity: 1 << 20 + objects.count * 160)
    writer.beginObject()
    writer.key("project_name")
    writer.string(compilation.project.name)
    writer.key("chunk_size")
    writer.integer(Self.chunkSize)
    // Each node as an array, in the order of the manifest (the position gives its details
    // file): [unique_id, resource_type, name, package_name, fqn, original_file_path, database,
    // schema, source_name, description, tags, config, {column: description}, test]. Strings
    // most nodes share (package, file, database, schema) are positions in `strings`; a
    // unique_id that is `<resource_type>.<package>.<name>` and an fqn that is
    // `[package, name]` are null: at 10,000 models and their tests this halves the file.
    var strings = StringTable()
    var rows = JSONWriter(capacity: 1 << 20 + objects.count * 120)
    rows.beginArray()
    for (index, _) in objects {
      writeSummary(compilation.nodes[index], strings: &strings, into: &rows)
    }
    rows.endArray()
    writer.key("strings")
    writer.strings(strings.values)
    writer.key("nodes")
    writer.raw(rows.bytes)
    if let dashboards {
      writer.key("exposures")
      dashboards.write(exposuresInto: &writer)
    }
    writer.key("layout")
    writer.beginObject()
    writer.key("ids")
    writer.strings(layoutIDs)
    writer.key("layer")
    writer.integers(layout.layer)
    writer.key("y")
    writer.integers(layout.y)
    // Each edge as [parent, child, bend...], positions in `ids`.
    writer.key("edges")
    writer.beginArray()
    for edge in layout.edges { writer.integers([edge.parent, edge.child] + edge.bends) }
    writer.endArray()
    writer.endObject()
    writer.endObject()
    return Self.script(prefix: "window.SWDBT_DATA = ", json: writer.bytes, suffix: ";\n")
  }

  /// Every data file, relative to the site's folder: `data.js` and the details files, built
  /// in parallel (the details are most of the bytes).
  func files() -> [(path: String, bytes: [UInt8])] {
    let feeds = feedsByNode()
    let count = (objects.count + Self.chunkSize - 1) / Self.chunkSize
    return Array(-1..<count).concurrentMap { number in
      number < 0
        ? ("data.js", index()) : (Self.chunkPath(number), chunk(number, feeds: feeds))
    }
  }

  /// The details file `number`.
  private func chunk(
    _ number: Int, feeds: [String: [String: [ColumnLineage.Column]]]
  ) -> [UInt8] {
    let part = objects[
      number * Self.chunkSize..<min(objects.count, (number + 1) * Self.chunkSize)]
    var writer = JSONWriter(
      capacity: part.reduce(4096) { $0 + $1.range.count + 512 })
    writer.beginObject()
    for (index, range) in part {
      let id = compilation.nodes[index].uniqueID
      writer.key(id)
      writer.beginObject()
      writer.key("node")
      writer.raw(Array(manifest[range]))
      if let relation = catalog?[id] {
        writer.key("relation")
        writer.beginObject()
        for column in relation.columns {
          writer.key(column.name)
          writer.beginObject()
          writer.key("type")
          writer.string(column.type)
          writer.key("index")
          writer.integer(column.index)
          writer.endObject()
        }
        writer.endObject()
      }
      if let outputs = lineage.outputs[id] {
        writer.key("lineage")
        writer.beginObject()
        for output in outputs {
          writer.key(output.name)
          writer.beginArray()
          for source in output.sources { writer.strings([source.node, source.name]) }
          writer.endArray()
        }
        writer.endObject()
      }
      if let fed = feeds[id] {
        writer.key("feeds")
        writer.beginObject()
        for (column, children) in fed.sorted(by: { $0.key < $1.key }) {
          writer.key(column)
          writer.beginArray()
          for child in children { writer.strings([child.node, child.name]) }
          writer.endArray()
        }
        writer.endObject()
      }
      writer.endObject()
    }
    writer.endObject()
    return Self.script(prefix: "swdbtChunk(\(number), ", json: writer.bytes, suffix: ");\n")
  }

  /// Removes the details files under `site/data` a previous, larger project left (`written`
  /// are the paths just written, relative to `site`). Nothing reads them; a file that cannot
  /// be removed stays as unused as it was.
  static func removeStaleFiles(in site: String, written: Set<String>) {
    for name in FileSystem.files(under: site + "/data", suffixes: [".js"])
    where name.hasPrefix("nodes-") && !written.contains("data/" + name) {
      unlink(site + "/data/" + name)
    }
  }

  /// The details file of chunk `number`, relative to the site's folder.
  static func chunkPath(_ number: Int) -> String {
    let digits = String(number)
    return "data/nodes-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ".js"
  }

  /// What each column feeds: the reverse of the column lineage, by node and column.
  private func feedsByNode() -> [String: [String: [ColumnLineage.Column]]] {
    var feeds: [String: [String: [ColumnLineage.Column]]] = [:]
    for child in lineage.outputs.keys.sorted() {
      for output in lineage.outputs[child] ?? [] {
        for source in output.sources {
          feeds[source.node, default: [:]][source.name, default: []].append(
            ColumnLineage.Column(node: child, name: output.name))
        }
      }
    }
    return feeds
  }

  /// Strings by position, each kept once.
  struct StringTable {
    var values: [String] = []
    var positions: [String: Int] = [:]

    mutating func position(_ text: String) -> Int {
      if let known = positions[text] { return known }
      values.append(text)
      positions[text] = values.count - 1
      return values.count - 1
    }
  }

  private func writeSummary(
    _ node: CompiledNode, strings: inout StringTable, into writer: inout JSONWriter
  ) {
    let details = documented.details[node.uniqueID]
    let package = Manifest.packageName(node, compilation: compilation)
    writer.beginArray()
    if node.uniqueID == node.resourceType.rawValue + "." + package + "." + node.name {
      writer.null()
    } else {
      writer.string(node.uniqueID)
    }
    writer.string(node.resourceType.rawValue)
    writer.string(node.name)
    writer.integer(strings.position(package))
    if node.fqn == [package, node.name] { writer.null() } else { writer.strings(node.fqn) }
    writer.integer(
      strings.position(Manifest.originalFilePath(node, compilation: compilation)))
    if let database = node.relation?.database {
      writer.integer(strings.position(database))
    } else {
      writer.null()
    }
    writer.integer(
      strings.position(node.relation?.schema ?? compilation.project.target.schema))
    writer.string(node.resourceType == .source ? details?.source : nil)
    writer.string(details?.description ?? "")
    writer.strings(node.config.tags)
    // The config a selector (`config.materialized:table`) reads; meta and hooks stay in the
    // details.
    writer.beginObject()
    for (name, value) in node.config.values
    where name != "meta" && name != "pre_hook" && name != "post_hook" {
      writer.key(name)
      writer.value(value)
    }
    writer.endObject()
    // Column names for search: the YAML's (with descriptions), the catalog's, the lineage's.
    writer.beginObject()
    var seen = Set<String>()
    for column in details?.columns ?? [] where seen.insert(column.name).inserted {
      writer.key(column.name)
      writer.string(column.description)
    }
    for column in catalog?[node.uniqueID]?.columns ?? [] where seen.insert(column.name).inserted {
      writer.key(column.name)
      writer.string("")
    }
    for output in lineage.outputs[node.uniqueID] ?? [] where seen.insert(output.name).inserted {
      writer.key(output.name)
      writer.string("")
    }
    writer.endObject()
    // A test: [the node it tests, its column, dbt's test_metadata].
    if node.resourceType == .test {
      writer.beginArray()
      writer.string(node.genericTest?.attachedTo ?? node.dependsOn.first)
      writer.string(node.genericTest?.column)
      if let test = node.genericTest {
        writer.beginObject()
        writer.key("name")
        writer.string(test.testName)
        // `column_name` is the test's column (above).
        writer.key("kwargs")
        writer.beginObject()
        for (name, value) in test.arguments {
          writer.key(name)
          writer.value(value)
        }
        writer.endObject()
        writer.endObject()
      } else {
        writer.null()
      }
      writer.endArray()
    } else {
      writer.null()
    }
    writer.endArray()
  }

  /// `prefix + JSON.parse('<json>') + suffix`: the JSON in a single-quoted script string
  /// (JSON has no raw line breaks, so only backslashes and quotes need escaping).
  static func script(prefix: String, json: [UInt8], suffix: String) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(json.count + json.count / 16 + prefix.utf8.count + 32)
    out.append(contentsOf: prefix.utf8)
    out.append(contentsOf: "JSON.parse('".utf8)
    // Copied run by run between the bytes that need a backslash.
    let backslash = UInt8(ascii: "\\")
    let quote = UInt8(ascii: "'")
    json.withUnsafeBufferPointer { bytes in
      var start = 0
      for position in bytes.indices where bytes[position] == backslash || bytes[position] == quote {
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
        out.append(backslash)
        start = position
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
    }
    out.append(contentsOf: "')".utf8)
    out.append(contentsOf: suffix.utf8)
    return out
  }
}
