import Diagnostics
import Project
import SwdbtTestSupport
import Testing

@testable import Compiler

/// Models of one name in the root project and a package: `ref('package', 'name')` picks one,
/// a bare `ref` looks in the root project, then the node's own package, as dbt.
@Suite struct PackageRefTests {
  static let files: [String: String] = [
    "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
    "models/shared.sql": "select 'root' as origin\n",
    "models/from_root.sql":
      "select * from {{ ref('shared') }} union all select * from {{ ref('pkga', 'shared') }}\n",
    "dbt_packages/pkga/dbt_project.yml": "name: pkga\nmodels:\n  pkga:\n    +schema: pkga\n",
    "dbt_packages/pkga/models/shared.sql": "select 'pkga' as origin\n",
    "dbt_packages/pkga/models/helper.sql": "select 1 as one\n",
    "dbt_packages/pkga/models/from_pkga.sql":
      "select * from {{ ref('shared') }}, {{ ref('helper') }}, {{ ref('pkga', 'shared') }}\n",
  ]

  func compile(_ files: [String: String]) throws -> (Compilation?, CollectingSink) {
    let fixture = try ProjectFixture(files)
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    return (Compiler.compile(loaded, sink: sink), sink)
  }

  @Test func refsResolveByPackageThenRootThenOwnPackage() throws {
    let (compiled, sink) = try compile(Self.files)
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let compilation = try #require(compiled)
    #expect(
      compilation.node("model.shop.from_root")?.sql
        == "select * from \"dev\".\"shared\" union all select * from \"dev_pkga\".\"shared\"\n")
    // A bare `ref` from a package's model finds the root project's model first.
    #expect(
      compilation.node("model.pkga.from_pkga")?.sql
        == "select * from \"dev\".\"shared\", \"dev_pkga\".\"helper\", \"dev_pkga\".\"shared\"\n")
    #expect(
      compilation.node("model.pkga.from_pkga")?.dependsOn
        == ["model.pkga.helper", "model.pkga.shared", "model.shop.shared"])
  }

  @Test func refToAModelAPackageDoesNotHaveIsAnError() throws {
    var files = Self.files
    files["models/wrong.sql"] = "select * from {{ ref('pkga', 'from_root') }}\n"
    let (_, sink) = try compile(files)
    #expect(
      sink.diagnostics.map(\.message).contains("package `pkga` has no model `from_root`"),
      "\(sink.diagnostics.map(\.message))")
  }
}
