package import Adapter
package import Execution
import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Spark has no locks: the run lock is an exclusive `flock` on a file in the project's target
/// folder, held until the process ends (the kernel releases it even after a crash).
extension SparkEngine {
  package func databaseIdentity(on connection: any DatabaseConnection) throws(DatabaseError)
    -> String
  {
    "spark/" + (connection.databaseName ?? "spark_catalog")
  }

  package func lock(
    key: Int64, targetName: String, on connection: any DatabaseConnection,
    notice: (String) -> Void
  ) throws(DatabaseError) {
    let path = lockDirectory + "/swdbt-spark-\(UInt64(bitPattern: key)).lock"
    do {
      try FileManager.default.createDirectory(
        atPath: lockDirectory, withIntermediateDirectories: true)
    } catch {
      throw DatabaseError(
        .connection,
        "cannot create \(lockDirectory) for the run lock: \(error.localizedDescription)")
    }
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw DatabaseError(
        .connection, "cannot open the run lock \(path): \(String(cString: strerror(errno)))")
    }
    if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
      notice(
        "another swdbt run on target `\(targetName)` holds its lock (\(path)); waiting for it "
          + "to finish")
      guard flock(descriptor, LOCK_EX) == 0 else {
        close(descriptor)
        throw DatabaseError(
          .connection, "cannot take the run lock \(path): \(String(cString: strerror(errno)))")
      }
    }
    // Kept open for the rest of the process: closing the file would release the lock.
    SparkRunLocks.held.withLock { $0.append(descriptor) }
  }

  package func lockWaits(of sessions: [Int32], on connection: any DatabaseConnection)
    throws(DatabaseError) -> [Int32: LockWait]
  {
    [:]
  }

  package func lockHolder(of relation: String, on connection: any DatabaseConnection)
    -> LockWait?
  {
    nil
  }

  package func isLockTimeout(_ error: DatabaseError) -> Bool { false }
}

/// The open lock files of this process.
enum SparkRunLocks {
  static let held = Mutex<[Int32]>([])
}
