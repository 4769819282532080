import Adapter
import Foundation
import Postgres
import SwdbtTestSupport
import Testing

/// A swap run by a role that is not a superuser, over a view another role owns: recreated
/// exactly when swdbt's role may give it back to its owner, else the node fails naming the
/// view and its owner, and the old table and the view stay.
@Suite struct DependentOwnerTests {
  /// A fixture whose target user is `builder` (login, no superuser, owner of the target
  /// schema) and whose `totals` table holds 1, read by the view `rv` that `reader` owns.
  struct Setup {
    var fixture: DatabaseFixture
    var builder: String
    var reader: String
    var view: String

    /// Drops the schema and both roles (roles belong to the whole cluster).
    func cleanUp() {
      _ = try? fixture.connection.execute(
        """
        drop schema if exists \(SQLQuoting.identifier(fixture.schema)) cascade;
        drop owned by \(reader), \(builder) cascade;
        drop role if exists \(reader); drop role if exists \(builder)
        """)
    }

    /// The view's owner, definition, privileges and rows, as a superuser sees them.
    func viewState() throws -> [String?] {
      let row = try fixture.rows(
        """
        select c.relowner::regrole::text, pg_get_viewdef(c.oid), c.relacl::text, \
        (select string_agg(x::text, ',') from \(view)) from pg_class c \
        where c.oid = '\(view)'::regclass
        """
      ).first
      return row ?? []
    }
  }

  /// Creates the roles and schema as a superuser, builds `totals` as `builder`, creates the
  /// view as a superuser and gives it to `reader`; `memberOfReader` makes `builder` a member
  /// of `reader`, `readerMayCreate` gives `reader` create on the schema.
  func setUp(_ name: String, memberOfReader: Bool, readerMayCreate: Bool) async throws -> Setup {
    let suffix = UUID().uuidString.prefix(6).lowercased()
    let builder = "it_builder_\(suffix)"
    let reader = "it_reader_\(suffix)"
    let model =
      "{{ config(materialized='table', grants={'select': ['\(reader)']}) }}\nselect 1 as x\n"
    let fixture = try await DatabaseFixture(name, files: ["models/totals.sql": model])
    let view = fixture.relation("rv")
    let setup = Setup(fixture: fixture, builder: builder, reader: reader, view: view)
    let schema = SQLQuoting.identifier(fixture.schema)
    _ = try fixture.connection.execute(
      """
      create role \(builder) login nosuperuser; create role \(reader) nologin;
      create schema \(schema) authorization \(builder);
      grant usage on schema \(schema) to \(reader);
      \(memberOfReader ? "grant \(reader) to \(builder);" : "")
      \(readerMayCreate ? "grant create on schema \(schema) to \(reader);" : "")
      """)
    do {
      try fixture.project.write(
        "project.yml",
        try fixture.project.read("project.yml").replacing(
          "user: swdbt", with: "user: \(builder)"))
      let first = try fixture.swdbt(["run"])
      try #require(first.status == 0, "\(first.stderr)")
      _ = try fixture.connection.execute(
        """
        create view \(view) as select x from \(fixture.relation("totals"));
        grant select on \(view) to public;
        alter view \(view) owner to \(reader)
        """)
      try fixture.project.write("models/totals.sql", model.replacing("select 1", with: "select 2"))
    } catch {
      setup.cleanUp()
      throw error
    }
    return setup
  }

  @Test func viewOfARoleTheBuilderIsAMemberOfIsRecreatedExactly() async throws {
    let setup = try await setUp("ownmember", memberOfReader: true, readerMayCreate: true)
    defer { setup.cleanUp() }
    let before = try setup.viewState()
    let result = try setup.fixture.swdbt(["run"])
    #expect(result.status == 0, "\(result.stderr)")
    let after = try setup.viewState()
    #expect(after.count == 4 && before.count == 4)
    #expect(Array(after.prefix(3)) == Array(before.prefix(3)))
    #expect(after.first == setup.reader)
    #expect(after.last == "2")
  }

