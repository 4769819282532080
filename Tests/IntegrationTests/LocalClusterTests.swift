import Foundation
import Postgres
import SwdbtTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct LocalClusterTests {
  /// A project whose target is the implied embedded `local` cluster.
  func embeddedProject() throws -> (ProjectFixture, LocalCluster) {
    let project = try ProjectFixture([
      "project.yml": "name: orphan\n", "models/m.sql": "select 1 as x\n",
    ])
    let root = URL(fileURLWithPath: project.root).standardizedFileURL.path
    return (project, LocalCluster.forProject(root: root))
  }

  /// The pid in the socket lock file of a running embedded server.
  func serverPID(_ cluster: LocalCluster) throws -> pid_t {
    let lock = try String(
      contentsOfFile: cluster.socketDirectory + "/.s.PGSQL.5432.lock", encoding: .utf8)
    return try #require(lock.split(separator: "\n").first.flatMap { pid_t($0) })
  }

  /// Stops whatever server the test left running and removes its folders.
  func cleanUp(_ project: ProjectFixture, _ cluster: LocalCluster, orphan: pid_t?) {
    _ = try? Executable.run(["local", "stop"], in: project.root)
    if let orphan, isPostgres(orphan) { kill(orphan, SIGQUIT) }
    let dataParent = URL(fileURLWithPath: cluster.dataDirectory).deletingLastPathComponent().path
    try? FileManager.default.removeItem(atPath: dataParent)
    try? FileManager.default.removeItem(atPath: cluster.socketDirectory)
  }

  /// Whether a live process of that id runs `postgres`.
  func isPostgres(_ pid: pid_t) -> Bool {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else {
      return false
    }
    return String(decoding: data, as: UTF8.self).contains("postgres")
  }

  @Test func serverWhoseDataFolderWasDeletedIsStoppedAndReplaced() async throws {
    let (project, cluster) = try embeddedProject()
    var orphan: pid_t?
    defer { cleanUp(project, cluster, orphan: orphan) }
    let start = try Executable.run(["local", "start"], in: project.root)
    try #require(start.status == 0, "\(start.stderr)")
    let pid = try serverPID(cluster)
    orphan = pid
    let dataParent = URL(fileURLWithPath: cluster.dataDirectory).deletingLastPathComponent().path
    try FileManager.default.removeItem(atPath: dataParent)

    let run = try Executable.run(["run"], in: project.root)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stderr.contains(
        "stopped an orphaned embedded server (pid \(pid), data folder \(cluster.dataDirectory) "
          + "was deleted)"), "\(run.stderr)")
    #expect(!isPostgres(pid))
    #expect(try serverPID(cluster) != pid)
    let status = try Executable.run(["local", "status"], in: project.root)
    #expect(status.status == 0, "\(status.stdout)")
  }

  @Test func staleSocketLockOfAnEndedProcessIsRemovedAndSaid() async throws {
    let (project, cluster) = try embeddedProject()
    defer { cleanUp(project, cluster, orphan: nil) }
    #expect(try Executable.run(["local", "start"], in: project.root).status == 0)
    #expect(try Executable.run(["local", "stop"], in: project.root).status == 0)
    let ended = Process()
    ended.executableURL = URL(fileURLWithPath: "/bin/true")
    try ended.run()
    ended.waitUntilExit()
    let lock = cluster.socketDirectory + "/.s.PGSQL.5432.lock"
    try Data("\(ended.processIdentifier)\n\(cluster.dataDirectory)\n".utf8)
      .write(to: URL(fileURLWithPath: lock))

    let start = try Executable.run(["local", "start"], in: project.root)
    #expect(start.status == 0, "\(start.stderr)")
    #expect(
      start.stderr.contains(
        "removed a stale socket lock \(lock) (pid \(ended.processIdentifier) is not running)"),
      "\(start.stderr)")
    #expect(try serverPID(cluster) != ended.processIdentifier)
  }
}
