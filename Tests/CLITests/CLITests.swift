import Foundation
import Glibc
import SwdbtTestSupport
import Testing

private let smallProject: [String: String] = [
  "project.yml":
    "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\nmodels:\n  shop:\n    marts:\n      +schema: marts\n      +materialized: table\n",
  "seeds/raw_orders.csv": "id,amount\n1,10\n",
  "models/staging/stg_orders.sql": "select id, amount from {{ ref('raw_orders') }}\n",
  "models/marts/revenue.sql": "select sum(amount) as revenue from {{ ref('stg_orders') }}\n",
  "models/marts/_marts.yml":
    "version: 2\nmodels:\n  - name: revenue\n    columns:\n      - name: revenue\n        data_tests: [not_null]\n",
]

@Suite struct CLITests {
  @Test func compileWritesResolvedSQLAndSkipsUnchangedFiles() throws {
    let fixture = try ProjectFixture(smallProject)
    let first = try Executable.run(["compile"], in: fixture.root)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(
      try fixture.read("target/compiled/shop/models/marts/revenue.sql")
        == "select sum(amount) as revenue from \"dev\".\"stg_orders\"\n")
    #expect(first.stderr.contains("Compiled 2 models and 1 test in "))
    #expect(first.stderr.contains("(3 written, 0 unchanged) to target/compiled/shop"))
    let second = try Executable.run(["compile", "--project-dir", fixture.root], in: "/")
    #expect(second.status == 0)
    #expect(second.stderr.contains("(0 written, 3 unchanged)"))
    // A change of the same length is found by comparing content, and rewrites the file.
    try fixture.write(
      "models/marts/revenue.sql", "select max(amount) as revenue from {{ ref('stg_orders') }}\n")
    let third = try Executable.run(["compile"], in: fixture.root)
    #expect(third.stderr.contains("(1 written, 2 unchanged)"), "\(third.stderr)")
    #expect(
      try fixture.read("target/compiled/shop/models/marts/revenue.sql")
        == "select max(amount) as revenue from \"dev\".\"stg_orders\"\n")
    let left = try FileManager.default.contentsOfDirectory(
      atPath: fixture.root + "/target/compiled/shop/models/marts")
    #expect(left.sorted() == ["_marts.yml", "revenue.sql"])
  }

  /// A changed file is rewritten in place (same inode, cut to its new length: no inode
  /// allocated and none deleted per file), but a hard link or symlink is replaced, never
  /// written through, so a file outside `target/` cannot change.
  @Test func aChangedFileIsRewrittenInPlaceButNeverThroughALink() throws {
    let fixture = try ProjectFixture(smallProject)
    #expect(try Executable.run(["compile"], in: fixture.root).status == 0)
    let folder = fixture.root + "/target/compiled/shop/models"
    func inode(_ path: String) -> UInt64 {
      var info = stat()
      return lstat(path, &info) == 0 ? UInt64(info.st_ino) : 0
    }
    let revenueInode = inode(folder + "/marts/revenue.sql")
    // Shorter SQL: a longer file's tail must not survive.
    try fixture.write("models/marts/revenue.sql", "select 1 as revenue\n")
    // The staging file becomes a hard link to a file outside `target/`, and the test's file a
    // symlink to another.
    try fixture.write("outside-hard.sql", "keep me\n")
    try fixture.write("outside-soft.sql", "keep me too\n")
    #expect(unlink(folder + "/staging/stg_orders.sql") == 0)
    #expect(link(fixture.root + "/outside-hard.sql", folder + "/staging/stg_orders.sql") == 0)
    let testFile = try #require(
      FileManager.default.subpathsOfDirectory(atPath: folder + "/marts").first {
        $0.hasPrefix("_marts.yml/")
      })
    #expect(unlink(folder + "/marts/" + testFile) == 0)
    #expect(symlink(fixture.root + "/outside-soft.sql", folder + "/marts/" + testFile) == 0)
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.stderr.contains("(3 written, 0 unchanged)"), "\(result.stderr)")
    #expect(
      try fixture.read("target/compiled/shop/models/marts/revenue.sql") == "select 1 as revenue\n")
    #expect(inode(folder + "/marts/revenue.sql") == revenueInode)
    #expect(try fixture.read("outside-hard.sql") == "keep me\n")
    #expect(try fixture.read("outside-soft.sql") == "keep me too\n")
    #expect(
      try fixture.read("target/compiled/shop/models/staging/stg_orders.sql")
        == "select id, amount from \"dev\".\"raw_orders\"\n")
    var info = stat()
    #expect(lstat(folder + "/marts/" + testFile, &info) == 0)
    #expect(info.st_mode & S_IFMT == S_IFREG)
    #expect(try fixture.read("target/compiled/shop/models/marts/" + testFile).contains("is null"))
  }

  /// Unchanged files are known by their stamp in `target/.swdbt-compiled-index`; a file
  /// changed behind swdbt's back (even with its size and modification time put back) is
  /// still found and rewritten, and a damaged index only costs reading the files back.
  @Test func theCompiledIndexNeverHidesAChangedFile() throws {
    let fixture = try ProjectFixture(smallProject)
    #expect(try Executable.run(["compile"], in: fixture.root).status == 0)
    #expect(fixture.exists("target/.swdbt-compiled-index"))
    // Past the index's window for changes within one clock tick.
    Thread.sleep(forTimeInterval: 0.2)
    #expect(try Executable.run(["compile"], in: fixture.root).status == 0)
    let compiled = fixture.root + "/target/compiled/shop/models/marts/revenue.sql"
    let original = try fixture.read("target/compiled/shop/models/marts/revenue.sql")
    var before = stat()
    #expect(stat(compiled, &before) == 0)
    try String(repeating: "x", count: original.utf8.count).write(
      toFile: compiled, atomically: false, encoding: .utf8)
    // The modification time put back to the nanosecond, as `touch -d` or `rsync -t` would.
    let times = [before.st_atim, before.st_mtim]
    #expect(utimensat(AT_FDCWD, compiled, times, 0) == 0)
    var after = stat()
    #expect(stat(compiled, &after) == 0)
    #expect(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec && after.st_size == before.st_size)
    let again = try Executable.run(["compile"], in: fixture.root)
    #expect(again.stderr.contains("(1 written, 2 unchanged)"), "\(again.stderr)")
    #expect(try fixture.read("target/compiled/shop/models/marts/revenue.sql") == original)
    try fixture.write("target/.swdbt-compiled-index", "swdbt compiled index 2\ngarbage")
    try String(repeating: "y", count: original.utf8.count).write(
      toFile: compiled, atomically: false, encoding: .utf8)
    let damaged = try Executable.run(["compile"], in: fixture.root)
    #expect(damaged.stderr.contains("(1 written, 2 unchanged)"), "\(damaged.stderr)")
    #expect(try fixture.read("target/compiled/shop/models/marts/revenue.sql") == original)
  }

  @Test func compilingOneModelPrintsItsSQL() throws {
    let fixture = try ProjectFixture(smallProject)
    let result = try Executable.run(["compile", "-s", "revenue"], in: fixture.root)
    #expect(result.status == 0)
    #expect(result.stdout == "select sum(amount) as revenue from \"dev\".\"stg_orders\"\n\n")
  }

  @Test func unknownRefFailsWithACompilerStyleMessage() throws {
    var files = smallProject
    files["models/marts/revenue.sql"] = "select sum(amount)\nfrom {{ ref('stg_order') }}\n"
    let fixture = try ProjectFixture(files)
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 1)
    #expect(
      result.stderr == """
        models/marts/revenue.sql:2:9: error: unknown model `stg_order` in `ref`
        2 | from {{ ref('stg_order') }}
          |         ^~~~~~~~~~~~~~~~
        hint: did you mean `stg_orders`?
        error: compile failed with 1 error

        """)
    #expect(!fixture.exists("target/compiled"))
  }

  @Test func anUnsupportedTargetTypePointsAtIt() throws {
    var files = smallProject
    files["project.yml"] = "name: shop\ntargets:\n  dev: {type: mysql, schema: dev}\n"
    let fixture = try ProjectFixture(files)
    let result = try Executable.run(["run"], in: fixture.root)
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("project.yml:3:15: error: target `dev` has type `mysql`\n"))
  }

  @Test func binaryGarbageIsADiagnosticNotACrash() throws {
    var files = smallProject
    files["models/garbage.sql"] = String(
      decoding: [0xFF, 0x7B, 0x7B, 0x00, 0xC3, 0x28, 0x7B, 0x25, 0x2D], as: UTF8.self)
    let fixture = try ProjectFixture(files)
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 1)
    #expect(result.stderr.contains("models/garbage.sql:1:"))
    #expect(result.stderr.contains("error: compile failed"))
  }

  @Test func listPrintsSelectorsNamesPathsAndJSON() throws {
    let fixture = try ProjectFixture(smallProject)
    let selectors = try Executable.run(["ls"], in: fixture.root)
    #expect(selectors.status == 0)
    #expect(
      selectors.stdout
        == "shop.marts.revenue\nshop.staging.stg_orders\nshop.raw_orders\nshop.not_null_revenue_revenue\n"
    )
    let names = try Executable.run(
      ["ls", "-s", "+revenue", "--output", "name", "--resource-type", "model"], in: fixture.root)
    #expect(names.stdout == "revenue\nstg_orders\n")
    let paths = try Executable.run(
      ["ls", "--select", "tag:nothing", "--output", "path"], in: fixture.root)
    #expect(paths.stdout == "")
    #expect(paths.stderr.contains("warning: the selection `tag:nothing` matched no nodes"))
    // No tag is close, and none exists: the hint says so rather than nothing.
    #expect(
      paths.stderr.contains("hint: no node in the project has a `tag:` value"), "\(paths.stderr)")
    let farPath = try Executable.run(["ls", "-s", "path:elsewhere/x"], in: fixture.root)
    #expect(farPath.stderr.contains("hint: the project has `path:models`"), "\(farPath.stderr)")
    let json = try Executable.run(
      ["ls", "-s", "revenue", "--output", "json", "--resource-type", "model"], in: fixture.root)
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(object["unique_id"] as? String == "model.shop.revenue")
    #expect(object["relation_name"] as? String == "\"dev_marts\".\"revenue\"")
    #expect((object["depends_on"] as? [String: [String]])?["nodes"] == ["model.shop.stg_orders"])
    #expect((object["config"] as? [String: Any])?["materialized"] as? String == "table")
  }

  @Test func badSelectorIsRejectedBeforeAnyWork() throws {
    let fixture = try ProjectFixture(smallProject)
    let result = try Executable.run(["ls", "-s", "tagg:x"], in: fixture.root)
    #expect(result.status == 64)
    #expect(
      result.stderr.contains(
        "invalid selector `tagg:x`: unknown method `tagg` (did you mean `tag`?)"))
  }

  @Test func missingProjectSaysWhereItLooked() throws {
    let fixture = try ProjectFixture([:])
    let result = try Executable.run(["compile"], in: fixture.root)
    // A usage error, as with `--project-dir` naming a folder without a project.
    #expect(result.status == 64)
    #expect(
      result.stderr.contains("error: no `project.yml` or `dbt_project.yml` in `\(fixture.root)`"))
    #expect(
      result.stderr.contains("hint: run swdbt from a project's root or pass `--project-dir DIR`"))
  }

  @Test func jsonLogFormatEmitsOneObjectPerLine() throws {
    var files = smallProject
    files["models/marts/revenue.sql"] = "select {{ var('missing_var') }}"
    let fixture = try ProjectFixture(files)
    let result = try Executable.run(["compile", "--log-format", "json"], in: fixture.root)
    #expect(result.status == 1)
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 2)
    let first = try #require(
      try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
    #expect(first["code"] as? String == "compile.unknown-var")
    #expect(first["file"] as? String == "models/marts/revenue.sql")
    #expect(first["line"] as? Int == 1)
  }

  @Test func varsFromTheCommandLineReachTemplates() throws {
    var files = smallProject
    files["models/marts/revenue.sql"] = "select {{ var('limit') }} as x"
    let fixture = try ProjectFixture(files)
    let result = try Executable.run(
      ["compile", "-s", "revenue", "--vars", "{limit: 5}"], in: fixture.root)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "select 5 as x\n")
  }
}

