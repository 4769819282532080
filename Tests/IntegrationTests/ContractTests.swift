import Foundation
import SwdbtTestSupport
import Testing

@Suite struct ContractTests {
  static let schemaYAML = """
    version: 2
    models:
      - name: my_model
        config:
          contract:
            enforced: true
        columns:
          - name: id
            data_type: integer
            constraints:
              - type: not_null
              - type: primary_key
              - type: check
                expression: (id > 0)
          - name: color
            data_type: text
          - name: date_day
            data_type: varchar(10)

    """

  static func model(_ materialized: String, id: String = "1", color: String = "blue") -> String {
    """
    {{ config(materialized='\(materialized)') }}
    select '\(color)' as color, \(id) as id, '2019-01-01' as date_day

    """
  }

  static func constraints(_ fixture: DatabaseFixture, _ name: String) throws -> [[String?]] {
    try fixture.rows(
      "select conname, contype::text from pg_catalog.pg_constraint where conrelid = "
        + "'\(fixture.relation(name))'::regclass order by conname")
  }

  @Test func contractedTableIsCreatedFromDeclaredColumnsAndConstraints() async throws {
    let fixture = try await DatabaseFixture(
      "contract_table",
      files: [
        "models/schema.yml": Self.schemaYAML, "models/my_model.sql": Self.model("table"),
      ])
    for run in 1...2 {
      let result = try fixture.swdbt(["run"])
      #expect(result.status == 0, "run \(run): \(result.stderr)")
      // The YAML's order, not the query's; constraints named as for a table built in place,
      // on the second run (a swap) too.
      #expect(
        try fixture.rows(
          "select attname, format_type(atttypid, atttypmod), attnotnull::text "
            + "from pg_attribute where attrelid = '\(fixture.relation("my_model"))'::regclass "
            + "and attnum > 0 order by attnum")
          == [
            ["id", "integer", "true"], ["color", "text", "false"],
            ["date_day", "character varying(10)", "false"],
          ])
      #expect(
        try Self.constraints(fixture, "my_model")
          == [["my_model_id_check", "c"], ["my_model_pkey", "p"]])
      #expect(
        try fixture.rows("select id, color from \(fixture.relation("my_model"))")
          == [["1", "blue"]])
    }
  }

  @Test func constraintViolationFailsTheNodeKeepsTheOldTableAndSkipsDescendants() async throws {
    let fixture = try await DatabaseFixture(
      "contract_violation",
      files: [
        "models/schema.yml": Self.schemaYAML, "models/my_model.sql": Self.model("table"),
        "models/child.sql": "select * from {{ ref('my_model') }}\n",
      ])
    #expect(try fixture.swdbt(["run"]).status == 0)
    try fixture.project.write(
      "models/my_model.sql", Self.model("table", id: "cast(null as integer)", color: "red"))
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("null value in column \"id\""), "\(result.stderr)")
    #expect(result.stderr.contains("violates not-null constraint"))
    #expect(result.stdout.contains("SKIP model `child`: skipped because `my_model` failed"))
    #expect(
      try fixture.rows("select id, color from \(fixture.relation("my_model"))")
        == [["1", "blue"]])
    // A check constraint fails the node too.
    try fixture.project.write("models/my_model.sql", Self.model("table", id: "-1", color: "red"))
    #expect(try fixture.swdbt(["run"]).stderr.contains("violates check constraint"))
    #expect(
      try fixture.rows("select id, color from \(fixture.relation("my_model"))")
        == [["1", "blue"]])
  }

  @Test(arguments: ["table", "view", "incremental"])
  func contractMismatchIsOneLocatedErrorAndKeepsTheOldRelation(materialized: String)
    async throws
  {
    let fixture = try await DatabaseFixture(
      "contract_mismatch_\(materialized)",
      files: [
        "models/schema.yml": Self.schemaYAML, "models/my_model.sql": Self.model(materialized),
      ])
    let first = try fixture.swdbt(["run"])
    #expect(first.status == 0, "\(first.stderr)")
    try fixture.project.write(
      "models/my_model.sql",
      "{{ config(materialized='\(materialized)') }}\n"
        + "select 'x'::text as id, 1 as error, '2019-01-01' as date_day\n")
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 1)
    let expected = """
      models/schema.yml:3:11: error: the columns of `my_model` do not match its enforced contract
      3 |   - name: my_model
        |           ^~~~~~~~
      """
    #expect(result.stderr.contains(expected), "\(result.stderr)")
    #expect(
      result.stderr.contains(
        "`id`: data type mismatch: the query returns TEXT (dbt: STRING), the contract declares "
          + "INTEGER"))
    #expect(
      result.stderr.contains("`error`: missing in contract (the query returns it as INTEGER)"))
    #expect(result.stderr.contains("`color`: missing in definition"))
    #expect(result.stderr.contains("hint: change the model's query or its `columns:`"))
    #expect(
      try fixture.rows("select id, color from \(fixture.relation("my_model"))")
        == [["1", "blue"]])
  }

  @Test func foreignKeyToRefReferencesTheModelAndBuildsItFirst() async throws {
    let fixture = try await DatabaseFixture(
      "contract_fk",
      files: [
        "models/schema.yml": """
        version: 2
        models:
          - name: z_customers
            config: {contract: {enforced: true}}
            columns:
              - name: id
                data_type: int
                constraints: [{type: primary_key}]
          - name: orders
            config: {contract: {enforced: true}}
            constraints:
              - type: unique
                name: one_order_per_customer
                columns: [customer_id, order_id]
            columns:
              - name: order_id
                data_type: integer
                constraints: [{type: primary_key}]
              - name: customer_id
                data_type: integer
                constraints:
                  - type: foreign_key
                    to: ref('z_customers')
                    to_columns: [id]
              - name: amount
                data_type: numeric
                constraints:
                  - {type: check, name: positive_amount, expression: amount >= 0}

        """,
        "models/z_customers.sql": "{{ config(materialized='table') }}\nselect 7 as id\n",
        "models/orders.sql":
          "{{ config(materialized='incremental') }}\nselect 1 as order_id, 7 as customer_id, 2.5 as amount\n",
      ])
    let listed = try fixture.swdbt(["ls", "-s", "+orders"])
    #expect(listed.stdout.contains("z_customers"), "\(listed.stdout)\(listed.stderr)")
    let result = try fixture.swdbt(["run", "--threads", "4"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      try Self.constraints(fixture, "orders")
        == [
          ["one_order_per_customer", "u"], ["orders_customer_id_fkey", "f"],
          ["orders_pkey", "p"], ["positive_amount", "c"],
        ])
    #expect(
      try fixture.scalar(
        "select confrelid::regclass::text from pg_constraint where conname = "
          + "'orders_customer_id_fkey'") == "\(fixture.schema).z_customers")
    // Later incremental runs insert into the constrained table: a row breaking the foreign
    // key fails the node and the earlier rows stay.
    try fixture.project.write(
      "models/orders.sql",
      "{{ config(materialized='incremental') }}\nselect 2 as order_id, 8 as customer_id, 1.0 as amount\n"
    )
    let second = try fixture.swdbt(["run", "-s", "orders"])
    #expect(second.status == 1)
    #expect(second.stderr.contains("violates foreign key constraint"), "\(second.stderr)")
    #expect(try fixture.rows("select order_id from \(fixture.relation("orders"))") == [["1"]])
  }

  @Test func declarationErrorsAreLocated() async throws {
    let fixture = try await DatabaseFixture(
      "contract_declaration",
      files: [
        "models/schema.yml": """
        version: 2
        models:
          - name: my_model
            config: {contract: {enforced: true}}
            columns:
              - name: id
                constraints: [{type: not_nul}]

        """,
        "models/my_model.sql": "select 1 as id\n",
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("models/schema.yml:7:30: error: unknown constraint type `not_nul`"),
      "\(result.stderr)")
    #expect(result.stderr.contains("hint: did you mean `not_null`?"))
    try fixture.project.write(
      "models/schema.yml",
      "version: 2\nmodels:\n  - name: my_model\n    config: {contract: {enforced: true}}\n"
        + "    columns:\n      - name: id\n")
    let untyped = try fixture.swdbt(["run"])
    #expect(untyped.status == 1)
    #expect(
      untyped.stderr.contains(
        "models/schema.yml:6:15: error: `my_model` enforces a contract, which needs a "
          + "`data_type` on every column; missing on `id`"), "\(untyped.stderr)")
    #expect(try fixture.scalar("select to_regclass('\(fixture.relation("my_model"))')") == nil)
  }

  @Test func constraintsWithoutAnEnforcedContractWarn() async throws {
    let fixture = try await DatabaseFixture(
      "contract_unenforced",
      files: [
        "models/schema.yml": """
        version: 2
        models:
          - name: my_model
            columns:
              - name: id
                constraints: [{type: not_null}]

        """,
        "models/my_model.sql": "{{ config(materialized='table') }}\nselect 1 as id\n",
      ])
    let result = try fixture.swdbt(["run"])
    #expect(result.status == 0)
    #expect(
      result.stderr.contains(
        "models/schema.yml:6:23: warning: the constraints of `my_model` are applied only when "
          + "its contract is enforced"), "\(result.stderr)")
  }
}
