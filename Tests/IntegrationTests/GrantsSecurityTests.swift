import Adapter
import Foundation
import Postgres
import SwdbtTestSupport
import Testing

/// `grants` keys and roles: only privileges and quoted roles reach the server.
@Suite struct GrantsSecurityTests {
  @Test func aGrantsKeyCannotInjectSQLAndIsALocatedError() async throws {
    let fixture = try await DatabaseFixture(
      "inject",
      files: [
        "models/m.sql":
          "{{ config(materialized='table', grants={'select on CANARY2 to public; "
          + "drop table CANARY2; --': ['public']}) }}\nselect 1 as x\n",
        "models/y.sql": "select 2 as y\n",
        "models/_y.yml":
          "version: 2\nmodels:\n  - name: y\n    config:\n      grants:\n"
          + "        'select; drop table CANARY2; --': [public]\n",
      ])
    let canary = fixture.relation("canary2")
    _ = try fixture.connection.execute(
      "create schema \"\(fixture.schema)\"; create table \(canary) (x int)")
    // The model's text names the fixture's canary table.
    for path in ["models/m.sql", "models/_y.yml"] {
      try fixture.project.write(
        path, try fixture.project.read(path).replacing("CANARY2", with: canary))
    }
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "models/m.sql:1:33: error: unknown privilege `select on \(canary) to public; "
          + "drop table \(canary); --` in `grants`"), "\(result.stderr)")
    #expect(result.stderr.contains("models/_y.yml:5:7: error: unknown privilege `select; "))
    #expect(try fixture.scalar("select to_regclass('\(canary)')::text") != nil)
  }

  @Test func publicIsThePseudoRoleAndOddRoleNamesAreQuotedBothWays() async throws {
    let role = "it_Odd Role-\(UUID().uuidString.prefix(6).lowercased())"
    let fixture = try await DatabaseFixture(
      "public",
      files: [
        "models/m.sql":
          "{{ config(materialized='view', grants={'select': ['PUBLIC'], "
          + "'all privileges': ['\(role)']}) }}\nselect 1 as x\n"
      ])
    _ = try fixture.connection.execute("create role \(SQLQuoting.identifier(role))")
    defer {
      _ = try? fixture.connection.execute(
        "drop owned by \(SQLQuoting.identifier(role)); drop role \(SQLQuoting.identifier(role))")
    }
    let first = try fixture.swdbt(["run"])
    #expect(first.status == 0, "\(first.stderr)")
    let grantees = """
      select grantee || ' ' || lower(privilege_type) from information_schema.role_table_grants \
      where table_schema = '\(fixture.schema)' and table_name = 'm' and grantee <> current_user \
      order by 1
      """
    let granted = try fixture.rows(grantees).compactMap { $0[0] }
    #expect(granted.contains("PUBLIC select"))
    #expect(granted.contains("\(role) update"))
    // A second run with the same config changes nothing and fails on nothing.
    #expect(try fixture.swdbt(["run"]).status == 0)
    try fixture.project.write(
      "models/m.sql", "{{ config(materialized='view', grants={'select': []}) }}\nselect 1 as x\n")
    // A view is replaced in place and keeps its grants: the revoke path reads them back.
    let second = try fixture.swdbt(["run"])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(try fixture.rows(grantees).isEmpty)
  }
}
