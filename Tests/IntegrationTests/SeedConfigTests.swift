import Foundation
import SwdbtTestSupport
import Testing

/// Seed configs dbt users rely on (`delimiter`, `enabled`, `quote_columns`, `column_types`,
/// hooks), after dbt-tests-adapter's `simple_seed` cases.
@Suite struct SeedConfigTests {
  /// `"name:type"` for each column of a relation, in order.
  static func columns(_ fixture: DatabaseFixture, _ name: String) throws -> [String] {
    try fixture.rows(
      """
      select attname, format_type(atttypid, atttypmod) from pg_attribute
      where attrelid = '\(fixture.relation(name))'::regclass and attnum > 0 and not attisdropped
      order by attnum
      """
    ).map { "\($0[0] ?? ""):\($0[1] ?? "")" }
  }

  /// Whether a relation of the fixture's target exists.
  static func exists(_ fixture: DatabaseFixture, _ name: String) throws -> Bool {
    try fixture.scalar("select to_regclass('\(fixture.relation(name))') is not null") == "t"
  }

  @Test func pipeDelimiterLoadsEveryColumnAndQuotedFieldsKeepThePipe() async throws {
    let fixture = try await DatabaseFixture(
      "seeddelim",
      projectYAML: "seeds:\n  +quote_columns: false\n  +delimiter: '|'\n",
      files: [
        "seeds/pipes.csv":
          "seed_id|first_name|note\n1|Larry|\"a|b, c\"\n2|Anna|\"say \"\"hi\"\"\"\n3||\n",
        "models/downstream.sql": "select seed_id, first_name from {{ ref('pipes') }}\n",
      ])
    let seed = try fixture.swdbt(["seed"])
    #expect(seed.status == 0, "\(seed.stderr)")
    #expect(
      try Self.columns(fixture, "pipes") == ["seed_id:integer", "first_name:text", "note:text"])
    #expect(
      try fixture.rows(
        "select seed_id, first_name, note from \(fixture.relation("pipes")) order by 1")
        == [["1", "Larry", "a|b, c"], ["2", "Anna", "say \"hi\""], ["3", nil, nil]])
    let run = try fixture.swdbt(["run"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("downstream"))") == "3")
  }

  @Test func wrongDelimiterFailsAtTheHeaderAndLoadsNothing() async throws {
    let fixture = try await DatabaseFixture(
      "seedwrongdelim",
      projectYAML: "seeds:\n  +delimiter: ';'\n",
      files: ["seeds/pipes.csv": "seed_id|first_name\n1|Larry\n"])
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        """
        seeds/pipes.csv:1:8: error: the header is one column, `seed_id|first_name`, separated by \
        `|` rather than the `delimiter` `;`
        1 | seed_id|first_name
          |        ^
        hint: set `delimiter: '|'` in the seed's config
        """), "\(result.stderr)")
    #expect(try !Self.exists(fixture, "pipes"))
  }

  @Test func pipeFileWithoutADelimiterConfigFailsInsteadOfLoadingOneColumn() async throws {
    let fixture = try await DatabaseFixture(
      "seednodelim", files: ["seeds/pipes.csv": "a|b|c\n1|2|3\n"])
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "seeds/pipes.csv:1:2: error: the header is one column, `a|b|c`, separated by `|` "
          + "rather than the `delimiter` `,`"), "\(result.stderr)")
    #expect(try !Self.exists(fixture, "pipes"))
  }

  @Test(arguments: ["'||'", "''", "'\"'"])
  func delimiterThatIsNotOneCharacterIsALocatedConfigError(_ delimiter: String) async throws {
    let fixture = try await DatabaseFixture(
      "seedbaddelim",
      projectYAML: "seeds:\n  +delimiter: \(delimiter)\n",
      files: ["seeds/pipes.csv": "a|b\n1|2\n"])
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("project.yml:"), "\(result.stderr)")
    #expect(result.stderr.contains("error: `delimiter` must be"), "\(result.stderr)")
    #expect(try !Self.exists(fixture, "pipes"))
  }

  @Test func disabledSeedsAreNotLoadedNotListedAndNotReferable() async throws {
    let csv = "seed_id,first_name\n1,Larry\n"
    // dbt's `TestSimpleSeedEnabledViaConfig` and `TestSimpleSeedColumnOverride` layouts: a
    // folder-wide `enabled: false` that one seed turns back on.
    let fixture = try await DatabaseFixture(
      "seedenabled",
      projectYAML: """
        seeds:
          it:
            +enabled: false
            seed_enabled: {+enabled: true}
            seed_tricky: {+enabled: true}
            seed_yaml_off: {+enabled: true}
        """,
      files: [
        "seeds/seed_enabled.csv": csv, "seeds/seed_disabled.csv": csv,
        "seeds/seed_tricky.csv": csv, "seeds/seed_yaml_off.csv": csv,
        "seeds/props.yml":
          "version: 2\nseeds:\n  - name: seed_yaml_off\n    config: {enabled: false}\n",
      ])
    let seed = try fixture.swdbt(["seed"])
    #expect(seed.status == 0, "\(seed.stderr)")
    #expect(seed.stdout.contains("Running 2 seeds"), "\(seed.stdout)")
    #expect(try Self.exists(fixture, "seed_enabled"))
    #expect(try Self.exists(fixture, "seed_tricky"))
    #expect(try !Self.exists(fixture, "seed_disabled"))
    #expect(try !Self.exists(fixture, "seed_yaml_off"))
    let list = try fixture.swdbt(["ls", "--output", "name"])
    #expect(list.status == 0, "\(list.stderr)")
    #expect(list.stdout.split(separator: "\n").sorted() == ["seed_enabled", "seed_tricky"])

    try fixture.project.write(
      "models/uses_disabled.sql", "select * from {{ ref('seed_disabled') }}\n")
    let run = try fixture.swdbt(["run"])
    #expect(run.status == 1)
    #expect(
      run.stderr.contains(
        "models/uses_disabled.sql:1:18: error: `ref('seed_disabled')` points to a disabled seed"),
      "\(run.stderr)")
  }

  @Test func seedHooksRunInTheSeedsTransactionAndRunHooksRunForSeedAndTest() async throws {
    let fixture = try await DatabaseFixture(
      "seedhooks",
      projectYAML: """
        on-run-start: ["create table if not exists {{ target.schema }}.audit (event text)"]
        on-run-end: ["insert into {{ target.schema }}.audit values ('end')"]
        seeds:
          it:
            +pre-hook: "insert into {{ target.schema }}.audit values ('pre')"
            +post-hook: ["insert into {{ target.schema }}.audit select 'post ' || count(*) from {{ this }}"]
        """,
      files: ["seeds/people.csv": "id\n1\n2\n"])
    let seed = try fixture.swdbt(["seed"])
    #expect(seed.status == 0, "\(seed.stderr)")
    let audit = "select event from \"\(fixture.schema)\".audit"
    #expect(try fixture.rows(audit).map { $0[0] ?? "" } == ["pre", "post 2", "end"])

    // A failing post-hook rolls the load back with the rest of the seed's transaction.
    try fixture.project.write("seeds/people.csv", "id\n1\n2\n3\n")
    try fixture.project.write(
      "seeds/people.yml",
      "version: 2\nseeds:\n  - name: people\n    config: {post_hook: 'select 1/0'}\n")
    let failing = try fixture.swdbt(["seed"])
    #expect(failing.status == 1)
    #expect(failing.stderr.contains("division by zero"), "\(failing.stderr)")
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("people"))") == "2")
    #expect(
      try fixture.rows(audit).map { $0[0] ?? "" } == ["pre", "post 2", "end", "end"])

    // dbt runs `on-run-start`/`on-run-end` for `test` too.
    try fixture.project.write("seeds/people.yml", "")
    try fixture.project.write("tests/none.sql", "select 1 where false\n")
    let test = try fixture.swdbt(["test"])
    #expect(test.status == 0, "\(test.stderr)")
    #expect(try fixture.rows(audit).map { $0[0] ?? "" }.last == "end")
    #expect(try fixture.rows(audit).count == 5)
  }

  @Test func quoteColumnsFalseFoldsNamesAndColumnTypesMatchThem() async throws {
    let fixture = try await DatabaseFixture(
      "seedquote",
      projectYAML: """
        seeds:
          it:
            +quote_columns: false
            +column_types: {id: text, Amount: 'numeric(10,2)'}
        """,
      files: [
        "seeds/people.csv": "ID,Name,amount\n007,Ann,1.5\n",
        "models/names.sql": "select id, name, amount from {{ ref('people') }}\n",
      ])
    let seed = try fixture.swdbt(["seed"])
    #expect(seed.status == 0, "\(seed.stderr)")
    #expect(
      try Self.columns(fixture, "people") == ["id:text", "name:text", "amount:numeric(10,2)"])
    let run = try fixture.swdbt(["run"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      try fixture.rows("select id, name, amount from \(fixture.relation("names"))")
        == [["007", "Ann", "1.50"]])
  }

  @Test func quotedColumnsKeepTheirCaseAndColumnTypesMatchWhateverTheCase() async throws {
    let fixture = try await DatabaseFixture(
      "seedquotetrue",
      projectYAML: "seeds:\n  it:\n    +column_types: {id: text}\n",
      files: ["seeds/people.csv": "ID,Name\n007,Ann\n"])
    let seed = try fixture.swdbt(["seed"])
    #expect(seed.status == 0, "\(seed.stderr)")
    #expect(try Self.columns(fixture, "people") == ["ID:text", "Name:text"])
  }

  @Test func columnTypesKeyThatNamesNoColumnIsALocatedError() async throws {
    let fixture = try await DatabaseFixture(
      "seedtypeskey",
      projectYAML: "seeds:\n  it:\n    +column_types: {amount: integer, idd: text}\n",
      files: ["seeds/people.csv": "id,amount\n1,2\n"])
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        """
        seeds/people.csv:1:1: error: `column_types` names `idd`, which the seed does not have
        1 | id,amount
          | ^
        hint: did you mean `id`?
        """), "\(result.stderr)")
    #expect(try !Self.exists(fixture, "people"))
  }

  @Test func quoteColumnsFalseRejectsANameThatIsNoPlainIdentifier() async throws {
    let fixture = try await DatabaseFixture(
      "seedbadname",
      projectYAML: "seeds:\n  +quote_columns: false\n",
      files: ["seeds/people.csv": "id,first name,ID\n1,Ann,2\n"])
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "seeds/people.csv:1:4: error: column `first name` is not a plain identifier, which "
          + "`quote_columns: false` needs"), "\(result.stderr)")
    #expect(try !Self.exists(fixture, "people"))
  }

  @Test func quoteColumnsMustBeABoolean() async throws {
    let fixture = try await DatabaseFixture(
      "seedquotetype",
      projectYAML: "seeds:\n  +quote_columns: 'no'\n",
      files: ["seeds/people.csv": "id\n1\n"])
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("error: `quote_columns` must be `true` or `false`"),
      "\(result.stderr)")
  }

  @Test func simpleSeedFormatsOfDbtsSuiteLoad() async throws {
    // `TestSeedSpecificFormats`, `TestEmptySeed` and the seed half of
    // `TestSimpleSeedColumnOverride`.
    let big = "seed_id\n" + (0..<20000).map(String.init).joined(separator: "\n") + "\n"
    let fixture = try await DatabaseFixture(
      "seedformats",
      projectYAML: """
        seeds:
          it:
            +quote_columns: false
            seed_tricky:
              +column_types: {seed_id_str: text, looks_like_a_bool: text, looks_like_a_date: text}
        """,
      files: [
        "seeds/big_seed.csv": big,
        "seeds/seed.with.dots.csv": "seed_id\n1\n",
        "seeds/seed_unicode.csv": "seed_id\nUh – Oh\n",
        "seeds/empty_with_header.csv": "a,b,c",
        "seeds/seed_tricky.csv":
          "seed_id,seed_id_str,a_bool,looks_like_a_bool,a_date,looks_like_a_date,relative,weekday\n"
          + "1,1,true,true,2019-01-01 12:32:30,2019-01-01 12:32:30,tomorrow,Saturday\n"
          + "2,2,True,True,2019-01-01 12:32:31,2019-01-01 12:32:31,today,Sunday\n",
      ])
    let result = try fixture.swdbt(["seed"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("big_seed"))") == "20000")
    #expect(
      try fixture.scalar("select seed_id from \(fixture.relation("seed.with.dots"))") == "1")
    #expect(
      try fixture.scalar("select seed_id from \(fixture.relation("seed_unicode"))") == "Uh – Oh")
    #expect(
      try Self.columns(fixture, "empty_with_header") == ["a:text", "b:text", "c:text"])
    #expect(
      try Self.columns(fixture, "seed_tricky") == [
        "seed_id:integer", "seed_id_str:text", "a_bool:boolean", "looks_like_a_bool:text",
        "a_date:timestamp without time zone", "looks_like_a_date:text", "relative:text",
        "weekday:text",
      ])
  }
}
