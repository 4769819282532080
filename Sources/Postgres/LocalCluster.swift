internal import Subprocess
internal import SystemPackage

#if canImport(Glibc)
  internal import Glibc
#elseif canImport(Darwin)
  internal import Darwin
#endif

/// A PostgreSQL cluster swdbt creates and starts itself: `initdb` on first use, `pg_ctl start` on
/// a unix socket only (no TCP port to collide with), reused by later runs.
///
/// As root, the server runs as the `postgres` system user, because initdb and postgres refuse
/// root. Its data lives where that user can reach it; its socket directory is short, because a
/// socket path may hold at most 107 bytes.
public struct LocalCluster: Sendable {
  /// The data directory (`PG_VERSION` lives here once initialised).
  public let dataDirectory: String
  /// The directory holding the server's unix socket.
  public let socketDirectory: String
  /// The server's log file.
  public let logFile: String
  /// Where the start lock lives (a file beside the data directory).
  public let lockFile: String
  /// Extra `-c name=value` server settings (test clusters turn fsync off).
  public let serverSettings: [String]
  /// The database superuser initdb creates.
  public let superuser: String

  /// Describes a cluster; nothing is created until `start()`.
  public init(
    dataDirectory: String, socketDirectory: String, serverSettings: [String] = [],
    superuser: String = "swdbt"
  ) {
    self.dataDirectory = dataDirectory
    self.socketDirectory = socketDirectory
    let parent = LocalCluster.parent(of: dataDirectory)
    self.logFile = parent + "/server.log"
    self.lockFile = parent + "/cluster.lock"
    self.serverSettings = serverSettings
    self.superuser = superuser
  }

  /// The cluster for a project: data under `<root>/.swdbt/cluster/pgdata` when the server user can
  /// reach it, else under `/var/tmp/swdbt-<hash>`; the socket in `/tmp/swdbt-<hash>`.
  public static func forProject(root: String) -> LocalCluster {
    let key = LocalCluster.hash(root)
    let local = root + "/.swdbt"
    let serverUser = ServerUser.current()
    let dataParent = serverUser.canReach(root) ? local + "/cluster" : "/var/tmp/swdbt-\(key)"
    return LocalCluster(
      dataDirectory: dataParent + "/pgdata", socketDirectory: "/tmp/swdbt-\(key)")
  }

  /// libpq parameters for connecting to it.
  public var connectionInfo: ConnectionInfo { connectionInfo(adding: [:]) }

  /// libpq parameters for connecting to it, with the target's other settings (timeouts).
  public func connectionInfo(adding settings: [String: String]) -> ConnectionInfo {
    ConnectionInfo(
      settings: settings.merging(
        ["host": socketDirectory, "user": superuser, "dbname": "postgres"]) { $1 })
  }

  /// Whether initdb has run.
  public var isInitialised: Bool { access(dataDirectory + "/PG_VERSION", F_OK) == 0 }

