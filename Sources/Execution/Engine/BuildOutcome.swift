public import Diagnostics

/// What building one node did.
public struct BuildOutcome: Sendable {
  /// The last command tag (`SELECT 120`, `CREATE VIEW`, `COPY 12`).
  public var commandTag: String
  /// Rows written, when known.
  public var rowsAffected: Int?
  /// The progress line's text (`created table "s"."x"`).
  public var message: String
  /// Warnings found while building (NULLs in a unique key), and a microbatch model's failed
  /// batches.
  public var warnings: [Diagnostic] = []
  /// A microbatch model's batches, by outcome; nil for every other node.
  public var batches: BatchResults? = nil

  /// Creates an outcome.
  package init(
    commandTag: String, rowsAffected: Int?, message: String, warnings: [Diagnostic] = [],
    batches: BatchResults? = nil
  ) {
    self.commandTag = commandTag
    self.rowsAffected = rowsAffected
    self.message = message
    self.warnings = warnings
    self.batches = batches
  }
}
