import Foundation
import SwdbtTestSupport
import Testing

/// Snapshots over three successive states of a seed, with the exact history rows each run
/// leaves: `now` marks a time the run took (a deletion, or any `check` time), `current` a
/// row still current.
@Suite struct SnapshotTests {
  /// Ann stays; Bob changes e-mail; Cy is deleted, then comes back; Dan arrives.
  static let states = [
    "id,email,updated_at\n1,a@x,2024-01-01\n2,b@x,2024-01-01\n3,c@x,2024-01-01\n",
    "id,email,updated_at\n1,a@x,2024-01-01\n2,b2@x,2024-02-01\n4,d@x,2024-02-01\n",
    "id,email,updated_at\n1,a@x,2024-01-01\n2,b2@x,2024-02-01\n3,c3@x,2024-03-01\n4,d@x,2024-02-01\n",
  ]

  struct Case: Sendable, CustomTestStringConvertible {
    let strategy: String
    let hardDeletes: String
    /// The history after the second and the third state.
    let second: [String]
    let third: [String]
    var testDescription: String { "\(strategy), \(hardDeletes)" }
  }

  static let cases = [
    Case(
      strategy: "timestamp", hardDeletes: "ignore",
      second: [
        "1|a@x|2024-01-01|current", "2|b@x|2024-01-01|2024-02-01", "2|b2@x|2024-02-01|current",
        "3|c@x|2024-01-01|current", "4|d@x|2024-02-01|current",
      ],
      third: [
        "1|a@x|2024-01-01|current", "2|b@x|2024-01-01|2024-02-01", "2|b2@x|2024-02-01|current",
        "3|c@x|2024-01-01|2024-03-01", "3|c3@x|2024-03-01|current", "4|d@x|2024-02-01|current",
      ]),
    Case(
      strategy: "timestamp", hardDeletes: "invalidate",
      second: [
        "1|a@x|2024-01-01|current", "2|b@x|2024-01-01|2024-02-01", "2|b2@x|2024-02-01|current",
        "3|c@x|2024-01-01|now", "4|d@x|2024-02-01|current",
      ],
      third: [
        "1|a@x|2024-01-01|current", "2|b@x|2024-01-01|2024-02-01", "2|b2@x|2024-02-01|current",
        "3|c@x|2024-01-01|now", "3|c3@x|2024-03-01|current", "4|d@x|2024-02-01|current",
      ]),
    Case(
      strategy: "timestamp", hardDeletes: "new_record",
      second: [
        "1|a@x|2024-01-01|current|False", "2|b@x|2024-01-01|2024-02-01|False",
        "2|b2@x|2024-02-01|current|False", "3|c@x|2024-01-01|now|False",
        "3|c@x|now|current|True", "4|d@x|2024-02-01|current|False",
      ],
      third: [
        "1|a@x|2024-01-01|current|False", "2|b@x|2024-01-01|2024-02-01|False",
        "2|b2@x|2024-02-01|current|False", "3|c@x|2024-01-01|now|False",
        "3|c3@x|2024-03-01|current|False", "3|c@x|now|2024-03-01|True",
        "4|d@x|2024-02-01|current|False",
      ]),
    Case(
      strategy: "check", hardDeletes: "ignore",
      second: [
        "1|a@x|now|current", "2|b@x|now|now", "2|b2@x|now|current", "3|c@x|now|current",
        "4|d@x|now|current",
      ],
      third: [
        "1|a@x|now|current", "2|b@x|now|now", "2|b2@x|now|current", "3|c@x|now|now",
        "3|c3@x|now|current", "4|d@x|now|current",
      ]),
    Case(
      strategy: "check", hardDeletes: "invalidate",
      second: [
        "1|a@x|now|current", "2|b@x|now|now", "2|b2@x|now|current", "3|c@x|now|now",
        "4|d@x|now|current",
      ],
      third: [
        "1|a@x|now|current", "2|b@x|now|now", "2|b2@x|now|current", "3|c@x|now|now",
        "3|c3@x|now|current", "4|d@x|now|current",
      ]),
    Case(
      strategy: "check", hardDeletes: "new_record",
      second: [
        "1|a@x|now|current|False", "2|b@x|now|now|False", "2|b2@x|now|current|False",
        "3|c@x|now|now|False", "3|c@x|now|current|True", "4|d@x|now|current|False",
      ],
      third: [
        "1|a@x|now|current|False", "2|b@x|now|now|False", "2|b2@x|now|current|False",
        "3|c@x|now|now|False", "3|c@x|now|now|True", "3|c3@x|now|current|False",
        "4|d@x|now|current|False",
      ]),
  ]

