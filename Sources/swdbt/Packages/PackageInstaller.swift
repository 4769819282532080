import Diagnostics
import Foundation
import Project

/// Installs the packages `packages.yml` declares into `packages-install-path`, with the
/// packages they declare in turn, and says what was installed (for `package-lock.yml`).
struct PackageInstaller {
  /// The root project's directory.
  let root: String
  /// Where packages go, relative to `root`.
  let installPath: String
  /// Where problems go.
  let sink: any DiagnosticSink

  /// One installed package and the lock entry that reproduces it.
  struct Installed {
    let name: String
    let lockEntry: [(String, String)]
  }

  /// Installs every declaration and its nested declarations, each package once.
  func install(_ declarations: [PackageDeclaration]) -> [Installed] {
    var installed: [Installed] = []
    var pending = declarations.map { (declaration: $0, base: root) }
    var names: Set<String> = []
    while !pending.isEmpty {
      let (declaration, base) = pending.removeFirst()
      guard let package = install(declaration, relativeTo: base) else { continue }
      guard names.insert(package.name).inserted else { continue }
      installed.append(package)
      let directory = root + "/" + installPath + "/" + package.name
      let nested = CollectingSink()
      do throws(Diagnostic) {
        for child in try PackageDeclarations.read(root: directory, sink: nested) {
          pending.append((child, directory))
        }
      } catch {
        sink.emit(error)
      }
      for diagnostic in nested.diagnostics { sink.emit(diagnostic) }
    }
    return installed
  }

  private func install(_ declaration: PackageDeclaration, relativeTo base: String) -> Installed? {
    let scratch = FileManager.default.temporaryDirectory
      .appendingPathComponent("swdbt-deps-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    switch declaration.source {
    case .local(let path):
      let absolute = path.hasPrefix("/") ? path : base + "/" + path
      guard let name = projectName(in: absolute, declaration) else { return nil }
      // Linked, as dbt does, so edits to a local package show at once.
      guard place(link: absolute, as: name, declaration) else { return nil }
      return Installed(name: name, lockEntry: [("local", path)])
    case .git(let url, let revision, let subdirectory):
      guard run(["git", "clone", "--quiet", url, scratch], declaration) else { return nil }
      if let revision {
        guard run(["git", "-C", scratch, "checkout", "--quiet", revision], declaration) else {
          return nil
        }
      }
      let commit = output(["git", "-C", scratch, "rev-parse", "HEAD"]) ?? revision ?? "HEAD"
      try? FileManager.default.removeItem(atPath: scratch + "/.git")
      let source = subdirectory.map { scratch + "/" + $0 } ?? scratch
      guard let name = projectName(in: source, declaration),
        place(copy: source, as: name, declaration)
      else { return nil }
      var entry = [("git", url), ("revision", commit)]
      if let subdirectory { entry.append(("subdirectory", subdirectory)) }
      return Installed(name: name, lockEntry: entry)
    case .tarball(let url):
      guard let name = unpack(url, into: scratch, declaration) else { return nil }
      return Installed(name: name, lockEntry: [("tarball", url), ("name", name)])
    case .hub(let package, let version):
      return installFromHub(package, version, declaration, scratch: scratch)
    }
  }

  /// A hub package: its version resolved from the hub's index, then its tarball.
  private func installFromHub(
    _ package: String, _ version: [String], _ declaration: PackageDeclaration, scratch: String
  ) -> Installed? {
    let index = scratch + "-index.json"
    defer { try? FileManager.default.removeItem(atPath: index) }
    let indexURL = "https://hub.getdbt.com/api/v1/\(package).json"
    guard run(["curl", "-fsSL", "--max-time", "20", "-o", index, indexURL], nil),
      let data = FileManager.default.contents(atPath: index),
      let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
      let versions = json["versions"] as? [String: Any]
    else {
      if let kept = keepInstalled(package, version, declaration) { return kept }
      unreachable(declaration, what: "dbt's package hub (\(indexURL))")
      return nil
    }
    guard let range = versionRange(version, declaration) else { return nil }
    let candidates = versions.keys.compactMap { PackageVersion($0) }
      .filter { $0.prerelease.isEmpty && range.contains($0) }
    guard let chosen = candidates.max(),
      let details = versions[chosen.description] as? [String: Any],
      let downloads = details["downloads"] as? [String: Any],
      let tarball = downloads["tarball"] as? String
    else {
      sink.emit(
        .error(
          "deps.version", "no version of `\(package)` matches \(range)", at: declaration.range))
      return nil
    }
    guard let name = unpack(tarball, into: scratch, declaration) else { return nil }
    return Installed(
      name: name, lockEntry: [("package", package), ("version", chosen.description)])
  }

  private func versionRange(_ version: [String], _ declaration: PackageDeclaration)
    -> VersionRange?
  {
    switch VersionRange.parse(version) {
    case .success(let parsed): return parsed
    case .failure(let error):
      sink.emit(
        .error(
          "deps.version", "`\(error.piece)` is not a version range", at: declaration.range))
      return nil
    }
  }

