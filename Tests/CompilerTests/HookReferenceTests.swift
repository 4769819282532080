import Diagnostics
import Project
import SwdbtTestSupport
import Testing

@testable import Compiler

/// A hook's `ref` is a dependency of its node, as in dbt: the hook reads it when the node runs.
@Suite struct HookReferenceTests {
  @Test func refsInHooksAreDependencies() throws {
    let fixture = try ProjectFixture([
      "project.yml": """
      name: shop
      targets:
        dev: {type: postgres, schema: dev}
      models:
        shop:
          hooked:
            +post_hook: "insert into audit select * from {{ ref('post') }}"
      """,
      "models/pre.sql": "select 'start' as s\n",
      "models/post.sql": "select 'end' as s\n",
      "models/hooked.sql": """
      {{ config(pre_hook=[{'sql': "insert into audit select * from {{ ref('pre') }}", 'transaction': false}]) }}
      select 1 as id
      """,
    ])
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    let compilation = try #require(Compiler.compile(loaded, sink: sink))
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let hooked = try #require(compilation.nodes.first { $0.name == "hooked" })
    #expect(Set(hooked.dependsOn) == ["model.shop.pre", "model.shop.post"])
    // The model's SQL is its own; the hooks are rendered when they run.
    #expect(hooked.sql?.hasSuffix("select 1 as id") == true)
    #expect(hooked.sql?.contains("insert") == false)
  }

  /// dbt's adapter suite (`BaseHookRefs`) writes `target.get(pass, "")` before the `ref`: the
  /// hook does not render while parsing, and its `ref` must still order the node after `post`.
  @Test func aRefAfterWhatFailsToRenderIsStillADependency() throws {
    let fixture = try ProjectFixture([
      "project.yml": """
      name: shop
      targets:
        dev: {type: postgres, schema: dev}
      models:
        shop:
          hooked:
            +post_hook: "insert into audit select '{{ target.get(pass, \\"\\") }}' from {{ ref('post') }}"
      """,
      "models/post.sql": "select 'end' as s\n",
      "models/hooked.sql": "select 1 as id\n",
    ])
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    let compilation = try #require(Compiler.compile(loaded, sink: sink))
    #expect(!sink.hasErrors, "\(sink.diagnostics.map(\.message))")
    let hooked = try #require(compilation.nodes.first { $0.name == "hooked" })
    #expect(hooked.dependsOn == ["model.shop.post"])
  }

  @Test func anUnknownRefInAHookIsAnError() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
      "models/hooked.sql":
        "{{ config(post_hook=\"select * from {{ ref('nowhere') }}\") }}\nselect 1 as id\n",
    ])
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    _ = Compiler.compile(loaded, sink: sink)
    #expect(sink.diagnostics.map(\.message).contains("unknown model `nowhere` in `ref`"))
  }

  @Test func aSeedHookCallingRefIsAnErrorAsInDbt() throws {
    let fixture = try ProjectFixture([
      "project.yml": """
      name: shop
      targets:
        dev: {type: postgres, schema: dev}
      seeds:
        +post_hook: ["select * from {{ ref('post') }}", "analyze {{ this }}"]
      """,
      "seeds/numbers.csv": "n\n1\n",
      "seeds/letters.csv": "l\na\n",
      "models/post.sql": "select 1 as id\n",
    ])
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    #expect(Compiler.compile(loaded, sink: sink) == nil)
    #expect(
      sink.diagnostics.map(\.message) == [
        "a hook of seed `letters` calls `ref('post')`; seeds cannot depend on other nodes",
        "a hook of seed `numbers` calls `ref('post')`; seeds cannot depend on other nodes",
      ])
    #expect(sink.diagnostics.first?.hint?.contains("Seeds cannot depend on other nodes") == true)
  }

  @Test func aSeedHookUsingOnlyThisCompiles() throws {
    let fixture = try ProjectFixture([
      "project.yml": """
      name: shop
      targets:
        dev: {type: postgres, schema: dev}
      seeds:
        +post_hook: "analyze {{ this }}"
      """,
      "seeds/numbers.csv": "n\n1\n",
    ])
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    #expect(Compiler.compile(loaded, sink: sink) != nil)
    #expect(!sink.hasErrors)
  }
}
