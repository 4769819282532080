public import Diagnostics
import Template

/// One package a project depends on, as `packages.yml` or `dependencies.yml` declares it.
public struct PackageDeclaration: Sendable {
  /// Where the package comes from.
  public enum Source: Sendable, Equatable {
    /// `local: path`, relative to the project root.
    case local(path: String)
    /// `git: url` with an optional `revision` (branch, tag or commit) and `subdirectory`.
    case git(url: String, revision: String?, subdirectory: String?)
    /// `tarball: url-or-path`.
    case tarball(url: String)
    /// `package: owner/name` with a `version:` range, from dbt's package hub.
    case hub(package: String, version: [String])
  }

  /// Where the package comes from.
  public var source: Source
  /// `name:` (tarballs), the folder it is installed in when given.
  public var name: String?
  /// Where the declaration is, for errors about it.
  public var range: SourceRange?

  /// How the declaration is shown in messages (`dbt-labs/dbt_utils`, the git URL, ...).
  public var label: String {
    switch source {
    case .local(let path): "local package `\(path)`"
    case .git(let url, _, let subdirectory):
      "git package `\(url)`" + (subdirectory.map { " (subdirectory `\($0)`)" } ?? "")
    case .tarball(let url): "tarball package `\(url)`"
    case .hub(let package, _): "package `\(package)`"
    }
  }
}

/// Reads `packages.yml` or `dependencies.yml` (dbt 1.6+), and `package-lock.yml`.
public enum PackageDeclarations {
  /// The file names that declare packages, in the order dbt reads them.
  public static let fileNames = ["packages.yml", "dependencies.yml"]

  /// The declared packages, or none when neither file exists; problems with single entries are
  /// emitted and the entry skipped, an unreadable file throws.
  public static func read(root: String, sink: any DiagnosticSink) throws(Diagnostic)
    -> [PackageDeclaration]
  {
    for name in fileNames where FileSystem.exists(root + "/" + name) {
      let bytes: [UInt8]
      do {
        bytes = try FileSystem.read(root + "/" + name)
      } catch {
        throw .error("deps.unreadable", "cannot read \(name): \(error.reason)", path: name)
      }
      let file = SourceFile(path: name, bytes: bytes)
      let document = try YAMLDocument.parse(file)
      guard let packages = document.root?[key: "packages"] else {
        // `dependencies.yml` may declare only `projects:` (dbt Mesh), which swdbt does not load.
        if name == "packages.yml" {
          throw .error(
            "deps.invalid", "`packages.yml` needs a `packages:` list",
            at: document.range(of: document.root))
        }
        continue
      }
      return packages.items.compactMap { declaration(of: $0, document, sink) }
    }
    return []
  }

  private static func declaration(
    of node: YAMLNode, _ document: YAMLDocument, _ sink: any DiagnosticSink
  ) -> PackageDeclaration? {
    let range = document.range(of: node)
    func string(_ key: String) -> String? {
      guard let value = node[key: key] else { return nil }
      return value.string ?? YAMLDocument.value(of: value).stringValue
    }
    func strings(_ key: String) -> [String] {
      guard let value = node[key: key] else { return [] }
      if let single = string(key) { return [single] }
      return value.items.compactMap { $0.string ?? YAMLDocument.value(of: $0).stringValue }
    }
    let source: PackageDeclaration.Source
    if let path = string("local") {
      source = .local(path: path)
    } else if let url = string("git") {
      source = .git(url: url, revision: string("revision"), subdirectory: string("subdirectory"))
    } else if let url = string("tarball") {
      source = .tarball(url: url)
    } else if let package = string("package") {
      source = .hub(package: package, version: strings("version"))
    } else {
      sink.emit(
        .error(
          "deps.invalid", "a package needs one of `local:`, `git:`, `tarball:` or `package:`",
          at: range))
      return nil
    }
    return PackageDeclaration(source: source, name: string("name"), range: range)
  }
}
