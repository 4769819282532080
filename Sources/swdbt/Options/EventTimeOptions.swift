import ArgumentParser
import Project

/// `--event-time-start` / `--event-time-end`: the window microbatch models build, checked
/// before any work.
struct EventTimeOptions: ParsableArguments {
  @Option(
    name: .long,
    help: "Microbatch models start their batches here (an ISO date or time, UTC by default).")
  var eventTimeStart: String?

  @Option(name: .long, help: "Microbatch models end their last batch here (default: now).")
  var eventTimeEnd: String?

  func validate() throws {
    let given = [("--event-time-start", eventTimeStart), ("--event-time-end", eventTimeEnd)]
    for (flag, text) in given {
      if let text, BatchTime(parsing: text) == nil {
        throw ValidationError(
          "\(flag) `\(text)` is not an ISO date or time (such as 2024-01-01 or "
            + "2024-01-01T06:00:00Z)")
      }
    }
    if let start = eventTimeStart.flatMap(BatchTime.init(parsing:)),
      let end = eventTimeEnd.flatMap(BatchTime.init(parsing:)), !(start < end)
    {
      throw ValidationError("--event-time-start must be before --event-time-end")
    }
  }

  /// The parsed start, if given.
  var start: BatchTime? { eventTimeStart.flatMap(BatchTime.init(parsing:)) }
  /// The parsed end, if given.
  var end: BatchTime? { eventTimeEnd.flatMap(BatchTime.init(parsing:)) }
}