  static func snapshot(_ config: String, select: String = "id, email, updated_at") -> String {
    """
    {% snapshot people_history %}
    {{ config(unique_key='id', \(config)) }}
    select \(select) from {{ ref('people') }}
    {% endsnapshot %}

    """
  }

  /// The history as `id|email|valid_from|valid_to[|is_deleted]`.
  static func history(
    _ fixture: DatabaseFixture, deletions: Bool, from: String = "dbt_valid_from",
    to: String = "dbt_valid_to", current: String = "null"
  ) throws -> [String] {
    func day(_ column: String) -> String {
      "case when \(column) > '2025-01-01' then 'now' else to_char(\(column), 'YYYY-MM-DD') end"
    }
    let deleted = deletions ? " || '|' || dbt_is_deleted" : ""
    return try fixture.rows(
      """
      select id || '|' || email || '|' || \(day(from)) || '|' || \
      case when \(to) is null or \(to) = \(current) then 'current' else \(day(to)) end\(deleted)
      from \(fixture.relation("people_history")) order by id, \(from)
      """
    ).map { $0[0] ?? "NULL" }
  }

  @Test(arguments: cases)
  func strategiesAndHardDeletesKeepTheExactHistory(_ testCase: Case) async throws {
    let config =
      testCase.strategy == "timestamp"
      ? "strategy='timestamp', updated_at='updated_at'" : "strategy='check', check_cols=['email']"
    let fixture = try await DatabaseFixture(
      "snap_\(testCase.strategy)_\(testCase.hardDeletes)",
      files: [
        "seeds/people.csv": Self.states[0],
        "snapshots/people.sql": Self.snapshot(
          config + ", hard_deletes='\(testCase.hardDeletes)'"),
      ])
    let deletions = testCase.hardDeletes == "new_record"
    let first = try fixture.swdbt(["build"])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stderr.contains("created snapshot"), "\(first.stderr)")
    let initial = try Self.history(fixture, deletions: deletions)
    #expect(initial.count == 3)
    for (state, expected) in [(1, testCase.second), (2, testCase.third)] {
      try fixture.project.write("seeds/people.csv", Self.states[state])
      #expect(try fixture.swdbt(["seed"]).status == 0)
      let run = try fixture.swdbt(["snapshot"])
      #expect(run.status == 0, "\(run.stderr)")
      #expect(try Self.history(fixture, deletions: deletions) == expected, "state \(state + 1)")
    }
    // A run without changes writes nothing.
    let again = try fixture.swdbt(["snapshot"])
    #expect(again.stderr.contains("no change"), "\(again.stderr)")
    #expect(try Self.history(fixture, deletions: deletions) == testCase.third)
    // dbt's scd id: md5 of the key and the updated-at value.
    let scd = try fixture.scalar(
      """
      select count(*) from \(fixture.relation("people_history")) \
      where dbt_scd_id <> md5(coalesce(cast(id as varchar), '') || '|' || \
      coalesce(cast(dbt_updated_at as varchar), ''))
      """)
    // Deletion records hash the closed row's id with the time instead (one: Cy's).
    #expect(scd == (deletions ? "1" : "0"))
  }

  @Test func aFailedSnapshotLeavesTheTableAsItWas() async throws {
    let fixture = try await DatabaseFixture(
      "snap_fail",
      files: [
        "seeds/people.csv": Self.states[0],
        "snapshots/people.sql": Self.snapshot(
          "strategy='timestamp', updated_at='updated_at', "
            + "post_hook='select 1 / (count(*) - 5) from {{ this }}'"),
      ])
    #expect(try fixture.swdbt(["build"]).status == 0)
    try fixture.project.write("seeds/people.csv", Self.states[1])
    #expect(try fixture.swdbt(["seed"]).status == 0)
    // The hook divides by zero once the table has the new state's five rows.
    let failed = try fixture.swdbt(["snapshot"])
    #expect(failed.status != 0)
    #expect(failed.stderr.contains("division by zero"), "\(failed.stderr)")
    #expect(
      try Self.history(fixture, deletions: false) == [
        "1|a@x|2024-01-01|current", "2|b@x|2024-01-01|current", "3|c@x|2024-01-01|current",
      ])
  }

  @Test func aRepeatedKeyFailsBeforeWritingAnything() async throws {
    let fixture = try await DatabaseFixture(
      "snap_dupkey",
      files: [
        "seeds/people.csv": Self.states[0],
        "snapshots/people.sql": Self.snapshot("strategy='check', check_cols='all'"),
      ])
    #expect(try fixture.swdbt(["build"]).status == 0)
    try fixture.project.write(
      "seeds/people.csv",
      "id,email,updated_at\n1,a@x,2024-01-01\n2,b3@x,2024-01-01\n2,b4@x,2024-01-01\n")
    #expect(try fixture.swdbt(["seed"]).status == 0)
    let failed = try fixture.swdbt(["snapshot"])
    #expect(failed.status != 0)
    #expect(
      failed.stderr.contains(
        "the unique_key of snapshot `people_history` (`id`) is not unique: 1 key would get more "
          + "than one current row; nothing was written"), "\(failed.stderr)")
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("people_history"))") == "3")
  }

  @Test func twoConcurrentRunsWriteOneNewVersion() async throws {
    let fixture = try await DatabaseFixture(
      "snap_concurrent",
      files: [
        "seeds/people.csv": Self.states[0],
        "snapshots/people.sql": Self.snapshot("strategy='check', check_cols=['email']"),
      ])
    #expect(try fixture.swdbt(["build"]).status == 0)
    try fixture.project.write("seeds/people.csv", Self.states[1])
    #expect(try fixture.swdbt(["seed"]).status == 0)
    async let first = fixture.swdbt(["snapshot"])
    async let second = fixture.swdbt(["snapshot"])
    let results = try await [first, second]
    #expect(results.allSatisfy { $0.status == 0 }, "\(results.map(\.stderr))")
    #expect(
      try fixture.rows(
        """
        select id from \(fixture.relation("people_history")) where dbt_valid_to is null \
        group by id having count(*) > 1
        """
      ).isEmpty)
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("people_history"))") == "5")
  }

  @Test func nullKeyPartsAndCheckColumnsCompareAsValues() async throws {
    let fixture = try await DatabaseFixture(
      "snap_nulls",
      files: [
        "seeds/people.csv": "id,region,email\n1,,\n2,eu,b@x\n",
        "snapshots/people.sql":
          """
        {% snapshot people_history %}
        {{ config(unique_key=['id', 'region'], strategy='check', check_cols='all') }}
        select * from {{ ref('people') }}
        {% endsnapshot %}

        """,
      ])
    #expect(try fixture.swdbt(["build"]).status == 0)
    let again = try fixture.swdbt(["snapshot"])
    #expect(again.stderr.contains("no change"), "\(again.stderr)")
    try fixture.project.write("seeds/people.csv", "id,region,email\n1,,a@x\n2,eu,b@x\n")
    #expect(try fixture.swdbt(["seed"]).status == 0)
    let changed = try fixture.swdbt(["snapshot"])
    #expect(changed.stderr.contains("1 changed"), "\(changed.stderr)")
    #expect(
      try fixture.rows(
        """
        select id, email, dbt_valid_to is null from \(fixture.relation("people_history")) \
        order by id, dbt_valid_from
        """) == [["1", nil, "f"], ["1", "a@x", "t"], ["2", "b@x", "t"]])
  }

  @Test func metaColumnNamesValidToCurrentAndYAMLSnapshots() async throws {
    let fixture = try await DatabaseFixture(
      "snap_yaml",
      files: [
        "seeds/people.csv": Self.states[0],
        "snapshots/people.yml":
          """
        snapshots:
          - name: people_history
            relation: ref('people')
            description: People over time
            config:
              unique_key: id
              strategy: timestamp
              updated_at: updated_at
              snapshot_meta_column_names:
                dbt_valid_from: valid_from
                dbt_valid_to: valid_to
            columns:
              - name: id
                tests: [not_null]

        """,
      ])
    let first = try fixture.swdbt(["build"])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stderr.contains("not_null_people_history_id"), "\(first.stderr)")
    // `dbt_valid_to_current` set later: the current rows get it too.
    let yaml = try String(
      contentsOfFile: fixture.project.root + "/snapshots/people.yml", encoding: .utf8)
    try fixture.project.write(
      "snapshots/people.yml",
      yaml.replacing(
        "updated_at: updated_at\n",
        with: "updated_at: updated_at\n      dbt_valid_to_current: \"'9999-12-31'::date\"\n"))
    try fixture.project.write("seeds/people.csv", Self.states[1])
    #expect(try fixture.swdbt(["seed"]).status == 0)
    let run = try fixture.swdbt(["snapshot"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      try Self.history(
        fixture, deletions: false, from: "valid_from", to: "valid_to",
        current: "'9999-12-31'::date")
        == [
          "1|a@x|2024-01-01|current", "2|b@x|2024-01-01|2024-02-01",
          "2|b2@x|2024-02-01|current", "3|c@x|2024-01-01|current", "4|d@x|2024-02-01|current",
        ])
    #expect(
      try fixture.scalar(
        "select count(*) from \(fixture.relation("people_history")) where valid_to is null")
        == "0")
    let listed = try fixture.swdbt(["ls", "-s", "resource_type:snapshot"])
    #expect(listed.stdout.hasPrefix("it.people_history\n"), "\(listed.stdout)")
  }
}
