import SwdbtTestSupport
import Testing

/// Input that libpq or PostgreSQL would silently misread is refused at compile time, located.
@Suite struct CompileSafetyTests {
  static let project = "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n"

  /// libpq takes C strings: SQL after a NUL byte would never be sent.
  @Test func aNulByteInAModelIsALocatedError() throws {
    let fixture = try ProjectFixture([
      "project.yml": Self.project,
      "models/orders.sql": "select 1 as a\nwhere a = 2\u{0} and false\n",
    ])
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 1)
    #expect(
      result.stderr == """
        models/orders.sql:2:12: error: file contains a NUL byte (U+0000)
        2 | where a = 2\u{2400} and false
          |            ^
        hint: libpq sends SQL as a C string: everything after a NUL would be silently dropped
        error: compile failed with 1 error

        """)
  }

  /// A YAML escape (`\0`, `\x00`, `\u0000`) makes a NUL without a NUL byte in the file.
  @Test func aNulEscapeInAYAMLHookIsALocatedError() throws {
    let fixture = try ProjectFixture([
      "project.yml": Self.project,
      "models/orders.sql": "select 1 as a\n",
      "models/_models.yml":
        "version: 2\nmodels:\n  - name: orders\n    config:\n      post_hook: \"delete from {{ this }} where a = 2\\0 and false\"\n",
    ])
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 1)
    #expect(
      result.stderr == """
        models/_models.yml:5:53: error: YAML value contains a NUL character (U+0000)
        5 |       post_hook: "delete from {{ this }} where a = 2\\0 and false"
          |                                                     ^~
        hint: libpq sends SQL as a C string: everything after a NUL would be silently dropped
        error: compile failed with 1 error

        """)
  }
}
