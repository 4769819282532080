extension Array where Element: Comparable {
  /// The elements sorted, each once. Cheaper than `Array(Set(self)).sorted()`, which hashes
  /// and allocates a set even for the one- and two-element lists most nodes have.
  package func sortedUnique() -> [Element] {
    guard count > 1 else { return self }
    // Most lists come sorted already (parents resolved in id order): kept, not copied.
    if indices.dropFirst().allSatisfy({ self[$0 - 1] < self[$0] }) { return self }
    var result = sorted()
    var kept = 1
    for index in 1..<result.count where result[index] != result[kept - 1] {
      result[kept] = result[index]
      kept += 1
    }
    result.removeLast(result.count - kept)
    return result
  }
}
