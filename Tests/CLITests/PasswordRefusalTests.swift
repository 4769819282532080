import Foundation
import SwdbtTestSupport
import Testing

/// A refused literal password is reported, not silently dropped before connecting.
@Suite struct PasswordRefusalTests {
  @Test(arguments: ["debug", "build"])
  func aRefusedPasswordIsShownInsteadOfTheServersComplaint(command: String) throws {
    let fixture = try ProjectFixture([
      "project.yml":
        "name: shop\ntarget: prod\ntargets:\n  prod:\n    type: postgres\n"
        + "    host: /nonexistent-swdbt\n    password: hunter2\n",
      "models/m.sql": "select 1 as x\n",
    ])
    let result = try Executable.run([command], in: fixture.root)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "project.yml:7:5: error: target `prod` has a literal password in `password`"),
      "\(result.stderr)")
    #expect(!result.stderr.contains("hunter2"))
    #expect(!result.stdout.contains("Connection test"))
  }
}