  /// Creates (first time) and starts the cluster; "already running" is success. A file lock
  /// keeps two processes from starting it at once. Returns what it had to clean up first (an
  /// orphaned server of a deleted data folder, a stale socket lock), for the user to read.
  @discardableResult
  public func start() async throws(ClusterError) -> [String] {
    let user = ServerUser.current()
    let binaries = try PostgresBinaries.locate()
    try makeDirectory(LocalCluster.parent(of: dataDirectory), owner: user, mode: 0o755)
    try makeDirectory(socketDirectory, owner: user, mode: 0o700)
    let lock = try FileLock(path: lockFile)
    defer { lock.release() }
    // Before initdb: a fresh data folder at the old path would hide that the orphan's is gone.
    let cleared = try await clearOrphanedSocket()
    if !isInitialised {
      try makeDirectory(dataDirectory, owner: user, mode: 0o700)
      try await runTool(
        binaries.path("initdb"),
        [
          "-D", dataDirectory, "-U", superuser, "-A", "trust", "-E", "UTF8", "--locale=C",
          "--no-instructions",
        ], as: user, what: "initdb")
    }
    if try await isRunning(binaries) { return cleared }
    var options = "-k \(socketDirectory) -c listen_addresses='' -c unix_socket_permissions=0700"
    for setting in serverSettings { options += " -c \(setting)" }
    try await runTool(
      binaries.path("pg_ctl"),
      ["-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "-o", options, "start"],
      as: user, what: "pg_ctl start")
    return cleared
  }

  /// Stops the server (fast shutdown); stopping a stopped server is success.
  public func stop() async throws(ClusterError) {
    let binaries = try PostgresBinaries.locate()
    guard isInitialised, try await isRunning(binaries) else { return }
    try await runTool(
      binaries.path("pg_ctl"), ["-D", dataDirectory, "-m", "fast", "-w", "stop"],
      as: ServerUser.current(), what: "pg_ctl stop")
  }

  /// Whether the server is up.
  public func status() async throws(ClusterError) -> Bool {
    guard isInitialised else { return false }
    return try await isRunning(try PostgresBinaries.locate())
  }

  private func isRunning(_ binaries: PostgresBinaries) async throws(ClusterError) -> Bool {
    let status = try await runTool(
      binaries.path("pg_ctl"), ["-D", dataDirectory, "status"], as: ServerUser.current(),
      what: "pg_ctl status", allowFailure: true)
    return status == 0
  }

  @discardableResult
  private func runTool(
    _ path: String, _ arguments: [String], as user: ServerUser, what: String,
    allowFailure: Bool = false
  ) async throws(ClusterError) -> Int32 {
    // As root, `runuser` switches to the server user. Setting the child's ids through
    // PlatformOptions calls setgroups() between fork and exec, which deadlocks in glibc when
    // other threads exist (it signals threads the child no longer has).
    var executable = path
    var fullArguments = arguments
    if user.switchTo != nil {
      executable = ServerUser.runuser
      fullArguments = ["-u", "postgres", "--", path] + arguments
    }
    do {
      let result = try await run(
        .path(FilePath(executable)), arguments: Arguments(fullArguments), environment: .inherit,
        workingDirectory: FilePath("/"), output: .string(limit: 1 << 20),
        error: .string(limit: 1 << 20))
      let code: Int32 =
        switch result.terminationStatus {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
      if code != 0, !allowFailure {
        let output = [result.standardError, result.standardOutput]
          .joined(separator: "\n")
        throw ClusterError(
          "\(what) failed with exit code \(code): \(LocalCluster.lastLines(output))",
          hint: hint(for: output))
      }
      return code
    } catch let error as ClusterError {
      throw error
    } catch {
      throw ClusterError("cannot run \(what) (\(path)): \(error)")
    }
  }

  private func hint(for output: String) -> String? {
    if output.contains("Permission denied") {
      return "the server user cannot reach \(dataDirectory); every parent folder needs execute "
        + "permission for it"
    }
    if output.contains("could not bind") || output.contains("Address already in use") {
      return "another server uses the socket in \(socketDirectory); see \(logFile)"
    }
    return "see \(logFile)"
  }

  private func makeDirectory(_ path: String, owner: ServerUser, mode: mode_t)
    throws(ClusterError)
  {
    var isDirectory = false
    var info = stat()
    if stat(path, &info) == 0 { isDirectory = (info.st_mode & S_IFMT) == S_IFDIR }
    if !isDirectory {
      let parent = LocalCluster.parent(of: path)
      if parent != path, access(parent, F_OK) != 0 {
        try makeDirectory(parent, owner: ServerUser(switchTo: nil), mode: 0o755)
      }
      if mkdir(path, mode) != 0, errno != EEXIST {
        throw ClusterError("cannot create \(path): \(String(cString: strerror(errno)))")
      }
    }
    if let ids = owner.switchTo {
      if chown(path, ids.uid, ids.gid) != 0 {
        throw ClusterError(
          "cannot hand \(path) to the server user: \(String(cString: strerror(errno)))")
      }
    }
    chmod(path, mode)
  }

  static func parent(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
    return String(path[..<slash])
  }

  static func lastLines(_ text: String) -> String {
    text.split(separator: "\n").suffix(4).joined(separator: " | ")
  }

  /// FNV-1a over the path, as 10 hex digits: short enough for a socket path.
  public static func hash(_ text: String) -> String {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
      value ^= UInt64(byte)
      value &*= 0x100_0000_01b3
    }
    let hex = String(value, radix: 16)
    return String(String(repeating: "0", count: max(0, 16 - hex.count)) + hex).prefix(10)
      .description
  }
}

/// Why the local cluster could not be started or stopped.
public struct ClusterError: Error, Sendable, CustomStringConvertible {
  /// What went wrong.
  public var message: String
  /// What to do about it.
  public var hint: String?

