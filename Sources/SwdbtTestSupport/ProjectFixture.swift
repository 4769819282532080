import Foundation

/// A throwaway project directory with the given files, removed when the fixture is released.
public final class ProjectFixture: @unchecked Sendable {
  /// The directory's absolute path.
  public let root: String

  /// Writes `files` (relative path -> content) into a fresh temporary directory.
  public init(_ files: [String: String]) throws {
    let base = FileManager.default.temporaryDirectory.path
    root = base + "/swdbt-fixture-" + UUID().uuidString.prefix(8).lowercased()
    for (path, content) in files {
      try write(path, content)
    }
    if files.isEmpty {
      try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }
  }

  /// Writes or replaces one file.
  public func write(_ path: String, _ content: String) throws {
    let url = URL(fileURLWithPath: root + "/" + path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(content.utf8).write(to: url)
  }

  /// Reads a file of the fixture.
  public func read(_ path: String) throws -> String {
    try String(contentsOfFile: root + "/" + path, encoding: .utf8)
  }

  /// Whether a file exists in the fixture.
  public func exists(_ path: String) -> Bool {
    FileManager.default.fileExists(atPath: root + "/" + path)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: root)
  }
}
