import Synchronization

/// Receives diagnostics as stages emit them; stages keep going after recoverable problems.
public protocol DiagnosticSink: Sendable {
  /// Records one diagnostic.
  func emit(_ diagnostic: Diagnostic)
}

/// A thread-safe sink that keeps every diagnostic, for the CLI and for tests.
public final class CollectingSink: DiagnosticSink {
  private let storage = Mutex<[Diagnostic]>([])

  /// Creates an empty sink.
  public init() {}

  /// Records one diagnostic.
  public func emit(_ diagnostic: Diagnostic) {
    storage.withLock { $0.append(diagnostic) }
  }

  /// Records several diagnostics.
  public func emit(contentsOf diagnostics: [Diagnostic]) {
    guard !diagnostics.isEmpty else { return }
    storage.withLock { $0.append(contentsOf: diagnostics) }
  }

  /// Everything recorded so far, sorted by file, position, then message for stable output.
  public var diagnostics: [Diagnostic] {
    storage.withLock { $0 }.sorted(by: Diagnostic.presentationOrder)
  }

  /// Whether any error has been recorded.
  public var hasErrors: Bool { storage.withLock { $0.contains { $0.severity == .error } } }

  /// The number of recorded diagnostics of one severity.
  public func count(of severity: Diagnostic.Severity) -> Int {
    storage.withLock { $0.filter { $0.severity == severity }.count }
  }
}

extension Diagnostic {
  /// Orders diagnostics by file path, then offset, then message, so output is deterministic
  /// even though stages emit from many threads.
  public static func presentationOrder(_ lhs: Diagnostic, _ rhs: Diagnostic) -> Bool {
    let leftPath = lhs.filePath ?? ""
    let rightPath = rhs.filePath ?? ""
    if leftPath != rightPath { return leftPath < rightPath }
    let leftOffset = lhs.range?.span.start ?? -1
    let rightOffset = rhs.range?.span.start ?? -1
    if leftOffset != rightOffset { return leftOffset < rightOffset }
    return lhs.message < rhs.message
  }
}
