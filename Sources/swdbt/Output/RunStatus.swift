import Execution
import Foundation
import Synchronization

/// Which nodes are running and for how long, shown while a run is slow: on a terminal a
/// status line on stderr redrawn every second, elsewhere a plain line every 30 seconds, so
/// that a long model is never silence.
final class RunStatus: Sendable {
  private struct State {
    var running: [Int: (name: String, since: ContinuousClock.Instant)] = [:]
    var done = 0
    var finished: Set<Int> = []
    var lineShown = false
    var stopped = false
  }

  private let state = Mutex(State())
  private let total: Int
  private let onTerminal: Bool
  private let interval: Duration
  private let console: Console
  /// From earlier runs' timings; nil when there are none for these nodes.
  private let estimate: TimeLeftEstimate?
  /// A node is named once it has run this long.
  private static let slow = Duration.seconds(3)

  /// A status for `total` nodes; `onTerminal` draws a redrawn line instead of plain lines.
  /// `SWDBT_STATUS_INTERVAL` (seconds) overrides the plain lines' 30 s, for tests.
  init(total: Int, console: Console, onTerminal: Bool, estimate: TimeLeftEstimate? = nil) {
    self.total = total
    self.estimate = estimate
    self.console = console
    self.onTerminal = onTerminal
    let override = ProcessInfo.processInfo.environment["SWDBT_STATUS_INTERVAL"].flatMap(Double.init)
    interval = .milliseconds(Int((override ?? (onTerminal ? 1 : 30)) * 1000))
  }

  func started(_ index: Int, name: String) {
    state.withLock { $0.running[index] = (name, ContinuousClock.now) }
  }

  func finished(_ index: Int) {
    state.withLock { state in
      if state.running.removeValue(forKey: index) != nil {
        state.done += 1
        state.finished.insert(index)
      }
    }
  }

  /// Runs `body` (which prints lines) with the status line erased first.
  func around(_ body: () -> Void) {
    state.withLock { state in
      if state.lineShown {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        state.lineShown = false
      }
      body()
    }
  }

  /// Starts the ticking thread; `stop()` ends it.
  func start() {
    let thread = Thread { [self] in
      while true {
        Thread.sleep(
          forTimeInterval: Double(interval.components.seconds)
            + Double(interval.components.attoseconds) / 1e18)
        guard tick() else { return }
      }
    }
    thread.name = "swdbt-status"
    thread.start()
  }

  /// Ends the ticking and erases the status line.
  func stop() {
    state.withLock { state in
      state.stopped = true
      if state.lineShown {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        state.lineShown = false
      }
    }
  }

  /// Draws (or prints) the status once; false once stopped.
  private func tick() -> Bool {
    state.withLock { state in
      guard !state.stopped else { return false }
      let now = ContinuousClock.now
      let slow = state.running.values.filter { now - $0.since >= RunStatus.slow }
        .sorted { $0.since < $1.since }
      guard !slow.isEmpty else { return true }
      let names = slow.map { "`\($0.name)` (\(Int((now - $0.since).components.seconds))s)" }
        .joined(separator: ", ")
      var counts = "\(state.done) of \(total) done"
      if let estimate {
        let running = state.running.mapValues { Seconds.double(now - $0.since) }
        counts +=
          ", "
          + TimeLeftEstimate.describe(
            estimate.secondsLeft(finished: state.finished, running: running))
      }
      if onTerminal {
        // One terminal row: a wrapped line could not be erased with `\r`.
        let full = "\(counts); running \(names)"
        let text = full.count > 79 ? String(full.prefix(78)) + "…" : full
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        state.lineShown = true
      } else {
        console.info("still running: \(names); \(counts)")
      }
      return true
    }
  }
}