  init(_ message: String, hint: String? = nil) {
    self.message = message
    self.hint = hint
  }

  /// The message.
  public var description: String { message }
}

/// Who runs the server: the current user, or `postgres` when we are root.
struct ServerUser: Sendable {
  /// The ids to switch to, or nil to run as ourselves.
  let switchTo: (uid: uid_t, gid: gid_t)?

  /// util-linux's `runuser`, which every Debian system has.
  static var runuser: String {
    access("/usr/sbin/runuser", X_OK) == 0 ? "/usr/sbin/runuser" : "/sbin/runuser"
  }

  static func current() -> ServerUser {
    guard geteuid() == 0 else { return ServerUser(switchTo: nil) }
    guard let entry = getpwnam("postgres") else { return ServerUser(switchTo: nil) }
    return ServerUser(switchTo: (entry.pointee.pw_uid, entry.pointee.pw_gid))
  }

  /// Whether this user may traverse every folder down to `path` (others' execute bit, or
  /// ownership), which the server needs for a data directory inside it.
  func canReach(_ path: String) -> Bool {
    guard let ids = switchTo else { return true }
    var current = ""
    for component in path.split(separator: "/") {
      current += "/" + component
      var info = stat()
      guard stat(current, &info) == 0 else { return true }
      let others = info.st_mode & S_IXOTH != 0
      let owner = info.st_uid == ids.uid && info.st_mode & S_IXUSR != 0
      let group = info.st_gid == ids.gid && info.st_mode & S_IXGRP != 0
      if !(others || owner || group) { return false }
    }
    return true
  }
}

/// Where `initdb`, `pg_ctl` and `postgres` are.
struct PostgresBinaries {
  let directory: String

  func path(_ tool: String) -> String { directory + "/" + tool }

  /// `SWDBT_PG_BINDIR`, else the newest `/usr/lib/postgresql/*/bin`, else `PATH`.
  static func locate() throws(ClusterError) -> PostgresBinaries {
    var candidates: [String] = []
    if let explicit = getenv("SWDBT_PG_BINDIR") { candidates.append(String(cString: explicit)) }
    if let directory = opendir("/usr/lib/postgresql") {
      var versions: [Int] = []
      while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
          String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if let version = Int(name) { versions.append(version) }
      }
      closedir(directory)
      candidates += versions.sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin" }
    }
    if let path = getenv("PATH") {
      candidates += String(cString: path).split(separator: ":").map(String.init)
    }
    for candidate in candidates where access(candidate + "/initdb", X_OK) == 0 {
      return PostgresBinaries(directory: candidate)
    }
    throw ClusterError(
      "cannot find PostgreSQL's initdb and pg_ctl",
      hint: "install the server (`apt-get install -y postgresql`) or set SWDBT_PG_BINDIR")
  }
}

/// An exclusive `flock` held until released.
struct FileLock {
  let descriptor: Int32

  init(path: String) throws(ClusterError) {
    descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw ClusterError("cannot open lock file \(path): \(String(cString: strerror(errno)))")
    }
    while flock(descriptor, LOCK_EX) != 0 {
      if errno != EINTR { break }
    }
  }

  func release() {
    flock(descriptor, LOCK_UN)
    close(descriptor)
  }
}
