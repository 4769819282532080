import Compiler
import Diagnostics
import Dispatch
import Docs
import Foundation
import Project
import Runtime

/// Writes `target/manifest.json` on a thread of its own, as dbt writes it after parsing for
/// every command, while the command goes on (writing compiled SQL, running nodes).
final class ManifestArtifact: @unchecked Sendable {
  /// The manifest's path relative to the project root.
  let relativePath: String
  private let done = DispatchSemaphore(value: 0)
  /// Written by the thread only, read after `done`.
  private var failure: String?

  /// Starts generating and writing the manifest of `compilation`.
  init(_ compilation: Compilation, invocationID: String, generatedAt: Date = Date()) {
    let project = compilation.project
    relativePath = project.projectFile.targetPath + "/manifest.json"
    let path = FileSystem.resolve(relativePath, under: project.root)
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let metadata = Manifest.Metadata(
      generatedAt: formatter.string(from: generatedAt), invocationID: invocationID,
      adapterType: project.target.type, environment: compilation.invocation?.environment ?? [:])
    Thread.detachNewThread { [self] in
      let bytes = Manifest.json(compilation, metadata: metadata)
      do throws(FileSystem.Failure) {
        try FileSystem.createDirectory(FileSystem.parentDirectory(path))
        try FileSystem.write(path, bytes)
      } catch {
        failure = error.reason
      }
      done.signal()
    }
  }

  /// Waits for the write; returns why it failed, or nil when the file was written.
  func finish() -> String? {
    done.wait()
    // Signalled again, so a second call returns at once.
    done.signal()
    return failure
  }

  /// Waits for the write and reports a failure as an error diagnostic on the console.
  func finish(reportingTo console: Console) {
    if let reason = finish() {
      console.report([.error("write.failed", "cannot write \(relativePath): \(reason)")])
    }
  }
}
