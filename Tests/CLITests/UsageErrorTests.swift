import SwdbtTestSupport
import Testing

/// Command-line mistakes exit 64 and say what was meant.
@Suite struct UsageErrorTests {
  @Test func aMistypedCommandGetsDidYouMean() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n"
    ])
    let result = try Executable.run(["buidl"], in: fixture.root)
    #expect(result.status == 64)
    #expect(result.stderr.contains("did you mean `build`?"), "\(result.stderr)")
    #expect(result.stdout.isEmpty)
    // A command whose name is not its type's name in lower case (`RunOperation`).
    let joined = try Executable.run(["runoperation"], in: fixture.root)
    #expect(joined.status == 64)
    #expect(joined.stderr.contains("did you mean `run-operation`?"), "\(joined.stderr)")
  }

  @Test func malformedVarsExit64() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
      "models/a.sql": "select 1 as id\n",
    ])
    let result = try Executable.run(["compile", "--vars", "{a: ["], in: fixture.root)
    #expect(result.status == 64)
    #expect(result.stderr.contains("--vars:1:"), "\(result.stderr)")
  }

  @Test(arguments: [
    ("tag:stagin", "did you mean `tag:staging`?"),
    ("path:models/stagin", "did you mean `path:models/staging`?"),
    ("stg_order", "did you mean `stg_orders`?"),
  ])
  func aSelectorMatchingNothingGetsAHintOfItsKind(selector: String, hint: String) throws {
    let fixture = try ProjectFixture([
      "project.yml": """
      name: shop
      targets:
        dev: {type: postgres, schema: dev}
      models:
        shop:
          staging:
            +tags: [staging]
      """,
      "models/staging/stg_orders.sql": "select 1 as id\n",
    ])
    let result = try Executable.run(["ls", "-s", selector], in: fixture.root)
    #expect(result.stderr.contains("the selection `\(selector)` matched no nodes"))
    #expect(result.stderr.contains(hint), "\(result.stderr)")
  }
}
