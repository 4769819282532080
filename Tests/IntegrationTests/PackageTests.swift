import Foundation
import SwdbtTestSupport
import Testing

/// dbt packages: installed by `swdbt deps` from a `local:` path and a `git:` `file://`
/// repository, then built with the project: dispatched macros, generic tests, models, seeds,
/// vars, a nested package, and root configs over the package's.
@Suite struct PackageTests {
  /// A small utilities package (with a nested one) and a project using it.
  static func files(packagesYAML: String, projectYAML: String = "") -> [String: String] {
    [
      "pkgs/shared_utils/dbt_project.yml": """
      name: shared_utils
      require-dbt-version: [">=1.3.0", "<3.0.0"]
      vars:
        shared_utils_factor: 2
        shared_utils_label: package
      models:
        shared_utils:
          +materialized: table
      """,
      "pkgs/shared_utils/packages.yml": "packages:\n  - local: ../nested_pkg\n",
      "pkgs/shared_utils/macros/units.sql": """
      {% macro to_units(column) %}{{ return(adapter.dispatch('to_units', 'shared_utils')(column)) }}{% endmacro %}
      {% macro default__to_units(column) %}({{ column }} / 10){% endmacro %}
      {% macro postgres__to_units(column) %}({{ column }} / 100){% endmacro %}
      {% macro label() %}'{{ helper_suffix() }}'{% endmacro %}
      {% macro helper_suffix() %}pkg{% endmacro %}
      """,
      "pkgs/shared_utils/macros/at_most.sql": """
      {% test at_most(model, column_name, value) %}
      select * from {{ model }} where {{ column_name }} > {{ value }}
      {% endtest %}
      """,
      "pkgs/shared_utils/models/util_numbers.sql": """
      select n * {{ var('shared_utils_factor') }} as n, '{{ var('shared_utils_label') }}' as label,
        {{ nested_pkg.one() }} as one, '{{ project_name }}' as root_project
      from {{ ref('util_codes') }}
      """,
      "pkgs/shared_utils/models/schema.yml": """
      version: 2
      models:
        - name: util_numbers
          columns:
            - name: n
              tests: [not_null]
      """,
      "pkgs/shared_utils/seeds/util_codes.csv": "n\n1\n2\n3\n",
      "pkgs/nested_pkg/dbt_project.yml": "name: nested_pkg\n",
      "pkgs/nested_pkg/macros/one.sql": "{% macro one() %}1{% endmacro %}\n",
      "packages.yml": packagesYAML,
      "models/amounts.sql": """
      {{ config(materialized='table') }}
      select amount, {{ shared_utils.to_units('amount') }} as units, {{ shared_utils.label() }} as l
      from (values (250), (1500)) as t(amount)
      """,
      "models/schema.yml": """
      version: 2
      models:
        - name: amounts
          columns:
            - name: units
              tests:
                - shared_utils.at_most:
                    value: 5
      """,
    ]
  }

