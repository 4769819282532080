import Diagnostics
import Project
import SwdbtTestSupport
import Testing

/// Errors about a project's files point at a line and column, not only at a file.
@Suite struct LocatedErrorTests {
  func firstLine(_ files: [String: String], options: LoadOptions = LoadOptions()) throws -> String?
  {
    firstLine(of: try ProjectFixture(files), options: options)
  }

  func firstLine(of fixture: ProjectFixture, options: LoadOptions) -> String? {
    do {
      _ = try ProjectLoader.load(root: fixture.root, options: options, sink: CollectingSink())
      return nil
    } catch let diagnostic as Diagnostic {
      return DiagnosticRenderer().render(diagnostic).split(separator: "\n").first.map(String.init)
    } catch {
      return "\(error)"
    }
  }

  @Test func unknownDefaultTargetPointsAtItsName() throws {
    let project = "name: shop\ntarget: nope\ntargets:\n  local: {type: postgres}\n"
    #expect(
      try firstLine(["project.yml": project])
        == "project.yml:2:9: error: unknown target `nope`")
  }

  @Test func unknownCommandLineTargetPointsAtTheDeclaredTargets() throws {
    let project = "name: shop\ntargets:\n  local: {type: postgres}\n"
    #expect(
      try firstLine(["project.yml": project], options: LoadOptions(targetName: "zzz"))
        == "project.yml:2:1: error: unknown target `zzz`")
  }

  @Test func unknownTargetOfAProfilePointsIntoProfilesYml() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\nprofile: shop\n",
      "profiles.yml": "shop:\n  target: nope\n  outputs:\n    dev: {type: postgres}\n",
    ])
    let options = LoadOptions(profilesDirectory: fixture.root, environment: [:])
    #expect(
      firstLine(of: fixture, options: options)
        == "\(fixture.root)/profiles.yml:2:11: error: unknown target `nope`")
  }

  @Test func unknownProfilePointsAtTheProjectsProfileKey() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\nprofile: shopp\n",
      "profiles.yml": "shop:\n  target: dev\n  outputs:\n    dev: {type: postgres}\n",
    ])
    let options = LoadOptions(profilesDirectory: fixture.root, environment: [:])
    #expect(
      firstLine(of: fixture, options: options)
        == "project.yml:2:10: error: profile `shopp` is not in \(fixture.root)/profiles.yml")
  }
}
