/// A set of indices below a bound that hands back its smallest first, for the topological
/// order's "ties by id". Bits in 64-way levels: a word of a level has a bit per non-empty word
/// of the level below, so inserting and popping cost a few word operations per level (four
/// levels for 300,000 nodes), where a binary heap compared and swapped through 18.
struct IndexQueue {
  /// `levels[0]` has a bit per index; each next level a bit per word of the one below; the
  /// last has one word.
  private var levels: [[UInt64]]

  /// An empty queue for indices in `0..<bound`.
  init(bound: Int) {
    var levels: [[UInt64]] = []
    var size = max(1, bound)
    repeat {
      let words = (size + 63) / 64
      levels.append([UInt64](repeating: 0, count: words))
      size = words
    } while size > 1
    self.levels = levels
  }

  /// Adds an index below the bound.
  mutating func insert(_ index: Int) {
    var position = index
    for level in levels.indices {
      let word = position >> 6
      let wasEmpty = levels[level][word] == 0
      levels[level][word] |= 1 << UInt64(position & 63)
      // The levels above already mark a word that was not empty.
      if !wasEmpty { return }
      position = word
    }
  }

  /// Removes and returns the smallest index, or nil when empty.
  mutating func popMin() -> Int? {
    guard let top = levels.indices.last, levels[top][0] != 0 else { return nil }
    var index = 0
    for level in stride(from: top, through: 0, by: -1) {
      index = index << 6 | levels[level][index].trailingZeroBitCount
    }
    var position = index
    for level in levels.indices {
      let word = position >> 6
      levels[level][word] &= ~(1 << UInt64(position & 63))
      if levels[level][word] != 0 { break }
      position = word
    }
    return index
  }
}
