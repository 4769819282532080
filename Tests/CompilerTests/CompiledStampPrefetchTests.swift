import Diagnostics
import Foundation
import Glibc
import Project
import SwdbtTestSupport
import Testing

@testable import Compiler

/// Stamps read ahead, while compiling, must never hide a file changed after they were read.
@Suite struct CompiledStampPrefetchTests {
  static let files: [String: String] = [
    "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
    "models/staging/stg_orders.sql": "select 1 as id\n",
    "models/marts/revenue.sql": "select count(*) as n from {{ ref('stg_orders') }}\n",
  ]

  func write(_ fixture: ProjectFixture, prefetched: CompiledStampPrefetch?) throws
    -> ArtifactWriter.Summary
  {
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    let compilation = try #require(Compiler.compile(loaded, sink: sink))
    let summary = ArtifactWriter.writeCompiledSQL(
      compilation, nodes: compilation.order, prefetched: prefetched, sink: sink)
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    return summary
  }

  /// A project compiled once, and a prefetch that has stamped all its compiled files.
  func compiledAndStamped() throws -> (ProjectFixture, CompiledStampPrefetch) {
    let fixture = try ProjectFixture(Self.files)
    #expect(try write(fixture, prefetched: nil).written == 2)
    // Past the index's window for changes within one clock tick.
    Thread.sleep(forTimeInterval: 0.1)
    let prefetched = CompiledStampPrefetch(root: fixture.root, targetPath: "target")
    prefetched.waitUntilStamped()
    return (fixture, prefetched)
  }

  @Test func aFileChangedAfterItWasStampedIsStillRewritten() throws {
    let (fixture, unchanged) = try compiledAndStamped()
    let found = unchanged.finish()
    #expect(found.stamped == 2 && found.stamps.allSatisfy { $0 != nil })
    #expect(found.changed.isEmpty)
    let again = CompiledStampPrefetch(root: fixture.root, targetPath: "target")
    #expect(try write(fixture, prefetched: again).unchanged == 2)

    // Stamped first, changed after: same size, modification time put back. Only the change
    // time differs, which the stamp read ahead cannot know: the watch must report it.
    let prefetched = CompiledStampPrefetch(root: fixture.root, targetPath: "target")
    prefetched.waitUntilStamped()
    let compiled = fixture.root + "/target/compiled/shop/models/marts/revenue.sql"
    let original = try fixture.read("target/compiled/shop/models/marts/revenue.sql")
    var before = stat()
    #expect(stat(compiled, &before) == 0)
    let handle = try #require(FileHandle(forWritingAtPath: compiled))
    handle.write(Data(String(repeating: "x", count: original.utf8.count).utf8))
    try handle.close()
    let times = [before.st_atim, before.st_mtim]
    #expect(utimensat(AT_FDCWD, compiled, times, 0) == 0)
    let summary = try write(fixture, prefetched: prefetched)
    #expect(summary.written == 1 && summary.unchanged == 1)
    #expect(try fixture.read("target/compiled/shop/models/marts/revenue.sql") == original)
  }

  /// A folder replaced after it was watched (its files stamped) is stamped again.
  @Test func aReplacedFolderIsStampedAgain() throws {
    let (fixture, prefetched) = try compiledAndStamped()
    let folder = fixture.root + "/target/compiled/shop/models/marts"
    let original = try fixture.read("target/compiled/shop/models/marts/revenue.sql")
    #expect(rename(folder, folder + ".old") == 0)
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
    try String(repeating: "y", count: original.utf8.count).write(
      toFile: folder + "/revenue.sql", atomically: false, encoding: .utf8)
    let summary = try write(fixture, prefetched: prefetched)
    #expect(summary.written == 1 && summary.unchanged == 1)
    #expect(try fixture.read("target/compiled/shop/models/marts/revenue.sql") == original)
  }
}
