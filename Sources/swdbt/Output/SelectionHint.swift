import Compiler
import Project

/// What "did you mean" compares an empty selection with: for `tag:x` the project's tags, for
/// `path:x` its files and folders, for `package:x` its packages, for a name the node names.
enum SelectionHint {
  static func candidates(for text: String, in compilation: Compilation) -> [String] {
    let method = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
    guard text.contains(":"), !text.contains(" ") else {
      return compilation.nodes.map(\.name)
    }
    var found = Set<String>()
    for node in compilation.nodes {
      switch method {
      case "tag":
        for tag in node.config.tags { found.insert("tag:" + tag) }
      case "path":
        var path = node.originalFilePath
        found.insert("path:" + path)
        while let slash = path.lastIndex(of: "/") {
          path = String(path[..<slash])
          found.insert("path:" + path)
        }
      case "package":
        if let package = node.fqn.first { found.insert("package:" + package) }
      case "resource_type":
        found.insert("resource_type:" + node.resourceType.rawValue)
      default:
        return compilation.nodes.map(\.name)
      }
    }
    return found.sorted()
  }
}
