import Foundation
import SwdbtTestSupport
import Testing

/// Generic tests are named as dbt names them: `<test>_<model>_<arguments>`, so the failing
/// column is in the name; only from 64 characters do the file and the relation get dbt's
/// shortened name (30 characters and an MD5), the node keeping the full one.
@Suite struct TestNamingTests {
  static let files: [String: String] = [
    "project.yml": "name: shop\n",
    "models/dim_customers.sql": "select 1 as customer_id, 'placed' as status, 'BR' as country\n",
    "models/fact_sales.sql": "select 1 as customer_id\n",
    "models/schema.yml": """
    version: 2
    models:
      - name: dim_customers
        columns:
          - name: status
            data_tests:
              - accepted_values: {values: [placed, shipped]}
          - name: country
            data_tests:
              - accepted_values: {values: [BR, FR, DE, US, GB, ES, PT, IT]}
      - name: fact_sales
        columns:
          - name: customer_id
            data_tests:
              - not_null
              - relationships: {to: ref('dim_customers'), field: customer_id}

    """,
  ]

  @Test func testsHaveDbtsReadableNamesAndLongOnesDbtsShortFileNames() throws {
    let fixture = try ProjectFixture(Self.files)
    let listed = try Executable.run(
      ["ls", "--resource-type", "test", "--output", "name"], in: fixture.root)
    #expect(listed.status == 0, "\(listed.stderr)")
    let names = listed.stdout.split(separator: "\n").map(String.init)
    #expect(
      names == [
        "accepted_values_dim_customers_country__BR__FR__DE__US__GB__ES__PT__IT",
        "accepted_values_dim_customers_status__placed__shipped",
        "not_null_fact_sales_customer_id",
        "relationships_fact_sales_customer_id__customer_id__ref_dim_customers_",
      ], "\(listed.stdout)")

    let compiled = try Executable.run(["compile"], in: fixture.root)
    #expect(compiled.status == 0, "\(compiled.stderr)")
    let folder = "target/compiled/shop/models/schema.yml/"
    #expect(fixture.exists(folder + "accepted_values_dim_customers_status__placed__shipped.sql"))
    // 69 characters: the first 30 of `<test>_<model>` and the full name's MD5, as dbt.
    let files = try FileManager.default.contentsOfDirectory(atPath: fixture.root + "/" + folder)
    #expect(files.contains("accepted_values_dim_customers_e8126a7de80aa8dd39d6b1ab0c6b5304.sql"))
    #expect(files.contains("relationships_fact_sales_544ec3fbc8a927546a36edafe911e656.sql"))
    #expect(files.contains("not_null_fact_sales_customer_id.sql"), "\(files)")
  }

  /// A test is selected by its name, as in dbt; its unique id is dbt's, with the hash of its
  /// name and metadata.
  @Test func testsAreSelectedByNameAndHaveDbtsUniqueIDs() throws {
    let fixture = try ProjectFixture(Self.files)
    let listed = try Executable.run(
      [
        "ls", "-s", "not_null_fact_sales_customer_id", "--output", "json", "--output-keys",
        "unique_id",
      ], in: fixture.root)
    #expect(listed.status == 0, "\(listed.stderr)")
    #expect(
      listed.stdout == "{\"unique_id\":\"test.shop.not_null_fact_sales_customer_id.39febb61fd\"}\n",
      "\(listed.stdout)")
  }
}
