public import Foundation
public import OrderedCollections
import Synchronization
public import Template

/// What one command (`swdbt run`, `compile`, ...) shows every template, the same in every host:
/// `invocation_id`, `run_started_at`, `flags`, `dbt_version`, and where `log`/`print` write.
///
/// Built once per command by the CLI and shared (read-only, apart from the set of log lines
/// already printed).
public final class InvocationContext: Sendable {
  /// A UUID, also written as `metadata.invocation_id` in the artifacts.
  public let invocationID: String
  /// When the command started; `run_started_at` is this instant in UTC.
  public let runStartedAt: Date
  /// dbt's flag names with this invocation's values (`flags.WHICH`, `flags.FULL_REFRESH`, ...).
  public let flags: OrderedDictionary<String, Value>
  /// Environment variables `env_var` reads in hooks.
  public let environment: [String: String]
  /// Where `log(..., info=True)` lines go (the console).
  let logLine: @Sendable (String) -> Void
  /// Where `print(...)` writes (stdout).
  let printLine: @Sendable (String) -> Void
  /// Log lines already printed, by node, message and occurrence: a node rendered twice logs
  /// once.
  private let printed = Mutex<Set<String>>([])

  /// The dbt release whose template behaviour swdbt follows, for `dbt_version` comparisons.
  public static let dbtVersion = "1.10.0"

  /// Creates the context of one command.
  public init(
    invocationID: String = UUID().uuidString.lowercased(), runStartedAt: Date = Date(),
    flags: OrderedDictionary<String, Value> = InvocationContext.flags(which: "compile"),
    environment: [String: String] = [:],
    log: @escaping @Sendable (String) -> Void = { _ in },
    print: @escaping @Sendable (String) -> Void = { line in
      FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
  ) {
    self.invocationID = invocationID
    self.runStartedAt = runStartedAt
    self.flags = flags
    self.environment = environment
    self.logLine = log
    self.printLine = print
  }

  /// dbt's flags for a command; names a template might read, with their values here.
  public static func flags(
    which: String, fullRefresh: Bool = false, storeFailures: Bool = false, empty: Bool = false,
    warnError: Bool = false, threads: Int? = nil, target: String? = nil,
    projectDirectory: String? = nil, profilesDirectory: String? = nil
  ) -> OrderedDictionary<String, Value> {
    [
      "WHICH": .string(which), "FULL_REFRESH": .bool(fullRefresh),
      "STORE_FAILURES": .bool(storeFailures), "EMPTY": .bool(empty),
      "WARN_ERROR": .bool(warnError), "WARN_ERROR_OPTIONS": .dict([:]),
      "THREADS": threads.map { .integer($0) } ?? .none,
      "TARGET": target.map { .string($0) } ?? .none,
      "PROJECT_DIR": projectDirectory.map { .string($0) } ?? .none,
      "PROFILES_DIR": profilesDirectory.map { .string($0) } ?? .none,
      "DEBUG": .bool(false), "FAIL_FAST": .bool(false), "USE_COLORS": .bool(true),
      "LOG_FORMAT": .string("default"), "PRINTER_WIDTH": .integer(80), "QUIET": .bool(false),
      "PARTIAL_PARSE": .bool(false), "STATIC_PARSER": .bool(false),
      "USE_EXPERIMENTAL_PARSER": .bool(false), "SEND_ANONYMOUS_USAGE_STATS": .bool(false),
      "VERSION_CHECK": .bool(false), "WRITE_JSON": .bool(true), "INTROSPECT": .bool(true),
      "INDIRECT_SELECTION": .string("eager"), "CACHE_SELECTED_ONLY": .bool(false),
      "LOG_CACHE_EVENTS": .bool(false), "STORE_FAILURES_AS": .none, "STATE": .none,
      "DEFER": .bool(false), "FAVOR_STATE": .bool(false),
      "INVOCATION_COMMAND": .string("dbt " + which),
    ]
  }

  /// Prints a log line unless this node's render already printed it (same message, same
  /// occurrence).
  func log(_ message: String, key: String) {
    let fresh = printed.withLock { $0.insert(key).inserted }
    if fresh { logLine(message) }
  }

  public func print(_ message: String) { printLine(message) }
}

/// The runtime globals of one render (a model, a test, a hook): the invocation's values plus
/// what depends on the node (`model`, `thread_id`) and the project (`graph`).
///
/// A host creates one lazily, only when a template asks for one of `RenderScope.names`, so a
/// template that uses none of them costs nothing.
public final class RenderScope: Sendable {
  /// The command's context.
  public let invocation: InvocationContext
  /// The node's unique id (or the hook's name), keying log lines.
  let node: String
  /// `thread_id`: dbt's thread name (`MainThread`, `Thread-1 (worker)`).
  let threadID: String
  /// `model`, built on first use.
  let model: (@Sendable () -> Value)?
  /// `graph`, built once per compilation by its owner on first use.
  let graph: (@Sendable () -> Value)?
  /// How often each message was logged in this render so far.
  private let logCounts = Mutex<[String: Int]>([:])

  /// Creates the scope of one render.
  public init(
    invocation: InvocationContext, node: String, threadID: String = "MainThread",
    model: (@Sendable () -> Value)? = nil, graph: (@Sendable () -> Value)? = nil
  ) {
    self.invocation = invocation
    self.node = node
    self.threadID = threadID
    self.model = model
    self.graph = graph
  }

  /// The names `global(_:)` answers; a host checks this before creating a scope.
  public static let names: Set<String> = [
    "invocation_id", "run_started_at", "dbt_version", "flags", "modules", "thread_id", "model",
    "graph", "builtins", "fromjson", "tojson", "fromyaml", "toyaml", "print", "log", "local_md5",
    "set", "set_strict",
  ]

  /// A runtime global by name, or nil for names this scope does not answer.
  public func global(_ name: String) -> Value? {
    switch name {
    case "invocation_id": return .string(invocation.invocationID)
    case "run_started_at": return .object(DateTimeObject(utc: invocation.runStartedAt))
    case "dbt_version": return .string(InvocationContext.dbtVersion)
    case "flags": return .dict(invocation.flags)
    case "modules": return .object(ModulesNamespace())
    case "thread_id": return .string(threadID)
    case "model": return model?() ?? .dict([:])
    case "graph":
      return graph?()
        ?? .dict(["nodes": .dict([:]), "sources": .dict([:]), "exposures": .dict([:])])
    case "builtins":
      // The host's own functions: `builtins.ref(...)` is `ref(...)` even when a macro
      // named `ref` overrides the bare name.
      return .dict([
        "ref": .function(name: "ref", receiver: nil),
        "source": .function(name: "source", receiver: nil),
        "config": .function(name: "config", receiver: nil),
      ])
    default:
      guard RenderScope.names.contains(name) else { return nil }
      return .function(name: name, receiver: .object(ContextFunctions(scope: self)))
    }
  }

  /// The occurrence number of a message in this render (1 for its first `log`).
  func occurrence(of message: String) -> Int {
    logCounts.withLock { counts in
      counts[message, default: 0] += 1
      return counts[message, default: 1]
    }
  }
}
