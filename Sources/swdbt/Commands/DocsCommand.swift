import Adapter
import ArgumentParser
import Compiler
import Diagnostics
import Docs
import Execution
import Foundation
import Project
import Runtime

/// `swdbt docs generate|serve`: dbt's artifacts and a static lineage site.
struct DocsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "docs", abstract: "Generate and serve the documentation site.",
    subcommands: [Generate.self, Serve.self])

  struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "generate",
      abstract:
        "Write target/manifest.json, target/catalog.json (when the target answers) and the site "
        + "under target/docs/.")

    @OptionGroup var project: ProjectOptions

    @Flag(name: .long, help: "Do not read the database: no catalog.json, no column types.")
    var emptyCatalog = false

    @Flag(
      name: .long,
      help: "Write only target/catalog.json, as dbt's `--no-compile`: no manifest, no site.")
    var noCompile = false

    func run() async throws {
      let clock = ContinuousClock()
      let start = clock.now
      let session = Session(options: project, which: "generate")
      let compilation = try session.compile()
      defer { ExitWithoutTeardown.keep(compilation) }
      let catalog = emptyCatalog ? nil : await Self.catalog(compilation, console: session.console)
      let formatter = ISO8601DateFormatter()
      formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
      let metadata = Manifest.Metadata(
        generatedAt: formatter.string(from: Date()), invocationID: session.invocation.invocationID,
        adapterType: compilation.project.target.type, environment: session.invocation.environment)
      let writeStart = clock.now
      if noCompile {
        // dbt's `docs generate --no-compile` writes the catalog and leaves manifest.json alone.
        try Self.writeCatalogOnly(catalog, compilation: compilation, metadata: metadata, session)
        return
      }
      let dashboards = try await Self.dashboards(
        compilation, readDatabase: !emptyCatalog, console: session.console)
      let written: Site.Written
      do {
        written = try Site.write(
          compilation, catalog: catalog, metadata: metadata, dashboards: dashboards)
      } catch {
        session.console.report([.error("write.failed", "cannot write the docs: \(error)")])
        throw ExitCode(1)
      }
      session.timing("write manifest, catalog and site", from: writeStart, to: clock.now)
      // dbt's `docs generate` compiles first and reports it in run_results.json.
      RunResultsFile.write(
        NodeResult.compiled(compilation, at: Date()), compilation: compilation,
        elapsed: clock.now - start, command: "generate", invocationID: metadata.invocationID,
        generatedAt: Date(), console: session.console)
      let catalogNote =
        written.catalog.map { "\($0) (\(catalog?.count ?? 0) relations)" } ?? "no catalog"
      session.console.info(
        "Wrote \(written.manifest), \(catalogNote) and \(written.index) "
          + "in \(Seconds.format(clock.now - start))")
    }

    /// `target/catalog.json` alone; without a catalog (the target did not answer) that is an
    /// error, since nothing else is written.
    static func writeCatalogOnly(
      _ catalog: [String: Catalog.Relation]?, compilation: Compilation,
      metadata: Manifest.Metadata, _ session: Session
    ) throws {
      guard let catalog else {
        session.console.report([
          .error("catalog.missing", "`--no-compile` writes only catalog.json, and none was read")
        ])
        throw ExitCode(1)
      }
      let path =
        compilation.project.projectFile.targetDirectory(root: compilation.project.root)
        + "/catalog.json"
      do throws(FileSystem.Failure) {
        try FileSystem.createDirectory(FileSystem.parentDirectory(path))
        try FileSystem.write(
          path, Catalog.json(catalog, compilation: compilation, metadata: metadata))
      } catch {
        session.console.report([.error("write.failed", "cannot write \(path): \(error)")])
        throw ExitCode(1)
      }
      session.console.info("Wrote \(path) (\(catalog.count) relations)")
    }

    /// The built relations' columns, or nil (with a warning) when the target does not answer.
    static func catalog(_ compilation: Compilation, console: Console) async -> [String: Catalog
      .Relation]?
    {
      do throws(Diagnostic) {
        let adapter = try await Wiring.makeAdapter(for: compilation.project)
        let engine = try Wiring.makeEngine(for: compilation.project)
        do throws(DatabaseError) {
          let connection = try adapter.connect()
          defer { connection.close() }
          return try Catalog.read(compilation, engine: engine, connection: connection)
        } catch {
          throw .error("catalog.read", "cannot read the catalog: \(error.message)")
        }
      } catch {
        console.report([
          .warning(
            "catalog.skipped", "catalog.json not written: \(error.message)",
            hint: "the site shows no column types; `--empty-catalog` skips the database")
        ])
        return nil
      }
    }
  }

  struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "serve",
      abstract: "Serve target/docs/ (run `swdbt docs generate` first) on localhost.")

    @OptionGroup var project: ProjectOptions

    @Option(name: .long, help: "The port to listen on (0: any free port).")
    var port: Int = 8080

    @Option(name: .long, help: "The address to listen on.")
    var host = "127.0.0.1"

    func validate() throws {
      guard (0...65535).contains(port) else { throw ValidationError("--port must be 0-65535") }
    }

    func run() async throws {
      let session = Session(options: project)
      let loaded = try session.load()
      let directory = loaded.projectFile.targetDirectory(root: loaded.root)
      guard FileSystem.exists(directory + "/docs/index.html") else {
        session.console.report([
          .error(
            "docs.missing", "no docs in \(loaded.projectFile.targetPath)/docs",
            hint: "run `swdbt docs generate` first")
        ])
        throw ExitCode(1)
      }
      let server: StaticServer
      do {
        server = try StaticServer(root: directory, host: host, port: port)
      } catch {
        session.console.report([
          .error(
            "docs.serve", "cannot listen on \(host):\(port): \(error)",
            hint: "choose another port with `--port`")
        ])
        throw ExitCode(1)
      }
      session.console.info("Serving the docs at http://\(host):\(server.port)/ (Ctrl-C to stop)")
      server.serve()
    }
  }
}