  @Test func viewOfARoleTheBuilderIsNotAMemberOfFailsTheNodeNamingItsOwner() async throws {
    let setup = try await setUp("ownother", memberOfReader: false, readerMayCreate: true)
    defer { setup.cleanUp() }
    let before = try setup.viewState()
    let result = try setup.fixture.swdbt(["run"])
    #expect(result.status == 1)
    let totals = setup.fixture.relation("totals")
    let reader = setup.reader
    #expect(
      result.stderr.contains(
        """
        models/totals.sql: error: \(totals) cannot be replaced: view \(setup.fixture.schema).rv, \
        owned by `\(reader)`, depends on it and swdbt's role cannot act as `\(reader)` to \
        recreate it
        note: while building table \(totals); compiled SQL in target/compiled/it/models/totals.sql
        hint: swdbt recreates only views and materialized views it may own; change or drop what \
        is named (and recreate it after the run); \(totals) was left as it was

        """), "\(result.stderr)")
    #expect(try setup.viewState() == before)
    #expect(before.last == "1")
    #expect(try setup.fixture.scalar("select x from \(totals)") == "1")
  }

  @Test func viewOfAMemberRoleThatMayNotCreateInTheSchemaFailsTheNodeSayingSo() async throws {
    let setup = try await setUp("ownnocreate", memberOfReader: true, readerMayCreate: false)
    defer { setup.cleanUp() }
    let before = try setup.viewState()
    let result = try setup.fixture.swdbt(["run"])
    #expect(result.status == 1)
    let totals = setup.fixture.relation("totals")
    let reader = setup.reader
    let schema = setup.fixture.schema
    #expect(
      result.stderr.contains(
        """
        models/totals.sql: error: \(totals) cannot be replaced: view \(schema).rv, owned by \
        `\(reader)`, depends on it and swdbt's role cannot give the recreated view back to \
        `\(reader)`, who has no create privilege on schema `\(schema)`
        note: while building table \(totals); compiled SQL in target/compiled/it/models/totals.sql
        hint: swdbt recreates only views and materialized views it may own; change or drop what \
        is named (and recreate it after the run), or grant the owner create on the schema; \
        \(totals) was left as it was

        """), "\(result.stderr)")
    #expect(try setup.viewState() == before)
    #expect(before.last == "1")
    #expect(try setup.fixture.scalar("select x from \(totals)") == "1")
  }

  @Test func temporaryViewInAReadersSessionFailsTheNodeNamingItAndSurvives() async throws {
    let setup = try await setUp("owntemp", memberOfReader: true, readerMayCreate: true)
    defer { setup.cleanUp() }
    _ = try setup.fixture.connection.execute("alter role \(setup.reader) login")
    let session = try PostgresAdapter(
      info: ConnectionInfo(settings: [
        "host": setup.fixture.socketDirectory, "user": setup.reader, "dbname": "postgres",
      ])
    ).connect()
    defer { session.close() }
    let totals = setup.fixture.relation("totals")
    let temporarySchema = try #require(
      try session.execute(
        "create temporary view tv as select x from \(totals); "
          + "select nspname from pg_namespace where oid = pg_my_temp_schema()"
      ).scalar)
    let before = try setup.viewState()
    let result = try setup.fixture.swdbt(["run"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        """
        models/totals.sql: error: \(totals) cannot be replaced: temporary view \
        \(temporarySchema).tv of another session depends on it
        note: while building table \(totals); compiled SQL in target/compiled/it/models/totals.sql
        hint: swdbt recreates only views and materialized views it may own; change or drop what \
        is named (and recreate it after the run); \(totals) was left as it was

        """), "\(result.stderr)")
    #expect(try session.execute("select x from tv").scalar == "1")
    #expect(try setup.viewState() == before)
    #expect(try setup.fixture.scalar("select x from \(totals)") == "1")
  }

  /// A role without the database's create privilege cannot make the target schema: the error
  /// says which schema and how to fix it, instead of a bare `permission denied for database`.
  @Test func aSchemaTheRoleMayNotCreateIsNamedWithAHint() async throws {
    let suffix = UUID().uuidString.prefix(6).lowercased()
    let builder = "it_builder_\(suffix)"
    let fixture = try await DatabaseFixture(
      "noschema", files: ["models/totals.sql": "select 1 as x\n"])
    _ = try fixture.connection.execute("create role \(builder) login nosuperuser")
    defer { _ = try? fixture.connection.execute("drop role if exists \(builder)") }
    try fixture.project.write(
      "project.yml",
      try fixture.project.read("project.yml").replacing("user: swdbt", with: "user: \(builder)"))
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "error: cannot prepare the target: cannot create schema `\(fixture.schema)`: "
          + "permission denied for database"), "\(result.stderr)")
    #expect(
      result.stderr.contains(
        "hint: create it once as a role that may (`create schema \"\(fixture.schema)\" "
          + "authorization <target user>`)"), "\(result.stderr)")
  }
}