@Suite struct DocsServeTests {
  @Test func servesTheGeneratedSiteOnLocalhost() throws {
    let fixture = try ProjectFixture(smallProject)
    let generate = try Executable.run(["docs", "generate", "--empty-catalog"], in: fixture.root)
    #expect(generate.status == 0, "\(generate.stderr)")
    #expect(
      generate.stderr.contains("Wrote target/manifest.json, no catalog and target/docs/index.html"))

    let process = Process()
    process.executableURL = URL(fileURLWithPath: Executable.swdbt)
    process.arguments = ["docs", "serve", "--port", "0", "--project-dir", fixture.root]
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    defer {
      process.terminate()
      process.waitUntilExit()
    }
    // The first line says where it listens.
    var banner = Data()
    while !banner.contains(UInt8(ascii: "\n")) {
      let chunk = errors.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      banner.append(chunk)
    }
    let text = String(decoding: banner, as: UTF8.self)
    let port = try #require(
      text.firstMatch(of: /http:\/\/127\.0\.0\.1:(\d+)\//).flatMap { Int($0.output.1) }, "\(text)")

    let index = try httpGet(port: port, path: "/")
    #expect(index.hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8"))
    #expect(index.contains("<script src=\"data.js\"></script>"))
    let data = try httpGet(port: port, path: "/data.js")
    #expect(data.contains("window.SWDBT_DATA = JSON.parse('{\"project_name\":\"shop\""))
    let details = try httpGet(port: port, path: "/data/nodes-0000.js")
    #expect(details.contains("swdbtChunk(0, JSON.parse('{"), "\(details.prefix(300))")
    let manifest = try httpGet(port: port, path: "/manifest.json")
    #expect(manifest.contains("Content-Type: application/json"))
    #expect(manifest.contains("\"model.shop.revenue\""))
    #expect(try httpGet(port: port, path: "/../project.yml").hasPrefix("HTTP/1.1 404"))
    #expect(try httpGet(port: port, path: "/missing.html").hasPrefix("HTTP/1.1 404"))
  }

