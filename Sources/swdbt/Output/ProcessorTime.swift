import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The processor time this process used (all threads, user and system) between timing lines,
/// so `--debug-timings` shows how well a phase used the cores, not only how long it took.
final class ProcessorTime: Sendable {
  private let last = Mutex<Duration>(ProcessorTime.used())

  /// The processor time used since the previous lap (or since this clock was made).
  func lap() -> Duration {
    let now = ProcessorTime.used()
    return last.withLock { last in
      defer { last = now }
      return now - last
    }
  }

  /// The processor time used since the process started.
  static func used() -> Duration {
    var usage = rusage()
    #if canImport(Glibc)
      let who = __rusage_who_t(RUSAGE_SELF.rawValue)
    #else
      let who = RUSAGE_SELF
    #endif
    guard getrusage(who, &usage) == 0 else { return .zero }
    func duration(_ time: timeval) -> Duration {
      .seconds(Int64(time.tv_sec)) + .microseconds(Int64(time.tv_usec))
    }
    return duration(usage.ru_utime) + duration(usage.ru_stime)
  }
}
