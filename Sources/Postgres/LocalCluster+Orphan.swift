#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// A server's socket lock file (`.s.PGSQL.<port>.lock`): its first lines are the postmaster's
/// pid and data directory.
struct SocketLock {
  /// The lock file's path.
  let path: String
  /// The postmaster that wrote it.
  let pid: pid_t
  /// The data directory that postmaster serves.
  let dataDirectory: String

  /// The socket file the lock guards (the lock's path without `.lock`).
  var socketPath: String { String(path.dropLast(".lock".count)) }

  /// Reads a lock file; nil when it is absent or not in PostgreSQL's format.
  static func read(_ path: String) -> SocketLock? {
    guard let text = LocalCluster.readSmallFile(path) else { return nil }
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    // A standalone backend writes its pid negated.
    guard lines.count >= 2, let pid = pid_t(lines[0].trimmingPrefix("-")), pid > 0 else {
      return nil
    }
    return SocketLock(path: path, pid: pid, dataDirectory: String(lines[1]))
  }
}

extension LocalCluster {
  /// Stops a server of ours that holds this cluster's socket although its data folder is gone
  /// (`rm -rf .swdbt` while it ran), and removes lock files whose process is gone, so that
  /// `pg_ctl start` does not fail on "lock file already exists"; returns what it did.
  ///
  /// Costs one directory read when the socket folder holds no lock of another server.
  func clearOrphanedSocket() async throws(ClusterError) -> [String] {
    var done: [String] = []
    for lockPath in socketLockFiles() {
      guard let lock = SocketLock.read(lockPath) else { continue }
      switch processKind(lock.pid, dataDirectory: lock.dataDirectory) {
      case .unknown:
        continue
      case .gone, .other:
        removeSocketFiles(of: lock)
        done.append("removed a stale socket lock \(lock.path) (pid \(lock.pid) is not running)")
      case .postmaster:
        if lock.dataDirectory == dataDirectory, postmasterPID() == lock.pid { continue }
        let reason =
          if access(lock.dataDirectory + "/PG_VERSION", F_OK) != 0 {
            "data folder \(lock.dataDirectory) was deleted"
          } else if lock.dataDirectory != dataDirectory {
            "data folder \(lock.dataDirectory) is not this project's \(dataDirectory)"
          } else {
            "data folder \(lock.dataDirectory) was replaced"
          }
        try await stopOrphan(lock.pid, reason: reason)
        removeSocketFiles(of: lock)
        done.append("stopped an orphaned embedded server (pid \(lock.pid), \(reason))")
      }
    }
    return done
  }

  /// `.s.PGSQL.<port>.lock` files in the socket folder (the port is 5432 unless `PGPORT` said
  /// otherwise when the server started).
  private func socketLockFiles() -> [String] {
    guard let directory = opendir(socketDirectory) else { return [] }
    defer { closedir(directory) }
    var found: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      if name.hasPrefix(".s.PGSQL."), name.hasSuffix(".lock") {
        found.append(socketDirectory + "/" + name)
      }
    }
    return found.sorted()
  }

  /// The pid in this cluster's `postmaster.pid`, if it has one.
  private func postmasterPID() -> pid_t? {
    SocketLock.read(dataDirectory + "/postmaster.pid")?.pid
  }

  private enum ProcessKind { case gone, postmaster, other, unknown }

  /// Whether `pid` is the postmaster of `dataDirectory`: its command line is `postgres` (or
  /// `postmaster`) with that data folder. A backend's command line is rewritten
  /// (`postgres: user db ...`), so only the postmaster matches.
  private func processKind(_ pid: pid_t, dataDirectory: String) -> ProcessKind {
    if kill(pid, 0) != 0, errno == ESRCH { return .gone }
    guard let commandLine = LocalCluster.readSmallFile("/proc/\(pid)/cmdline") else {
      // No /proc, or the process ended meanwhile: never stop what cannot be verified.
      return kill(pid, 0) != 0 && errno == ESRCH ? .gone : .unknown
    }
    // A zombie has an empty command line; it holds nothing.
    if commandLine.isEmpty { return .gone }
    let arguments = commandLine.split(separator: "\0").map(String.init)
    let program = arguments.first.map { LocalCluster.lastComponent(of: $0) } ?? ""
    guard program == "postgres" || program == "postmaster" else { return .other }
    // A server started some other way (a relative `-D`, PGDATA) is left alone.
    return arguments.contains(dataDirectory) ? .postmaster : .unknown
  }

  /// Fast shutdown (SIGINT: disconnects clients, unlike SIGTERM's smart shutdown, which waits
  /// for them), then immediate shutdown (SIGQUIT) if it has not exited after a grace period.
  private func stopOrphan(_ pid: pid_t, reason: String) async throws(ClusterError) {
    for signal in [SIGINT, SIGQUIT] {
      kill(pid, signal)
      for _ in 0..<100 {
        if kill(pid, 0) != 0, errno == ESRCH { return }
        // Nobody may reap it in a container: a zombie has ended all the same.
        if LocalCluster.readSmallFile("/proc/\(pid)/cmdline")?.isEmpty == true { return }
        try? await Task.sleep(for: .milliseconds(100))
      }
    }
    throw ClusterError(
      "an orphaned embedded server (pid \(pid), \(reason)) holds the socket in "
        + "\(socketDirectory) and did not stop",
      hint: "stop it with `kill -QUIT \(pid)`")
  }

  /// Removes a lock file and its socket, if the server did not remove them on its way out.
  private func removeSocketFiles(of lock: SocketLock) {
    unlink(lock.socketPath)
    unlink(lock.path)
  }

  static func lastComponent(of path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }

  /// A small file's text (a lock file, a command line), nil when it cannot be read.
  static func readSmallFile(_ path: String) -> String? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while bytes.count < 1 << 16 {
      let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0, errno == EINTR { continue }
      if count <= 0 { break }
      bytes += buffer[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
