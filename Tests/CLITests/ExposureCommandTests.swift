import Foundation
import SwdbtTestSupport
import Testing

/// dbt's exposures outside the docs site: read and checked by every command, listed and
/// selected by `ls` and `build`, written to `manifest.json`.
@Suite struct ExposureCommandTests {
  static let exposures = """
    exposures:
      - name: sales
        label: Sales
        type: dashboard
        owner: {name: Ana, email: ana@example.com}
        maturity: high
        tags: [kpi]
        meta: {team: revenue}
        depends_on: [ref('mart')]
        charts:
          - title: Shares
            kind: table
            model: ref('mart')
            x: id
            y: [share]
            formats: {share: percent}

    """

  static let files = [
    "project.yml": "name: shop\n", "seeds/raw.csv": "id\n1\n2\n",
    "models/stg.sql": "select id from {{ ref('raw') }}\n",
    "models/marts/mart.sql": "select id, id / 4.0 as share from {{ ref('stg') }}\n",
    "models/other.sql": "select 1 as one\n",
    "models/marts/_exposures.yml": exposures,
  ]

  @Test func lsListsAndSelectsExposuresAsDbt() throws {
    let fixture = try ProjectFixture(Self.files)
    let listed = try Executable.run(["ls", "--resource-type", "exposure"], in: fixture.root)
    #expect(listed.stdout == "exposure:shop.sales\n", "\(listed.stderr)")
    let parents = try Executable.run(
      ["ls", "-s", "+exposure:sales", "--output", "name"], in: fixture.root)
    #expect(parents.stdout.split(separator: "\n").sorted() == ["mart", "raw", "sales", "stg"])
    let direct = try Executable.run(
      ["ls", "-s", "1+exposure:shop.sales", "--output", "name"], in: fixture.root)
    #expect(direct.stdout.split(separator: "\n").sorted() == ["mart", "sales"], "\(direct.stderr)")
    let byType = try Executable.run(
      ["ls", "-s", "resource_type:exposure", "--output", "path"], in: fixture.root)
    #expect(byType.stdout == "models/marts/_exposures.yml\n")
    let excluded = try Executable.run(
      ["ls", "--exclude", "exposure:sales", "--resource-type", "exposure"], in: fixture.root)
    #expect(excluded.stdout.isEmpty)
  }

  @Test func manifestHoldsExposuresAndTheirEdges() throws {
    let fixture = try ProjectFixture(Self.files)
    let parsed = try Executable.run(["parse"], in: fixture.root)
    #expect(parsed.status == 0, "\(parsed.stderr)")
    let data = Data(try fixture.read("target/manifest.json").utf8)
    let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let exposures = try #require(manifest["exposures"] as? [String: [String: Any]])
    let sales = try #require(exposures["exposure.shop.sales"])
    #expect(sales["resource_type"] as? String == "exposure")
    #expect(sales["package_name"] as? String == "shop")
    #expect(sales["path"] as? String == "marts/_exposures.yml")
    #expect(sales["original_file_path"] as? String == "models/marts/_exposures.yml")
    #expect(sales["fqn"] as? [String] == ["shop", "marts", "sales"])
    #expect(sales["label"] as? String == "Sales")
    #expect(sales["maturity"] as? String == "high")
    #expect(sales["tags"] as? [String] == ["kpi"])
    #expect(sales["owner"] as? [String: String] == ["name": "Ana", "email": "ana@example.com"])
    let dependsOn = try #require(sales["depends_on"] as? [String: [String]])
    #expect(dependsOn["nodes"] == ["model.shop.mart"])
    #expect((sales["refs"] as? [[String: Any]])?.first?["name"] as? String == "mart")
    let meta = try #require(sales["meta"] as? [String: Any])
    #expect(meta["team"] as? String == "revenue")
    let charts = try #require((meta["swdbt"] as? [String: Any])?["charts"] as? [[String: Any]])
    #expect(charts.first?["formats"] as? [String: String] == ["share": "percent"])
    #expect(sales["created_at"] is Double)
    let parentMap = try #require(manifest["parent_map"] as? [String: [String]])
    #expect(parentMap["exposure.shop.sales"] == ["model.shop.mart"])
    let childMap = try #require(manifest["child_map"] as? [String: [String]])
    #expect(childMap["model.shop.mart"] == ["exposure.shop.sales"])
    #expect(childMap["exposure.shop.sales"] == [])
  }

  @Test func everyCommandReportsAnExposureMistakeAtItsLine() throws {
    var files = Self.files
    files["models/marts/_exposures.yml"] = Self.exposures
      .replacingOccurrences(of: "maturity: high", with: "maturity: hihg")
      .replacingOccurrences(of: "share: percent", with: "share: percnet")
    let fixture = try ProjectFixture(files)
    for command in [["parse"], ["compile"], ["ls"], ["build", "--empty"]] {
      let result = try Executable.run(command, in: fixture.root)
      #expect(result.status == 1, "\(command)")
      #expect(
        result.stderr.contains(
          "models/marts/_exposures.yml:6:15: error: unknown maturity `hihg`"),
        "\(command): \(result.stderr)")
      #expect(
        result.stderr.contains(
          "models/marts/_exposures.yml:16:26: error: unknown format `percnet` for column `share`"),
        "\(command): \(result.stderr)")
      #expect(result.stderr.contains("did you mean `percent`?"), "\(result.stderr)")
    }
  }

  @Test func buildOfAnExposuresParentsBuildsWhatItReads() async throws {
    let database = try await DatabaseFixture("exposure_build", files: Self.files)
    let built = try database.swdbt(["build", "-s", "+exposure:sales"])
    #expect(built.status == 0, "\(built.stderr)")
    let relations = try database.rows(
      "select c.relname from pg_class c join pg_namespace s on s.oid = c.relnamespace "
        + "where s.nspname = '\(database.schema)' order by 1")
    #expect(relations.map { $0.first ?? nil } == ["mart", "raw", "stg"])
  }

  /// A mistake in a metric or a semantic model is reported by every command that loads the
  /// project, as by `dbt parse`, even in a project without exposures.
  @Test func everyCommandReportsAMetricMistakeAtItsLine() throws {
    var files = Self.files
    files["models/marts/_exposures.yml"] = nil
    files["models/marts/_metrics.yml"] = """
      semantic_models:
        - name: marts
          model: ref('mart')
          entities: [{name: id, type: primary}]
          measures: [{name: total_share, agg: sum, expr: share}]
      metrics:
        - name: share_total
          label: Share
          type: simple
          type_params: {measure: total_shar}

      """
    let fixture = try ProjectFixture(files)
    for command in [["parse"], ["compile"], ["ls"], ["build", "--empty"]] {
      let result = try Executable.run(command, in: fixture.root)
      #expect(result.status == 1, "\(command)")
      #expect(
        result.stderr.contains("models/marts/_metrics.yml:10:"),
        "\(command): \(result.stderr)")
      #expect(result.stderr.contains("total_shar"), "\(command): \(result.stderr)")
    }
  }
}
