import Diagnostics
import Project

extension RelationNaming {
  /// PostgreSQL's identifier limit (NAMEDATALEN - 1): longer names are cut, silently.
  static let maximumIdentifierBytes = 63

  /// Reports relation names PostgreSQL would cut and nodes built as the same relation, which
  /// would overwrite each other every run. Names are compared as written: swdbt always quotes
  /// them, so PostgreSQL folds no case. One pass and one table, over built nodes only.
  /// `locate` gives the place to point at for a node (called only when reporting).
  static func reportConflicts(
    _ nodes: [CompiledNode], locate: (CompiledNode, _ key: String) -> SourceRange?,
    sink: any DiagnosticSink
  ) {
    var builtAs: [RelationName: Int] = [:]
    builtAs.reserveCapacity(nodes.count)
    // `ref('x')` names a model or a seed: both of one name is ambiguous even when they are
    // built in different schemas (dbt refuses it too). Seeds are few, so the table is small.
    var seedsByName: [String: Int] = [:]
    for index in nodes.indices where nodes[index].resourceType == .seed {
      seedsByName[nodes[index].name] = index
    }
    if !seedsByName.isEmpty {
      for index in nodes.indices where nodes[index].resourceType == .model {
        guard let seed = seedsByName[nodes[index].name],
          nodes[seed].relation != nodes[index].relation
        else { continue }
        sink.emit(
          .sameNameAsSeed(
            nodes[index], at: locate(nodes[index], ""), nodes[seed],
            seedAt: locate(nodes[seed], "")))
      }
    }
    for index in nodes.indices {
      // Sources are read, not built; ephemeral models have no relation; a test's (where it
      // stores failures) is shortened by the test runner.
      guard nodes[index].resourceType != .source, nodes[index].resourceType != .test,
        let relation = nodes[index].relation
      else {
        continue
      }
      let path = nodes[index].originalFilePath
      var tooLong = false
      if relation.schema.utf8.count > maximumIdentifierBytes {
        tooLong = true
        sink.emit(
          .nameTooLong(
            "schema", relation.schema, at: locate(nodes[index], "schema"), path: path,
            fix: "set a shorter custom `schema`"))
      }
      if relation.identifier.utf8.count > maximumIdentifierBytes {
        tooLong = true
        sink.emit(
          .nameTooLong(
            "relation", relation.identifier, at: locate(nodes[index], "alias"), path: path,
            fix: "rename the file or set a shorter `alias`"))
      }
      guard !tooLong else { continue }
      if let first = builtAs[relation] {
        sink.emit(
          .builtAsOneRelation(
            nodes[index], at: locate(nodes[index], "alias"), nodes[first],
            firstAt: locate(nodes[first], "alias"), relation))
      } else {
        builtAs[relation] = index
      }
    }
  }
}

extension Diagnostic {
  /// A schema or relation name longer than PostgreSQL keeps.
  static func nameTooLong(
    _ kind: String, _ name: String, at range: SourceRange?, path: String, fix: String
  ) -> Diagnostic {
    .error(
      "compile.name-too-long",
      "\(kind) name `\(name)` is \(name.utf8.count) bytes long, over PostgreSQL's limit of "
        + "\(RelationNaming.maximumIdentifierBytes)",
      at: range, path: path,
      hint: "PostgreSQL would silently cut it to its first "
        + "\(RelationNaming.maximumIdentifierBytes) bytes, which another name may share; \(fix)")
  }

  /// A model and a seed of one name, which `ref` cannot tell apart.
  static func sameNameAsSeed(
    _ model: CompiledNode, at range: SourceRange?, _ seed: CompiledNode,
    seedAt seedRange: SourceRange?
  ) -> Diagnostic {
    .error(
      "compile.duplicate-name",
      "model `\(model.name)` has the same name as seed `\(seed.name)`, so `ref('\(model.name)')` "
        + "is ambiguous",
      at: range, path: model.originalFilePath,
      notes: [.init("the seed is defined here", at: seedRange)],
      hint: "rename the model's file or the seed's file")
  }

  /// Two nodes built as one relation; located at the second, with a note at the first.
  static func builtAsOneRelation(
    _ node: CompiledNode, at range: SourceRange?, _ first: CompiledNode,
    firstAt firstRange: SourceRange?, _ relation: RelationName
  ) -> Diagnostic {
    .error(
      "compile.duplicate-relation",
      "\(node.resourceType.rawValue) `\(node.name)` and \(first.resourceType.rawValue) "
        + "`\(first.name)` are both built as `\(relation.quoted)`",
      at: range, path: node.originalFilePath,
      notes: [
        .init(
          "\(first.resourceType.rawValue) `\(first.name)` is defined in \(first.originalFilePath)",
          at: firstRange)
      ],
      hint: "each run would overwrite the other's relation; give one of them another `alias` "
        + "or `schema`")
  }
}

extension Compiler {
  /// Where a node's relation name is set, for a naming error: the first mention of `key`
  /// (`alias`, `schema`) in a model's SQL, else its YAML entry, else its file's first line.
  /// Config values do not keep their origin, so this is the best place that is cheap to find;
  /// it runs only when an error is reported.
  static func configSite(of node: CompiledNode, key: String, in project: LoadedProject)
    -> SourceRange?
  {
    switch node.resourceType {
    case .model, .snapshot:
      guard let model = project.models.first(where: { $0.uniqueID == node.uniqueID }) else {
        return nil
      }
      let needle = Array(key.utf8)
      let bytes = model.file.bytes
      if !needle.isEmpty, needle.count <= bytes.count {
        for start in 0...(bytes.count - needle.count)
        where bytes[start..<start + needle.count].elementsEqual(needle) {
          return SourceRange(
            file: model.file, span: Span(start: start, end: start + needle.count))
        }
      }
      return model.patch?.range ?? SourceRange(file: model.file, span: Span(start: 0, end: 0))
    case .seed:
      guard let seed = project.seeds.first(where: { $0.uniqueID == node.uniqueID }) else {
        return nil
      }
      if let range = seed.patch?.range { return range }
      // The seed's header line: read again only on this error path.
      let path = project.root + "/" + seed.originalFilePath
      guard let bytes = try? FileSystem.read(path) else { return nil }
      let header = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
      return SourceRange(
        file: SourceFile(path: seed.originalFilePath, bytes: bytes),
        span: Span(start: 0, end: min(header, 200)))
    default:
      return nil
    }
  }
}
