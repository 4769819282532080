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

  /// PostgreSQL cuts identifiers to 63 bytes: two long names sharing them would be one table.
  @Test func aRelationNameOverPostgresLimitIsAnError() throws {
    let long = String(repeating: "x", count: 60) + "_one"
    let fixture = try ProjectFixture([
      "project.yml": Self.project,
      "models/\(long).sql": "select 1 as a\n",
      "models/short.sql":
        "{{ config(schema='\(String(repeating: "s", count: 61))') }}\nselect 1 as a\n",
    ])
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 1)
    #expect(
      result.stderr == """
        models/short.sql:1:11: error: schema name `dev_\(String(repeating: "s", count: 61))` is 65 bytes long, over PostgreSQL's limit of 63
        1 | {{ config(schema='\(String(repeating: "s", count: 61))') }}
          |           ^~~~~~
        hint: PostgreSQL would silently cut it to its first 63 bytes, which another name may share; set a shorter custom `schema`
        models/\(long).sql:1:1: error: relation name `\(long)` is 64 bytes long, over PostgreSQL's limit of 63
        1 | select 1 as a
          | ^
        hint: PostgreSQL would silently cut it to its first 63 bytes, which another name may share; rename the file or set a shorter `alias`
        error: compile failed with 2 errors

        """)
  }

  /// A seed and a model of one name, or two aliases, would overwrite each other every run.
  @Test func twoNodesBuiltAsOneRelationAreOneErrorNamingBoth() throws {
    let fixture = try ProjectFixture([
      "project.yml": Self.project,
      "seeds/orders.csv": "id\n1\n",
      "models/orders.sql": "select 1 as id\n",
      "models/first.sql": "{{ config(alias='shared') }}\nselect 1 as a\n",
      "models/second.sql": "{{ config(alias='shared') }}\nselect 2 as a\n",
    ])
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 1)
    #expect(
      result.stderr == """
        models/second.sql:1:11: error: model `second` and model `first` are both built as `"dev"."shared"`
        1 | {{ config(alias='shared') }}
          |           ^~~~~
        models/first.sql:1:11: note: model `first` is defined in models/first.sql
        1 | {{ config(alias='shared') }}
          |           ^~~~~
        hint: each run would overwrite the other's relation; give one of them another `alias` or `schema`
        seeds/orders.csv:1:1: error: seed `orders` and model `orders` are both built as `"dev"."orders"`
        1 | id
          | ^~
        models/orders.sql:1:1: note: model `orders` is defined in models/orders.sql
        1 | select 1 as id
          | ^
        hint: each run would overwrite the other's relation; give one of them another `alias` or `schema`
        error: compile failed with 2 errors

        """)
  }

  /// `ref('orders')` cannot tell a model from a seed of one name, even in other schemas.
  @Test func aModelAndASeedOfOneNameAreAnErrorEvenInOtherSchemas() throws {
    let fixture = try ProjectFixture([
      "project.yml": Self.project,
      "seeds/orders.csv": "id\n1\n",
      "models/orders.sql": "{{ config(schema='other') }}\nselect 1 as id\n",
    ])
    let result = try Executable.run(["compile"], in: fixture.root)
    #expect(result.status == 1)
    #expect(
      result.stderr == """
        models/orders.sql:1:1: error: model `orders` has the same name as seed `orders`, so `ref('orders')` is ambiguous
        1 | {{ config(schema='other') }}
          | ^
        seeds/orders.csv:1:1: note: the seed is defined here
        1 | id
          | ^~
        hint: rename the model's file or the seed's file
        error: compile failed with 1 error

        """)
  }
}
