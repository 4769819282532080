import Dispatch
import Foundation

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

extension Array {
  /// Calls `body` with every index on all cores, in contiguous chunks, with the elements in
  /// place: `body` may change the element at its index, and read elements no call changes.
  /// For passes over 300,000 nodes that update one field each, where a copy of the array (to
  /// share it with the workers) would cost more than the pass.
  ///
  /// The elements come as a pointer, not a buffer: `buffer[i].optional?.field` copies the
  /// whole element (every field retained) in optimized builds, `pointer[i]` reads the field.
  package mutating func concurrentUpdate(
    _ body: @Sendable (_ elements: UnsafeMutablePointer<Element>, _ index: Int) -> Void
  ) {
    let count = self.count
    guard count > 0 else { return }
    withUnsafeMutableBufferPointer { buffer in
      guard let start = buffer.baseAddress else { return }
      nonisolated(unsafe) let elements = start
      let workers = Swift.min(count, 64)
      let chunk = (count + workers - 1) / workers
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        let lower = worker * chunk
        let upper = Swift.min(count, lower + chunk)
        guard lower < upper else { return }
        for index in lower..<upper { body(elements, index) }
      }
    }
  }
}

extension Array where Element: Sendable {
  /// Maps every element on `threads` system threads, more than there are cores.
  ///
  /// For work that waits on the file system (creating thousands of files), where the kernel
  /// overlaps more requests than Dispatch's one-thread-per-core pool would send.
  package func blockingConcurrentMap<T: Sendable>(
    threads: Int, _ transform: @escaping @Sendable (Element) -> T
  ) -> [T] {
    let count = self.count
    let workers = Swift.min(count, Swift.max(1, threads))
    guard workers > 1 else { return map(transform) }
    let results = UnsafeMutablePointer<T>.allocate(capacity: count)
    defer { results.deallocate() }
    nonisolated(unsafe) let output = results
    let elements = self
    let group = DispatchGroup()
    for worker in 0..<workers {
      group.enter()
      Thread.detachNewThread {
        // Strided, so each thread gets files from every directory.
        for index in stride(from: worker, to: count, by: workers) {
          (output + index).initialize(to: transform(elements[index]))
        }
        group.leave()
      }
    }
    group.wait()
    let mapped = [T](UnsafeBufferPointer(start: results, count: count))
    results.deinitialize(count: count)
    return mapped
  }
}