  @Test func serveWithoutGeneratedDocsSaysWhatToRun() throws {
    let fixture = try ProjectFixture(smallProject)
    let result = try Executable.run(["docs", "serve", "--port", "0"], in: fixture.root)
    #expect(result.status == 1)
    #expect(result.stderr.contains("error: no docs in target/docs"))
    #expect(result.stderr.contains("hint: run `swdbt docs generate` first"))
  }

  /// A plain HTTP/1.0 GET over a socket: the whole response, headers included.
  func httpGet(port: Int, path: String) throws -> String {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    try #require(connected == 0, "cannot connect to port \(port)")
    let request = Array("GET \(path) HTTP/1.0\r\nHost: localhost\r\n\r\n".utf8)
    _ = request.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
      if count <= 0 { break }
      response += buffer[0..<count]
    }
    return String(decoding: response, as: UTF8.self)
  }
}

@Suite struct ProjectDirectoryTests {
  @Test func missingProjectDirectoryIsAUsageError() throws {
    let result = try Executable.run(
      ["run", "--project-dir", "/nonexistent/swdbt-project"], in: "/")
    #expect(result.status == 64)
    #expect(
      result.stderr.contains(
        "error: project directory `/nonexistent/swdbt-project` does not exist"), "\(result.stderr)")
  }

  @Test func folderWithoutProjectFileIsAUsageError() throws {
    let fixture = try ProjectFixture(["models/a.sql": "select 1\n"])
    let result = try Executable.run(["compile", "--project-dir", fixture.root], in: "/")
    #expect(result.status == 64)
    #expect(result.stderr.contains("error: no `project.yml` or `dbt_project.yml` in"))
  }

  /// Metric queries are PostgreSQL SQL: on another engine, a located error before anything
  /// connects; `--compile` still prints the SQL.
  @Test func metricQueryOnSparkTargetIsRefusedAtTheTargetType() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  dev: {type: spark, schema: dev}\n",
      "models/a.sql": "select 1 as id\n",
    ])
    let result = try Executable.run(["query", "--metrics", "revenue"], in: fixture.root)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "project.yml:3:15: error: `swdbt query` writes PostgreSQL SQL; target `dev` is spark"),
      "\(result.stderr)")
  }

  @Test func listWritesTheManifest() throws {
    let fixture = try ProjectFixture(smallProject)
    let result = try Executable.run(["ls"], in: fixture.root)
    #expect(result.status == 0, "\(result.stderr)")
    let manifest = try fixture.read("target/manifest.json")
    #expect(manifest.contains("\"model.shop.revenue\""))
    #expect(
      manifest.contains(
        "\"dbt_schema_version\":\"https://schemas.getdbt.com/dbt/manifest/v12.json\""))
  }
}

@Suite struct DocsRunResultsTests {
  @Test func docsGenerateWritesRunResultsForWhatItCompiled() throws {
    let fixture = try ProjectFixture(smallProject)
    let result = try Executable.run(["docs", "generate", "--empty-catalog"], in: fixture.root)
    #expect(result.status == 0, "\(result.stderr)")
    let text = try fixture.read("target/run_results.json")
    let document = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    let results = document?["results"] as? [[String: Any]] ?? []
    #expect(
      Set(results.compactMap { $0["unique_id"] as? String })
        == [
          "model.shop.stg_orders", "model.shop.revenue",
          "test.shop.not_null_revenue_revenue.ae135ff215",
        ],
      "\(text)")
    #expect(results.allSatisfy { $0["status"] as? String == "success" })
  }
}
