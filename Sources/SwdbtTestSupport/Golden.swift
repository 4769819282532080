import Foundation

/// Compares produced files with a directory of expected files (goldens).
///
/// With `SWDBT_RECORD=1` the expected directory is rewritten and the comparison fails, so a
/// recording never passes silently; review the diff with git before committing it.
public enum Golden {
  /// Whether this run records goldens instead of checking them.
  public static var isRecording: Bool { ProcessInfo.processInfo.environment["SWDBT_RECORD"] == "1" }

  /// Problems found comparing `actual` (relative path -> content) with `directory`; empty when equal.
  public static func compare(_ actual: [String: String], with directory: String) throws -> [String]
  {
    if isRecording {
      try? FileManager.default.removeItem(atPath: directory)
      for (path, content) in actual {
        let url = URL(fileURLWithPath: directory + "/" + path)
        try FileManager.default.createDirectory(
          at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
      }
      return [
        "recorded \(actual.count) golden files into \(directory); run again without SWDBT_RECORD"
      ]
    }
    var problems: [String] = []
    let expectedPaths = Set(files(under: directory))
    for path in expectedPaths.subtracting(actual.keys).sorted() {
      problems.append("missing output \(path) (expected by the golden)")
    }
    for (path, content) in actual.sorted(by: { $0.key < $1.key }) {
      guard expectedPaths.contains(path) else {
        problems.append("unexpected output \(path):\n\(content)")
        continue
      }
      let expected = try String(contentsOfFile: directory + "/" + path, encoding: .utf8)
      if expected != content {
        problems.append("\(path) differs:\n" + diff(expected: expected, actual: content))
      }
    }
    return problems
  }

  /// Every file under a directory, relative to it.
  public static func files(under directory: String) -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
    var result: [String] = []
    while let path = enumerator.nextObject() as? String {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory),
        !isDirectory.boolValue
      {
        result.append(path)
      }
    }
    return result.sorted()
  }

  /// A minimal unified-style line diff: `-` expected, `+` actual.
  public static func diff(expected: String, actual: String) -> String {
    let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
    // Longest common subsequence table; goldens are small.
    var table = [[Int]](repeating: [Int](repeating: 0, count: new.count + 1), count: old.count + 1)
    for i in stride(from: old.count - 1, through: 0, by: -1) {
      for j in stride(from: new.count - 1, through: 0, by: -1) {
        table[i][j] =
          old[i] == new[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
      }
    }
    var lines: [String] = []
    var i = 0
    var j = 0
    while i < old.count || j < new.count {
      if i < old.count, j < new.count, old[i] == new[j] {
        lines.append("  " + old[i])
        i += 1
        j += 1
      } else if j < new.count, i == old.count || table[i][j + 1] >= table[i + 1][j] {
        lines.append("+ " + new[j])
        j += 1
      } else {
        lines.append("- " + old[i])
        i += 1
      }
    }
    return lines.joined(separator: "\n")
  }
}
