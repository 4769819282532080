import Testing

@testable import Execution

/// `swdbt show`'s statement is dbt's `get_show_sql`: header, query, limit, in one text.
@Suite struct ShowQueryTests {
  @Test func theSQLHeaderOpensTheSameStatement() {
    let header = "with _variables as (\n    select 1 as my_variable\n)\n"
    #expect(
      ShowQuery.sql(compiled: "select my_variable from _variables", limit: 5, sqlHeader: header)
        == "with _variables as (\n    select 1 as my_variable\n)\n"
        + "select my_variable from _variables\nlimit 5")
  }

  @Test func withoutAHeaderOrALimitTheQueryIsUnchanged() {
    #expect(ShowQuery.sql(compiled: "select 1", limit: -1, sqlHeader: "  \n") == "select 1")
    #expect(ShowQuery.sql(compiled: "select 1", limit: 3) == "select 1\nlimit 3")
  }
}
