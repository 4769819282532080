/// Keeps a value alive until the process exits.
///
/// Freeing a 10,000-model compilation one object at a time costs about a fifth of a warm
/// compile; the operating system reclaims the memory at exit anyway (clang's `-disable-free`).
enum ExitWithoutTeardown {
  private final class Box<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
  }

  static func keep<T>(_ value: T) {
    _ = Unmanaged.passRetained(Box(value))
  }
}
