import Adapter
import Execution

/// PostgreSQL's transactions: every build is one, retried when it lost a race.
extension StatementFailure {
  /// Deadlocks, serialization failures, a relation dropped by a concurrent transaction
  /// between being found and being read, and failures marked transient.
  var shouldRetry: Bool {
    if isTransient { return true }
    switch error.sqlState {
    case "40P01", "40001": return true
    case "XX000": return error.message.hasPrefix("could not open relation with OID")
    default: return false
    }
  }
}

extension StatementRunner {
  /// Runs `body` in a transaction, retrying it (twice at most) when it lost a race with a
  /// concurrent transaction.
  func retryingTransaction<T>(_ body: () throws(StatementFailure) -> T) throws(StatementFailure)
    -> T
  {
    var attempt = 1
    while true {
      do {
        return try transaction(body)
      } catch {
        guard attempt < 3, error.shouldRetry else { throw error }
        attempt += 1
      }
    }
  }

  /// Runs `body` in a transaction; rolls back on failure.
  func transaction<T>(_ body: () throws(StatementFailure) -> T) throws(StatementFailure) -> T {
    try run("begin")
    do {
      let value = try body()
      try run("commit")
      return value
    } catch {
      _ = try? connection.execute("rollback")
      throw error
    }
  }
}
