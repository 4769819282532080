import Foundation
import SwdbtTestSupport
import Testing

/// dbt's exposures outside the docs site: read and checked by every command.
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
}