  @Test func localPackageIsInstalledBuiltAndTested() async throws {
    let fixture = try await DatabaseFixture(
      "pkglocal",
      projectYAML: "vars:\n  shared_utils:\n    shared_utils_label: root\n",
      files: Self.files(packagesYAML: "packages:\n  - local: pkgs/shared_utils\n"))
    let deps = try fixture.swdbt(["deps"])
    #expect(deps.status == 0, "\(deps.stderr)")
    #expect(fixture.project.exists("dbt_packages/shared_utils/dbt_project.yml"))
    #expect(fixture.project.exists("dbt_packages/nested_pkg/macros/one.sql"))
    let lock = try fixture.project.read("package-lock.yml")
    #expect(lock.contains("- local: pkgs/shared_utils"))
    #expect(lock.contains("sha1_hash: "))

    let build = try fixture.swdbt(["build"])
    // The package's generic test fails on one row (15 > 5); everything else passes.
    #expect(build.status != 0)
    let output = build.stdout + build.stderr
    #expect(output.contains("shared_utils_at_most_amounts_units__5"), "\(output)")
    #expect(output.contains("1 failing row") || output.contains("Got 1 result"), "\(output)")
    // Dispatch: the package's `postgres__` implementation before its `default__`.
    #expect(
      try fixture.rows("select amount::text, units::text, l from \(fixture.relation("amounts"))")
        == [["250", "2", "pkg"], ["1500", "15", "pkg"]])
    // The package's model and seed, with its vars scoped by the root project and its nested
    // package's macro.
    #expect(
      try fixture.rows(
        "select n::text, label, one::text from \(fixture.relation("util_numbers")) order by n")
        == [["2", "root", "1"], ["4", "root", "1"], ["6", "root", "1"]])
    let manifest = try fixture.project.read("target/manifest.json")
    #expect(manifest.contains("\"model.shared_utils.util_numbers\""))
    #expect(manifest.contains("\"package_name\":\"shared_utils\""))
    // Paths relative to the package, compiled SQL below the package's name, as dbt.
    #expect(manifest.contains("\"original_file_path\":\"models/util_numbers.sql\""))
    #expect(!manifest.contains("\"original_file_path\":\"dbt_packages/"))
    #expect(manifest.contains("\"fqn\":[\"shared_utils\",\"util_numbers\"]"))
    #expect(fixture.project.exists("target/compiled/shared_utils/models/util_numbers.sql"))
    #expect(
      fixture.project.exists(
        "target/compiled/shared_utils/models/schema.yml/not_null_util_numbers_n.sql"))
    #expect(fixture.project.exists("target/compiled/it/models/amounts.sql"))
    let paths = try fixture.swdbt([
      "ls", "--select", "shared_utils.util_numbers", "--output", "path",
    ])
    #expect(
      paths.stdout.split(separator: "\n") == ["models/util_numbers.sql", "models/schema.yml"],
      "\(paths.stdout)")

    let listed = try fixture.swdbt(["ls", "--select", "package:shared_utils"])
    #expect(listed.status == 0, "\(listed.stderr)")
    #expect(listed.stdout.contains("shared_utils.util_numbers"), "\(listed.stdout)")
    #expect(!listed.stdout.contains("amounts"), "\(listed.stdout)")
  }

  @Test func rootProjectDisablesPackageModelsAndOrdersDispatch() async throws {
    let fixture = try await DatabaseFixture(
      "pkgroot",
      projectYAML: """
        models:
          shared_utils:
            +enabled: false
        dispatch:
          - macro_namespace: shared_utils
            search_order: [it, shared_utils]
        """,
      files: Self.files(packagesYAML: "packages:\n  - local: pkgs/shared_utils\n").merging([
        "macros/units.sql": "{% macro default__to_units(column) %}({{ column }} / 50){% endmacro %}"
      ]) { $1 })
    #expect(try fixture.swdbt(["deps"]).status == 0)
    let run = try fixture.swdbt(["run"])
    #expect(run.status == 0, "\(run.stderr)")
    // The root project's `default__` comes first in its search order.
    #expect(
      try fixture.rows("select units::text from \(fixture.relation("amounts")) order by 1")
        == [["30"], ["5"]])
    #expect(
      try fixture.scalar("select to_regclass('\(fixture.relation("util_numbers"))')::text") == nil)
  }

  @Test func gitPackageFromAFileURLIsInstalledAtItsRevision() async throws {
    let fixture = try await DatabaseFixture(
      "pkggit", files: Self.files(packagesYAML: "packages: []\n"))
    let repository = fixture.project.root + "/pkgs/shared_utils"
    for command in [
      ["init", "-q"], ["add", "-A"],
      ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1"], ["tag", "v1"],
    ] {
      let git = Process()
      git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      git.arguments = ["git", "-C", repository] + command
      try git.run()
      git.waitUntilExit()
      #expect(git.terminationStatus == 0)
    }
    // The nested package is declared relative to the clone, so declare it here too.
    try fixture.project.write(
      "packages.yml",
      "packages:\n  - git: file://\(repository)\n    revision: v1\n  - local: pkgs/nested_pkg\n")
    try fixture.project.write("pkgs/shared_utils/packages.yml", "packages: []\n")
    let deps = try fixture.swdbt(["deps"])
    #expect(deps.status == 0, "\(deps.stderr)")
    #expect(fixture.project.exists("dbt_packages/shared_utils/macros/units.sql"))
    #expect(!fixture.project.exists("dbt_packages/shared_utils/.git"))
    #expect(try fixture.project.read("package-lock.yml").contains("revision: "))
    let run = try fixture.swdbt(["run", "--select", "amounts"])
    #expect(run.status == 0, "\(run.stderr)")
  }

  @Test func tarballPackageIsInstalledAndItsModelsAreInTheDocsSite() async throws {
    let fixture = try await DatabaseFixture(
      "pkgtar", files: Self.files(packagesYAML: "packages: []\n"))
    // A release archive as hubs serve them: one top folder holding the package.
    try fixture.project.write("pkgs/shared_utils/packages.yml", "packages: []\n")
    let tar = Process()
    tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    tar.arguments = [
      "tar", "-czf", fixture.project.root + "/shared_utils-1.0.tar.gz", "-C",
      fixture.project.root + "/pkgs", "shared_utils",
    ]
    try tar.run()
    tar.waitUntilExit()
    #expect(tar.terminationStatus == 0)
    try fixture.project.write(
      "packages.yml",
      "packages:\n  - tarball: shared_utils-1.0.tar.gz\n    name: shared_utils\n"
        + "  - local: pkgs/nested_pkg\n")
    let deps = try fixture.swdbt(["deps"])
    #expect(deps.status == 0, "\(deps.stderr)")
    #expect(fixture.project.exists("dbt_packages/shared_utils/models/util_numbers.sql"))
    #expect(try fixture.project.read("package-lock.yml").contains("tarball: "))
    #expect(try fixture.swdbt(["seed"]).status == 0)
    let run = try fixture.swdbt(["run"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try fixture.scalar("select count(*) from \(fixture.relation("util_numbers"))") == "3")
    // `project_name` in a package's model is the root project's, as dbt documents it.
    #expect(
      try fixture.scalar("select distinct root_project from \(fixture.relation("util_numbers"))")
        == "it")
    let docs = try fixture.swdbt(["docs", "generate"])
    #expect(docs.status == 0, "\(docs.stderr)")
    let site = try fixture.project.read("target/docs/data.js")
    #expect(site.contains("model.shared_utils.util_numbers"))
  }

  @Test func unreachablePackageSaysWhatToDo() async throws {
    let fixture = try await DatabaseFixture(
      "pkgnet",
      files: Self.files(
        packagesYAML:
          "packages:\n  - git: https://invalid.invalid/x/y.git\n"))
    let deps = try fixture.swdbt(["deps"])
    #expect(deps.status != 0)
    #expect(deps.stderr.contains("cannot install git package `https://invalid.invalid/x/y.git`"))
    #expect(deps.stderr.contains("put the package's files in `dbt_packages/<name>/`"))
    try fixture.project.write(
      "packages.yml", "packages:\n  - package: dbt-labs/dbt_utils\n    version: [\">=1.0.0\"]\n")
    let hubDeps = try fixture.swdbt(["deps"], environment: ["https_proxy": "http://127.0.0.1:9"])
    #expect(hubDeps.status != 0)
    #expect(hubDeps.stderr.contains("package `dbt-labs/dbt_utils`"), "\(hubDeps.stderr)")
    #expect(hubDeps.stderr.contains("dbt_packages/"), "\(hubDeps.stderr)")
    // Already installed at a version in range: kept, with a note, and locked.
    try fixture.project.write(
      "dbt_packages/dbt_utils/dbt_project.yml", "name: dbt_utils\nversion: '1.3.0'\n")
    let kept = try fixture.swdbt(["deps"], environment: ["https_proxy": "http://127.0.0.1:9"])
    #expect(kept.status == 0, "\(kept.stderr)")
    #expect(kept.stderr.contains("keeping `dbt-labs/dbt_utils` 1.3.0"), "\(kept.stderr)")
    #expect(try fixture.project.read("package-lock.yml").contains("version: 1.3.0"))
    #expect(fixture.project.exists("dbt_packages/dbt_utils/dbt_project.yml"))
    try fixture.project.write(
      "dbt_packages/dbt_utils/dbt_project.yml", "name: dbt_utils\nversion: '0.9.0'\n")
    let tooOld = try fixture.swdbt(["deps"], environment: ["https_proxy": "http://127.0.0.1:9"])
    #expect(tooOld.status != 0)
  }
}
