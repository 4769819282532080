import Adapter
import Foundation
import Postgres
import SwdbtTestSupport
import Testing

/// `swdbt init`: a project that builds as created; usage errors without a terminal.
@Suite struct InitTests {
  @Test func aProjectForAnExistingServerBuildsAsCreated() async throws {
    let info = try await PostgresServer.start()
    let folder = try ProjectFixture([:])
    let schema = "it_init_\(UUID().uuidString.prefix(6).lowercased())"
    let created = try Executable.run(
      [
        "init", "starter", "--host", info.value("host") ?? "", "--user", "swdbt", "--dbname",
        "postgres", "--schema", schema,
      ], in: folder.root)
    #expect(created.status == 0, "\(created.stderr)")
    #expect(created.stdout.contains("cd starter && swdbt build"))
    let build = try Executable.run(["build"], in: folder.root + "/starter")
    #expect(build.status == 0, "\(build.stdout)\(build.stderr)")
    let connection = try await PostgresServer.connect()
    defer {
      _ = try? connection.execute("drop schema if exists \"\(schema)\" cascade")
      connection.close()
    }
    #expect(
      try connection.execute("select id, label from \"\(schema)\".my_second_model").rows
        == [["1", "first"]])
  }

  @Test func withoutATerminalNothingIsAskedAndMistakesAreUsageErrors() throws {
    let folder = try ProjectFixture([:])
    let noName = try Executable.run(["init"], in: folder.root)
    #expect(noName.status == 64)
    #expect(noName.stderr.contains("needs a project name"))
    let badName = try Executable.run(["init", "my-shop"], in: folder.root)
    #expect(badName.status == 64)
    #expect(badName.stderr.contains("`my_shop`"))
    #expect(try Executable.run(["init", "shop"], in: folder.root).status == 0)
    let local = try folder.read("shop/project.yml")
    #expect(local.contains("target: local"))
    let again = try Executable.run(["init", "shop"], in: folder.root)
    #expect(again.status == 1)
    #expect(again.stderr.contains("already exists"))
    let listed = try Executable.run(["ls", "--output", "name"], in: folder.root + "/shop")
    #expect(listed.stdout.contains("my_second_model"), "\(listed.stderr)")
  }
}
