import Dispatch

extension Array where Element: Sendable {
  /// Maps every element on all cores and returns the results in the original order.
  ///
  /// Loading and rendering fan out over thousands of files; work is split into contiguous
  /// chunks so each worker touches one region of the result buffer.
  package func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
    let count = self.count
    guard count > 1 else { return map(transform) }
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      guard let start = buffer.baseAddress else { return }
      nonisolated(unsafe) let base = start
      let workers = Swift.min(count, 64)
      let chunk = (count + workers - 1) / workers
      self.withUnsafeBufferPointer { elements in
        nonisolated(unsafe) let source = elements
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
          let lower = worker * chunk
          let upper = Swift.min(count, lower + chunk)
          guard lower < upper else { return }
          for index in lower..<upper { (base + index).initialize(to: transform(source[index])) }
        }
      }
      initialized = count
    }
  }
}
