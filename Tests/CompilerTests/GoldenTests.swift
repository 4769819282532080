import Compiler
import Diagnostics
import Foundation
import Project
import SwdbtTestSupport
import Testing

/// Each `Fixtures/<case>/` holds a `project/` and the `expected/` outputs: compiled SQL under
/// `compiled/`, the graph in `graph.txt`, and `stderr.txt` for the diagnostics. The `warehouse`
/// case compiles the repository's own project. `SWDBT_RECORD=1` rewrites the goldens.
@Suite struct GoldenTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures").path
  static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

  static var cases: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: fixtures)) ?? []).sorted()
  }

  @Test(arguments: GoldenTests.cases)
  func compiledOutputMatchesGolden(name: String) throws {
    let directory = GoldenTests.fixtures + "/" + name
    let projectRoot =
      FileManager.default.fileExists(atPath: directory + "/project")
      ? directory + "/project" : GoldenTests.repositoryRoot
    let outputs = GoldenTests.compile(projectRoot)
    let problems = try Golden.compare(outputs, with: directory + "/expected")
    #expect(problems.isEmpty, "\(problems.joined(separator: "\n\n"))")
  }

  /// Compiles a project in memory and returns what the goldens pin.
  static func compile(_ root: String) -> [String: String] {
    let sink = CollectingSink()
    var outputs: [String: String] = [:]
    do {
      let project = try ProjectLoader.load(root: root, sink: sink)
      if let compilation = Compiler.compile(
        project, options: CompileOptions(environment: [:]), sink: sink)
      {
        var graph = ""
        for index in compilation.order {
          let node = compilation.nodes[index]
          if let sql = node.sql { outputs["compiled/" + node.originalFilePath] = sql }
          let relation = node.relation.map { " " + $0.quoted } ?? ""
          let kind = node.resourceType == .model ? " (\(node.config.materialized))" : ""
          graph +=
            "\(node.uniqueID)\(relation)\(kind) <- [\(node.dependsOn.joined(separator: ", "))]\n"
        }
        outputs["graph.txt"] = graph
      }
    } catch {
      sink.emit(error)
    }
    if !sink.diagnostics.isEmpty {
      outputs["stderr.txt"] = DiagnosticRenderer().render(sink.diagnostics)
    }
    return outputs
  }
}
