import Foundation
import SwdbtTestSupport
import Testing

/// `merge_update_columns`, `merge_exclude_columns` and `incremental_predicates`, on the cases of
/// dbt's adapter suite (`dbt/tests/adapter/incremental/`).
@Suite struct IncrementalConfigTests {
  /// A model whose first run writes two rows and whose later runs change both and add a third.
  static func model(_ config: String) -> String {
    """
    {{ config(materialized='incremental', unique_key='id'\(config)) }}
    {% if not is_incremental() %}
    select 1 as id, 'hello' as msg, 'blue' as color
    union all select 2 as id, 'goodbye' as msg, 'red' as color
    {% else %}
    select 1 as id, 'hey' as msg, 'blue' as color
    union all select 2 as id, 'yo' as msg, 'green' as color
    union all select 3 as id, 'anyway' as msg, 'purple' as color
    {% endif %}

    """
  }

  /// Runs twice and returns the second run and the rows of `m`, ordered.
  static func runTwice(_ fixture: DatabaseFixture) throws -> (ProcessResult, [[String?]]) {
    let first = try fixture.swdbt(["run"])
    #expect(first.status == 0, "\(first.stderr)")
    let second = try fixture.swdbt(["run"])
    let rows = try fixture.rows(
      "select id, msg, color from \(fixture.relation("m")) order by id, msg")
    return (second, rows)
  }

  @Test func mergeExcludeColumnsKeepsTheExcludedColumn() async throws {
    let fixture = try await DatabaseFixture(
      "inc_exclude",
      files: [
        "models/m.sql": Self.model(
          ", incremental_strategy='merge', merge_exclude_columns=['MSG']")
      ])
    let (second, rows) = try Self.runTwice(fixture)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(
      rows == [["1", "hello", "blue"], ["2", "goodbye", "green"], ["3", "anyway", "purple"]])
  }

  @Test func mergeUpdateColumnsUpdatesOnlyThose() async throws {
    let fixture = try await DatabaseFixture(
      "inc_update",
      files: [
        "models/m.sql": Self.model(", incremental_strategy='merge', merge_update_columns=['color']")
      ])
    let (second, rows) = try Self.runTwice(fixture)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(
      rows == [["1", "hello", "blue"], ["2", "goodbye", "green"], ["3", "anyway", "purple"]])
  }

  @Test func mergeUpdateAndExcludeColumnsTogetherFailAndKeepTheTable() async throws {
    let fixture = try await DatabaseFixture(
      "inc_both",
      files: [
        "models/m.sql": Self.model(
          ", incremental_strategy='merge', merge_update_columns=['color'], "
            + "merge_exclude_columns=['msg']")
      ])
    let (second, rows) = try Self.runTwice(fixture)
    #expect(second.status == 1)
    #expect(
      second.stderr.contains(
        "`m` sets both `merge_update_columns` and `merge_exclude_columns`"),
      "\(second.stderr)")
    #expect(rows == [["1", "hello", "blue"], ["2", "goodbye", "red"]])
  }

  @Test func mergeUpdateColumnsNamingAMissingColumnFail() async throws {
    let fixture = try await DatabaseFixture(
      "inc_update_missing",
      files: [
        "models/m.sql": Self.model(
          ", incremental_strategy='merge', merge_update_columns=['colour']")
      ])
    let (second, rows) = try Self.runTwice(fixture)
    #expect(second.status == 1)
    #expect(
      second.stderr.contains("`merge_update_columns` names `colour`, which"), "\(second.stderr)")
    #expect(second.stderr.contains("did you mean `color`?"), "\(second.stderr)")
    #expect(rows == [["1", "hello", "blue"], ["2", "goodbye", "red"]])
  }

  /// dbt's `TestIncrementalPredicatesDeleteInsert` and `TestPredicatesDeleteInsert` (the older
  /// key `predicates`): the predicate protects id 2 from the delete.
  @Test(arguments: ["incremental_predicates", "predicates"])
  func deleteInsertPredicatesProtectRows(key: String) async throws {
    let fixture = try await DatabaseFixture(
      "inc_pred_\(key.prefix(3))",
      projectYAML: """
        models:
          it:
            +\(key): ["id != 2"]
            +incremental_strategy: delete+insert

        """,
      files: ["models/m.sql": Self.model("")])
    let (second, rows) = try Self.runTwice(fixture)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(
      rows == [
        ["1", "hey", "blue"], ["2", "goodbye", "red"], ["2", "yo", "green"],
        ["3", "anyway", "purple"],
      ])
  }

  /// In a merge the predicates join the `on` condition, with dbt's aliases for both sides.
  @Test func mergePredicatesNarrowTheMatch() async throws {
    let fixture = try await DatabaseFixture(
      "inc_pred_merge",
      files: [
        "models/m.sql": Self.model(
          ", incremental_strategy='merge', "
            + "incremental_predicates=['DBT_INTERNAL_DEST.id != 2 and DBT_INTERNAL_SOURCE.id > 0']")
      ])
    let (second, rows) = try Self.runTwice(fixture)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(
      rows == [
        ["1", "hey", "blue"], ["2", "goodbye", "red"], ["2", "yo", "green"],
        ["3", "anyway", "purple"],
      ])
  }

  @Test func predicatesWithoutAUniqueKeyWarn() async throws {
    let fixture = try await DatabaseFixture(
      "inc_pred_append",
      files: [
        "models/m.sql":
          "{{ config(materialized='incremental', incremental_predicates=['id > 1']) }}\n"
          + "select 1 as id, 'a' as msg, 'b' as color\n"
      ])
    let (second, rows) = try Self.runTwice(fixture)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(
      second.stderr.contains(
        "warning: `incremental_predicates` of `m` have no effect: the `append` strategy"),
      "\(second.stderr)")
    #expect(rows == [["1", "a", "b"], ["1", "a", "b"]])
  }
}
