#if canImport(CMalloc)
  import CMalloc
#endif

/// glibc's allocator defaults suit long-running servers; a compile builds about 100 MB of
/// arrays and strings in a second and exits. Arrays of 30,000 nodes grow past the default
/// mmap threshold, so each growth mapped fresh pages that the kernel had to fault in and
/// zero, and freed memory went back to the system only to be faulted in again: a tenth of
/// the page faults and of the system time of a 10,000-model compile.
enum MallocTuning {
  static func apply() {
    #if canImport(CMalloc)
      // Blocks up to 32 MB come from the heap, and freed memory stays there for reuse.
      mallopt(M_MMAP_THRESHOLD, 32 << 20)
      mallopt(M_TRIM_THRESHOLD, 256 << 20)
      // The heap grows in 64 MB steps of address space (pages are still only touched on use).
      mallopt(M_TOP_PAD, 64 << 20)
    #endif
  }
}
