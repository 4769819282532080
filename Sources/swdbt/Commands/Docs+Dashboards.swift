import Adapter
import ArgumentParser
import Compiler
import Diagnostics
import Docs
import Exposures
import Metrics
import Project

extension DocsCommand.Generate {
  /// The project's exposures and their charts' rows, queried on the target; nil when the
  /// project declares no exposure. The charts say why they are empty when the target does not
  /// answer; a mistake in an exposure's YAML is an error at its line.
  static func dashboards(
    _ compilation: Compilation, readDatabase: Bool, console: Console
  ) async throws -> DashboardData? {
    // Read and checked by the compiler, as on every load.
    let exposures = compilation.exposures
    guard !exposures.isEmpty else { return nil }
    // The metrics' own mistakes are reported here, as by `swdbt query`.
    let sink = CollectingSink()
    let semantic = SemanticReader.read(
      ExposureReader.propertiesFiles(compilation.project), sink: sink)
    console.report(sink.diagnostics)
    if sink.hasErrors { throw ExitCode(1) }
    var relations: [String: String] = [:]
    for node in compilation.nodes where node.resourceType == .model {
      if let relation = node.relation { relations[node.name] = relation.quoted }
    }
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
}
