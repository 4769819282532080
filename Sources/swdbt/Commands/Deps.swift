import ArgumentParser
import Diagnostics
import Foundation
import Project

/// `swdbt deps`: installs the packages `packages.yml` (or `dependencies.yml`) declares into
/// `packages-install-path` and writes `package-lock.yml`, as `dbt deps` does.
struct Deps: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "deps",
    abstract: "Install the packages packages.yml declares into dbt_packages/.")

  @OptionGroup var project: ProjectOptions

  func run() async throws {
    let console = Console(options: project)
    let sink = CollectingSink()
    let root = URL(fileURLWithPath: project.projectDir).standardizedFileURL.path
    let projectFile: ProjectFile
    let declarations: [PackageDeclaration]
    do throws(Diagnostic) {
      projectFile = try ProjectLoader.readProjectFile(root: root, sink: CollectingSink())
      declarations = try PackageDeclarations.read(root: root, sink: sink)
    } catch {
      console.report([error])
      throw ExitCode(1)
    }
    guard !declarations.isEmpty else {
      console.report(sink.diagnostics)
      console.info("No packages declared (packages.yml or dependencies.yml): nothing to install")
      return
    }
    let installer = PackageInstaller(
      root: root, installPath: projectFile.packagesInstallPath, sink: sink)
    let installed = installer.install(declarations)
    console.report(sink.diagnostics)
    for package in installed {
      console.info(
        "Installed \(package.name) in \(projectFile.packagesInstallPath)/\(package.name)")
    }
    guard !sink.diagnostics.contains(where: { $0.severity == .error }) else { throw ExitCode(1) }
    writeLock(installed, root: root)
  }

  /// `package-lock.yml` as dbt 1.7+ writes it: one entry per installed package, and a hash of
  /// the declarations it was made from.
  private func writeLock(_ installed: [PackageInstaller.Installed], root: String) {
    var text = "packages:\n"
    for package in installed {
      for (position, (key, value)) in package.lockEntry.enumerated() {
        text += (position == 0 ? "  - " : "    ") + key + ": " + quoted(value) + "\n"
      }
    }
    let declared = PackageDeclarations.fileNames.first {
      FileManager.default.fileExists(atPath: root + "/" + $0)
    }
    if let declared, let hash = sha1(of: root + "/" + declared) { text += "sha1_hash: \(hash)\n" }
    FileManager.default.createFile(
      atPath: root + "/package-lock.yml", contents: Data(text.utf8))
  }

  private func quoted(_ value: String) -> String {
    let plain = value.allSatisfy {
      $0.isLetter || $0.isNumber || "_-./:@".contains($0)
    }
    return plain && !value.isEmpty ? value : "\"" + value.replacing("\"", with: "\\\"") + "\""
  }

  private func sha1(of path: String) -> String? {
    for tool in [["sha1sum", path], ["shasum", "-a", "1", path]] {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = tool
      let out = Pipe()
      process.standardOutput = out
      process.standardError = FileHandle.nullDevice
      guard (try? process.run()) != nil else { continue }
      let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      if process.terminationStatus == 0, let hash = text.split(separator: " ").first {
        return String(hash)
      }
    }
    return nil
  }
}
