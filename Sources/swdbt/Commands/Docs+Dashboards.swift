import Adapter
import ArgumentParser
import Compiler
import Diagnostics
import Docs
import Metrics
import Project

extension DocsCommand.Generate {
  /// The project's exposures and their charts' rows, queried on the target; nil when the
  /// project declares no exposure. The charts say why they are empty when the target does not
  /// answer; a mistake in an exposure's YAML is an error at its line.
  static func dashboards(
    _ compilation: Compilation, readDatabase: Bool, console: Console
  ) async throws -> DashboardData? {
    let files = propertiesFiles(compilation.project)
    guard files.contains(where: { $0.text.contains("exposures:") }) else { return nil }
    let sink = CollectingSink()
    let semantic = SemanticReader.read(files, sink: sink)
    var relations: [String: String] = [:]
    var sources: Set<String> = []
    for node in compilation.nodes {
      if node.resourceType == .model, let relation = node.relation {
        relations[node.name] = relation.quoted
      } else if node.resourceType == .source {
        sources.insert(node.uniqueID.split(separator: ".").dropFirst(2).joined(separator: "."))
      }
    }
    let exposures = ExposureReader.read(
      files, projectName: compilation.project.projectFile.name, models: Set(relations.keys),
      sources: sources, semantic: semantic, sink: sink)
    console.report(sink.diagnostics)
    if sink.hasErrors { throw ExitCode(1) }
    guard exposures.contains(where: { !$0.charts.isEmpty }) else {
      return .unavailable(exposures, reason: "no charts")
    }
    guard readDatabase else {
      return .unavailable(exposures, reason: "`--empty-catalog`: the database was not read")
    }
    do throws(Diagnostic) {
      let adapter = try await Wiring.makeAdapter(for: compilation.project)
      do throws(DatabaseError) {
        let connection = try adapter.connect()
        defer { connection.close() }
        return DashboardData.run(
          exposures, semantic: semantic, relation: { relations[$0] }, connection: connection)
      } catch {
        throw .error("dashboards.connect", "cannot reach the target: \(error.message)")
      }
    } catch {
      console.report([
        .warning(
          "dashboards.skipped", "dashboard charts not queried: \(error.message)",
          hint: "the dashboard pages say so; the rest of the site is written")
      ])
      return .unavailable(exposures, reason: "the target did not answer (\(error.message))")
    }
  }

  /// Every YAML file under the project's model paths.
  private static func propertiesFiles(_ project: LoadedProject) -> [SourceFile] {
    var files: [SourceFile] = []
    for directory in project.projectFile.modelPaths {
      let absolute = project.root + "/" + directory
      for path in FileSystem.files(under: absolute, suffixes: [".yml", ".yaml"]) {
        guard let bytes = try? FileSystem.read(absolute + "/" + path) else { continue }
        files.append(SourceFile(path: directory + "/" + path, bytes: bytes))
      }
    }
    return files
  }
}
