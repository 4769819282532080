import Compiler
import Diagnostics
import Project
import SwdbtTestSupport
import Testing

/// A misspelt built-in macro is suggested like a project macro.
@Suite struct BuiltinMacroHintTests {
  @Test func misspeltBuiltInMacroGetsADidYouMean() throws {
    let fixture = try ProjectFixture([
      "project.yml": "name: shop\ntargets:\n  dev: {type: postgres, schema: dev}\n",
      "models/m.sql": "select {{ datedif('a', 'b', 'day') }}\n",
    ])
    let sink = CollectingSink()
    let loaded = try ProjectLoader.load(root: fixture.root, sink: sink)
    _ = Compiler.compile(loaded, sink: sink)
    #expect(
      sink.diagnostics.map { DiagnosticRenderer().render($0) } == [
        """
        models/m.sql:1:11: error: `datedif` is undefined
        1 | select {{ datedif('a', 'b', 'day') }}
          |           ^~~~~~~
        hint: did you mean `datediff`?

        """
      ])
  }
}
