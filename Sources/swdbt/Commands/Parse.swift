import ArgumentParser
import Compiler
import Diagnostics
import Foundation
import Project
import Runtime

/// `swdbt parse`: load and compile the project, write `target/manifest.json`; nothing runs.
struct Parse: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "parse",
    abstract: "Parse and compile the project and write target/manifest.json; nothing runs.")

  @OptionGroup var project: ProjectOptions

  func run() async throws {
    let session = Session(options: project, which: "parse")
    let compilation = try session.compile()
    defer { ExitWithoutTeardown.keep(compilation) }
    let manifest = ManifestArtifact(
      compilation, invocationID: session.invocation.invocationID,
      generatedAt: session.invocation.runStartedAt)
    if let reason = manifest.finish() {
      session.console.report([
        .error("write.failed", "cannot write \(manifest.relativePath): \(reason)")
      ])
      throw ExitCode(1)
    }
    session.console.info(
      "Parsed \(compilation.nodes.count) node\(compilation.nodes.count == 1 ? "" : "s"); "
        + "wrote \(manifest.relativePath)")
  }
}

/// `swdbt clean`: deletes the project file's `clean-targets` (default: the target path and
/// the packages' install path), only inside the project, as dbt does.
struct Clean: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "clean",
    abstract: "Delete the folders `clean-targets` names (default: target/ and dbt_packages/).")

  @OptionGroup var project: ProjectOptions

  func run() async throws {
    let session = Session(options: project, which: "clean")
    let console = session.console
    let root = session.root
    let file = try session.loadProjectFile()
    let targets = file.cleanTargets ?? [file.targetPath, file.packagesInstallPath]
    let protected = Set(
      (file.modelPaths + file.seedPaths + file.testPaths + file.macroPaths + file.snapshotPaths
        + file.docsPaths).map { Self.resolve($0, in: root) })
    var failed = false
    for target in targets {
      let path = Self.resolve(target, in: root)
      guard path.hasPrefix(root + "/") else {
        console.report([
          .error(
            "clean.outside-project", "`clean-targets` entry `\(target)` is not inside the project",
            path: file.file.path, hint: "swdbt deletes only folders inside the project")
        ])
        failed = true
        continue
      }
      if protected.contains(path) {
        console.report([
          .error(
            "clean.protected", "`clean-targets` entry `\(target)` holds the project's sources",
            path: file.file.path, hint: "remove it from `clean-targets`")
        ])
        failed = true
        continue
      }
      guard FileManager.default.fileExists(atPath: path) else {
        console.info("Nothing to clean in \(target)")
        continue
      }
      do {
        try FileManager.default.removeItem(atPath: path)
        console.info("Cleaned \(target)/")
      } catch {
        console.report([
          .error("clean.failed", "cannot delete \(target): \(error.localizedDescription)")
        ])
        failed = true
      }
    }
    if failed { throw ExitCode(1) }
    console.info("Finished cleaning all paths.")
  }

  /// The absolute, normalised form of a project-relative (or absolute) path.
  static func resolve(_ path: String, in root: String) -> String {
    let absolute = path.hasPrefix("/") ? path : root + "/" + path
    return URL(fileURLWithPath: absolute).standardizedFileURL.path
  }
}
