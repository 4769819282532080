import Diagnostics
import Project

extension RelationNaming {
  /// PostgreSQL's identifier limit (NAMEDATALEN - 1): longer names are cut, silently.
  static let maximumIdentifierBytes = 63

  /// Reports relation names PostgreSQL would cut and nodes built as the same relation, which
  /// would overwrite each other every run. Names are compared as written: swdbt always quotes
  /// them, so PostgreSQL folds no case. One pass and one table, over built nodes only.
  static func reportConflicts(_ nodes: [CompiledNode], sink: any DiagnosticSink) {
    var builtAs: [RelationName: Int] = [:]
    builtAs.reserveCapacity(nodes.count)
    for index in nodes.indices {
      // Sources are read, not built; ephemeral models and tests have no relation here.
      guard nodes[index].resourceType != .source, let relation = nodes[index].relation else {
        continue
      }
      let path = nodes[index].originalFilePath
      var tooLong = false
      if relation.schema.utf8.count > maximumIdentifierBytes {
        tooLong = true
        sink.emit(
          .nameTooLong("schema", relation.schema, path: path, fix: "set a shorter custom `schema`"))
      }
      if relation.identifier.utf8.count > maximumIdentifierBytes {
        tooLong = true
        sink.emit(
          .nameTooLong(
            "relation", relation.identifier, path: path,
            fix: "rename the file or set a shorter `alias`"))
      }
      guard !tooLong else { continue }
      if let first = builtAs[relation] {
        sink.emit(.builtAsOneRelation(nodes[index], nodes[first], relation))
      } else {
        builtAs[relation] = index
      }
    }
  }
}

extension Diagnostic {
  /// A schema or relation name longer than PostgreSQL keeps.
  static func nameTooLong(_ kind: String, _ name: String, path: String, fix: String) -> Diagnostic {
    .error(
      "compile.name-too-long",
      "\(kind) name `\(name)` is \(name.utf8.count) bytes long, over PostgreSQL's limit of "
        + "\(RelationNaming.maximumIdentifierBytes)",
      path: path,
      hint: "PostgreSQL would silently cut it to its first "
        + "\(RelationNaming.maximumIdentifierBytes) bytes, which another name may share; \(fix)")
  }

  /// Two nodes built as one relation; located at the second, with a note at the first.
  static func builtAsOneRelation(
    _ node: CompiledNode, _ first: CompiledNode, _ relation: RelationName
  ) -> Diagnostic {
    .error(
      "compile.duplicate-relation",
      "\(node.resourceType.rawValue) `\(node.name)` and \(first.resourceType.rawValue) "
        + "`\(first.name)` are both built as `\(relation.quoted)`",
      path: node.originalFilePath,
      notes: [
        .init(
          "\(first.resourceType.rawValue) `\(first.name)` is defined in \(first.originalFilePath)")
      ],
      hint: "each run would overwrite the other's relation; give one of them another `alias` "
        + "or `schema`")
  }
}
