import Foundation
import Project

#if canImport(Glibc)
  import Glibc
#endif

/// A small HTTP/1.1 file server for `swdbt docs serve`: GET and HEAD of the files under
/// `target/` (the site under `docs/`, the artifacts beside it), one thread per connection.
public final class StaticServer: Sendable {
  /// Why the server could not start.
  public struct Failure: Error, CustomStringConvertible {
    /// The system's reason.
    public let description: String
  }

  /// The folder served (`target/`).
  public let root: String
  /// The port it listens on (the one the system chose when asked for 0).
  public let port: Int
  private let socket: Int32

  /// Binds and listens; port 0 lets the system choose.
  public init(root: String, host: String, port: Int) throws(Failure) {
    self.root = root
    let descriptor = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw Failure(description: String(cString: strerror(errno))) }
    var yes: Int32 = 1
    setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1
    else {
      close(descriptor)
      throw Failure(description: "`\(host)` is not an IPv4 address")
    }
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(descriptor, 64) == 0 else {
      let reason = String(cString: strerror(errno))
      close(descriptor)
      throw Failure(description: reason)
    }
    var actual = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &actual) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    self.port = Int(UInt16(bigEndian: actual.sin_port))
    self.socket = descriptor
  }

  /// Accepts connections until the process ends.
  public func serve() -> Never {
    while true {
      let client = accept(socket, nil, nil)
      if client < 0 { continue }
      Thread.detachNewThread { [self] in
        self.respond(client)
        close(client)
      }
    }
  }

  private func respond(_ client: Int32) {
    var request: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while request.count < 65536 {
      let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
      if count <= 0 { break }
      request.append(contentsOf: buffer[0..<count])
      if request.count >= 4, request.suffix(4) == [13, 10, 13, 10] { break }
    }
    let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
    let parts = line.split(separator: " ")
    guard parts.count >= 2, parts[0] == "GET" || parts[0] == "HEAD" else {
      send(
        client, status: "405 Method Not Allowed", type: "text/plain", body: Array("GET only\n".utf8)
      )
      return
    }
    let path = parts[1].split(separator: "?").first.map(String.init) ?? "/"
    guard let file = resolve(path) else {
      send(client, status: "404 Not Found", type: "text/plain", body: Array("not found\n".utf8))
      return
    }
    do throws(FileSystem.Failure) {
      let body = try FileSystem.read(file)
      send(
        client, status: "200 OK", type: Self.contentType(file), body: body, head: parts[0] == "HEAD"
      )
    } catch {
      send(client, status: "404 Not Found", type: "text/plain", body: Array("not found\n".utf8))
    }
  }

  /// The file a URL path names: `/` is the site's index, `/x` is `docs/x` or else `x`.
  /// Nothing outside the served folder: `..` and hidden names are refused.
  func resolve(_ path: String) -> String? {
    let decoded = path.removingPercentEncoding ?? path
    let segments = decoded.split(separator: "/").map(String.init)
    guard !segments.contains(where: { $0 == ".." || $0.hasPrefix(".") }) else { return nil }
    let relative = segments.joined(separator: "/")
    if relative.isEmpty { return root + "/docs/index.html" }
    for candidate in [root + "/docs/" + relative, root + "/" + relative]
    where FileSystem.exists(candidate) && !FileSystem.isDirectory(candidate) {
      return candidate
    }
    return nil
  }

  static func contentType(_ path: String) -> String {
    switch path.split(separator: ".").last ?? "" {
    case "html": "text/html; charset=utf-8"
    case "js": "text/javascript; charset=utf-8"
    case "json": "application/json"
    case "css": "text/css"
    case "png": "image/png"
    case "svg": "image/svg+xml"
    default: "application/octet-stream"
    }
  }

  private func send(
    _ client: Int32, status: String, type: String, body: [UInt8], head: Bool = false
  ) {
    let header =
      "HTTP/1.1 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\n"
      + "Cache-Control: no-cache\r\nConnection: close\r\n\r\n"
    var bytes = Array(header.utf8)
    if !head { bytes += body }
    var sent = 0
    while sent < bytes.count {
      let count = bytes[sent...].withUnsafeBytes {
        Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      if count <= 0 { return }
      sent += count
    }
  }
}
