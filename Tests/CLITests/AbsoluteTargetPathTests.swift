import Foundation
import SwdbtTestSupport
import Testing

/// An absolute `--target-path` (or `DBT_TARGET_PATH`, or `target-path:`) is where artifacts
/// go, not a folder of that name under the project.
@Suite struct AbsoluteTargetPathTests {
  static let files = [
    "project.yml": "name: shop\n", "seeds/raw.csv": "id\n1\n",
    "models/marts/mart.sql": "select id from {{ ref('raw') }}\n",
  ]

  /// A fresh folder outside the project.
  private func outside() throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("swdbt-target-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  private func expectWritten(
    _ paths: [String], to target: String, notUnder fixture: ProjectFixture
  ) {
    for path in paths {
      #expect(FileManager.default.fileExists(atPath: target + "/" + path), "\(path)")
    }
    #expect(!fixture.exists(String(target.dropFirst())), "written below the project")
    #expect(!fixture.exists("target"))
  }

  @Test func optionEnvironmentAndProjectFileTakeAnAbsolutePath() throws {
    let fixture = try ProjectFixture(Self.files)
    let option = try outside()
    defer { try? FileManager.default.removeItem(atPath: option) }
    for command in [["compile"], ["parse"]] {
      let result = try Executable.run(command + ["--target-path", option], in: fixture.root)
      #expect(result.status == 0, "\(result.stderr)")
    }
    expectWritten(
      ["compiled/shop/models/marts/mart.sql", "manifest.json"], to: option, notUnder: fixture)

    let environment = try outside()
    defer { try? FileManager.default.removeItem(atPath: environment) }
    let fromEnvironment = try Executable.run(
      ["ls"], in: fixture.root, environment: ["DBT_TARGET_PATH": environment])
    #expect(fromEnvironment.status == 0, "\(fromEnvironment.stderr)")
    expectWritten(["manifest.json"], to: environment, notUnder: fixture)

    let declared = try outside()
    defer { try? FileManager.default.removeItem(atPath: declared) }
    try fixture.write("project.yml", "name: shop\ntarget-path: \(declared)\n")
    let docs = try Executable.run(["docs", "generate", "--empty-catalog"], in: fixture.root)
    #expect(docs.status == 0, "\(docs.stderr)")
    expectWritten(
      ["manifest.json", "docs/index.html", "run_results.json"], to: declared, notUnder: fixture)
  }
}
