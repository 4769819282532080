import ArgumentParser
import Diagnostics
import Foundation
import Project

/// `swdbt retry`: runs again what failed or was skipped in the last `run_results.json`, with
/// the command and flags recorded there, as dbt's.
struct Retry: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "retry",
    abstract: "Run again the nodes that failed or were skipped last time, with the same flags.")

  @OptionGroup var project: ProjectOptions

  @Option(name: .long, help: "How many nodes run at once (default: as last time).")
  var threads: Int?

  /// The statuses dbt retries.
  static let retryable: Set<String> = [
    "error", "fail", "skipped", "runtime error", "partial success", "warn",
  ]

  func run() async throws {
    let session = Session(options: project, which: "retry")
    let console = session.console
    let file = try session.loadProjectFile()
    let path = file.targetDirectory(root: session.root) + "/run_results.json"
    guard let data = FileManager.default.contents(atPath: path),
      let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else {
      console.report([
        .error(
          "retry.no-results", "no previous run: cannot read \(file.targetPath)/run_results.json",
          hint: "run `swdbt build` (or run, seed, snapshot, test) first")
      ])
      throw ExitCode(1)
    }
    let args = document["args"] as? [String: Any] ?? [:]
    guard let which = args["which"] as? String, let kind = Invocation.Kind(rawValue: which) else {
      console.report([
        .error(
          "retry.unsupported",
          "the last command (`\(args["which"] as? String ?? "unknown")`) is not one retry repeats",
          hint: "retry repeats build, run, seed, snapshot and test")
      ])
      throw ExitCode(1)
    }
    let results = document["results"] as? [[String: Any]] ?? []
    // `warn` is retried only when it failed the command (`--warn-error`).
    let warningsFailed = args["warn_error"] as? Bool == true
    let ids = Set(
      results.compactMap { result -> String? in
        guard let status = result["status"] as? String, Retry.retryable.contains(status),
          status != "warn" || warningsFailed
        else { return nil }
        return result["unique_id"] as? String
      })
    guard !ids.isEmpty else {
      console.progress(
        "Nothing to retry: the last `\(which)` had no failed or skipped nodes.", event: "Note")
      return
    }
    var options = project
    if options.targetArgument == nil { options.targetArgument = args["target"] as? String }
    if options.vars == nil { options.vars = args["vars"] as? String }
    var invocation = Invocation(
      kind: kind, project: options, selection: try SelectionOptions.parse([]),
      fullRefresh: args["full_refresh"] as? Bool ?? false,
      threads: threads ?? args["threads"] as? Int, empty: args["empty"] as? Bool ?? false)
    invocation.onlyUniqueIDs = ids
    invocation.state = try StateOptions.parse([])
    invocation.failFast = args["fail_fast"] as? Bool ?? false
    invocation.storeFailures = args["store_failures"] as? Bool ?? false
    invocation.resourceTypes = ResourceTypeFilter(
      include: args["resource_types"] as? [String] ?? [],
      exclude: args["exclude_resource_types"] as? [String] ?? [])
    if let options = args["warn_error_options"] as? [String: Any] {
      let include = options["include"] as? [String] ?? []
      invocation.warnError = WarnErrorPolicy(
        includeAll: include.contains("all"), include: Set(include),
        exclude: Set(options["exclude"] as? [String] ?? []))
    }
    invocation.eventTimeStartText = args["event_time_start"] as? String
    invocation.eventTimeEndText = args["event_time_end"] as? String
    invocation.eventTimeStart = invocation.eventTimeStartText.flatMap(BatchTime.init(parsing:))
    invocation.eventTimeEnd = invocation.eventTimeEndText.flatMap(BatchTime.init(parsing:))
    try await invocation.execute()
  }
}