  /// With the hub out of reach, the copy of a hub package already installed, when its version
  /// is in the declared range: kept, with a note, as the lock entry it would have been.
  private func keepInstalled(
    _ package: String, _ version: [String], _ declaration: PackageDeclaration
  ) -> Installed? {
    guard let name = package.split(separator: "/").last.map(String.init),
      let range = versionRange(version, declaration),
      let file = try? ProjectLoader.readProjectFile(
        root: root + "/" + installPath + "/" + name, sink: CollectingSink()),
      file.name == name, let text = file.version, let installed = PackageVersion(text),
      range.contains(installed)
    else { return nil }
    sink.emit(
      Diagnostic(
        .note, code: "deps.kept",
        "dbt's package hub cannot be reached; keeping `\(package)` \(installed) installed in "
          + "`\(installPath)/\(name)/`, which matches \(range)", at: declaration.range))
    return Installed(
      name: name, lockEntry: [("package", package), ("version", installed.description)])
  }

  /// Downloads (or reads) a tarball and installs the project it holds; its name, or nil.
  private func unpack(_ url: String, into scratch: String, _ declaration: PackageDeclaration)
    -> String?
  {
    var archive = url.hasPrefix("file://") ? String(url.dropFirst(7)) : url
    if url.hasPrefix("http://") || url.hasPrefix("https://") {
      archive = scratch + ".tar.gz"
      guard run(["curl", "-fsSL", "--max-time", "60", "-o", archive, url], nil) else {
        unreachable(declaration, what: url)
        return nil
      }
    } else if !archive.hasPrefix("/") {
      archive = root + "/" + archive
    }
    defer { if archive.hasPrefix(scratch) { try? FileManager.default.removeItem(atPath: archive) } }
    try? FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    guard run(["tar", "-xzf", archive, "-C", scratch], declaration) else { return nil }
    // The archive holds the project at its top or in one folder.
    var source = scratch
    if !FileManager.default.fileExists(atPath: scratch + "/dbt_project.yml"),
      let folders = try? FileManager.default.contentsOfDirectory(atPath: scratch),
      let folder = folders.first(where: {
        FileManager.default.fileExists(atPath: scratch + "/" + $0 + "/dbt_project.yml")
      })
    {
      source = scratch + "/" + folder
    }
    guard let name = projectName(in: source, declaration),
      place(copy: source, as: name, declaration)
    else { return nil }
    return name
  }

  private func unreachable(_ declaration: PackageDeclaration, what: String) {
    sink.emit(
      .error(
        "deps.unreachable", "cannot install \(declaration.label): \(what) cannot be reached",
        at: declaration.range,
        hint: "without a network, put the package's files in `\(installPath)/<name>/` (swdbt "
          + "loads what is there without `swdbt deps`), or declare it `local: <path>`"))
  }

  /// The `name:` of the project file in `directory`.
  private func projectName(in directory: String, _ declaration: PackageDeclaration) -> String? {
    do throws(Diagnostic) {
      let file = try ProjectLoader.readProjectFile(root: directory, sink: CollectingSink())
      return file.name
    } catch {
      sink.emit(
        .error(
          "deps.not-a-project", "\(declaration.label) holds no dbt project: \(error.message)",
          at: declaration.range))
      return nil
    }
  }

  private func destination(_ name: String) -> String {
    let folder = root + "/" + installPath
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let target = folder + "/" + name
    try? FileManager.default.removeItem(atPath: target)
    return target
  }

  private func place(link source: String, as name: String, _ declaration: PackageDeclaration)
    -> Bool
  {
    let absolute = URL(fileURLWithPath: source).standardizedFileURL.path
    do {
      try FileManager.default.createSymbolicLink(
        atPath: destination(name), withDestinationPath: absolute)
      return true
    } catch {
      failed(declaration, "cannot link `\(absolute)`: \(error.localizedDescription)")
      return false
    }
  }

  private func place(copy source: String, as name: String, _ declaration: PackageDeclaration)
    -> Bool
  {
    do {
      try FileManager.default.copyItem(atPath: source, toPath: destination(name))
      return true
    } catch {
      failed(declaration, "cannot copy it: \(error.localizedDescription)")
      return false
    }
  }

  private func failed(_ declaration: PackageDeclaration, _ why: String) {
    sink.emit(
      .error(
        "deps.failed", "cannot install \(declaration.label): \(why)", at: declaration.range,
        hint: "without a network, put the package's files in `\(installPath)/<name>/` (swdbt "
          + "loads what is there without `swdbt deps`), or declare it `local: <path>`"))
  }

  /// Runs a tool; false (with its error output reported for `declaration`) when it fails.
  private func run(_ arguments: [String], _ declaration: PackageDeclaration?) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      if let declaration { failed(declaration, "cannot run `\(arguments[0])`") }
      return false
    }
    let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      if let declaration {
        let detail =
          text.split(separator: "\n").last.map(String.init) ?? "exit status "
          + String(process.terminationStatus)
        failed(declaration, "`\(arguments.prefix(2).joined(separator: " "))` failed: \(detail)")
      }
      return false
    }
    return true
  }

  private func output(_ arguments: [String]) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return nil }
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return process.terminationStatus == 0
      ? text.trimmingCharacters(in: .whitespacesAndNewlines) : nil
  }
}
