/// Formats durations the way progress lines print them (`0.42s`).
enum Seconds {
  static func format(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let hundredths = Int(seconds) * 100 + Int(attoseconds / 10_000_000_000_000_000)
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)s"
  }

  /// Milliseconds with one decimal, for timings of fast phases.
  static func milliseconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    let tenths = Int(seconds) * 10_000 + Int(attoseconds / 100_000_000_000_000)
    return "\(tenths / 10).\(tenths % 10)ms"
  }

  static func double(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
  }
}
