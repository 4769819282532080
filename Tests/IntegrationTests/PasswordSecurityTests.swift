import Adapter
import Foundation
import Postgres
import SwdbtTestSupport
import Testing

/// A secret in each form libpq accepts, run through `debug` and a failing `build`.
@Suite struct PasswordRedactionTests {
  static let forms: [(name: String, settings: String)] = [
    ("password", "password: \"{{ env_var('SWDBT_PASSWORD') }}\""),
    (
      "url query",
      "url: \"postgresql:///postgres?host=HOST&user=swdbt&password={{ env_var('SWDBT_PASSWORD') }}\""
    ),
    (
      "url user-info",
      "url: \"postgresql://swdbt:{{ env_var('SWDBT_PASSWORD') }}@/postgres?host=HOST\""
    ),
    ("dbname keywords", "dbname: \"dbname=postgres password={{ env_var('SWDBT_PASSWORD') }}\""),
  ]

  @Test(arguments: 0..<4, [false, true])
  func theSecretAppearsNowhere(form: Int, badPercent: Bool) async throws {
    let info = try await PostgresServer.start()
    let host = info.value("host") ?? ""
    let secret = "Zq\(badPercent ? "%zz" : "")-s3cret-\(UUID().uuidString.prefix(8))"
    let settings = Self.forms[form].settings.replacing("HOST", with: host)
    func project(port: Int?) throws -> ProjectFixture {
      var lines = ["type: postgres", "schema: it_pw_\(form)", settings]
      if !settings.hasPrefix("url") { lines += ["host: \(host)", "user: swdbt"] }
      if !settings.hasPrefix("url"), !settings.hasPrefix("dbname") {
        lines.append("dbname: postgres")
      }
      if let port { lines.append("port: \(port)") }
      return try ProjectFixture([
        "project.yml": "name: it\ntarget: it\ntargets:\n  it:\n"
          + lines.map { "    " + $0 }.joined(separator: "\n") + "\n",
        "models/m.sql": "select 1 as x\n",
      ])
    }
    let environment = ["SWDBT_PASSWORD": secret]
    let good = try project(port: nil)
    let failing = try project(port: 1)
    var outputs: [(String, ProcessResult)] = []
    outputs.append(
      ("debug", try Executable.run(["debug"], in: good.root, environment: environment)))
    outputs.append(
      ("failing debug", try Executable.run(["debug"], in: failing.root, environment: environment)))
    outputs.append(
      ("failing build", try Executable.run(["build"], in: failing.root, environment: environment)))
    outputs.append(
      (
        "failing json build",
        try Executable.run(
          ["build", "--log-format", "json"], in: failing.root, environment: environment)
      ))
    if !badPercent {
      #expect(outputs[0].1.stdout.contains("Connection test: OK"), "\(outputs[0].1.stdout)")
    }
    #expect(outputs[2].1.status == 1)
    for (what, output) in outputs {
      for text in [output.stdout, output.stderr] {
        #expect(!text.contains(secret), "\(Self.forms[form].name) \(what): \(text)")
        #expect(!text.contains(secret.replacing("%zz", with: "")), "\(what): \(text)")
      }
    }
    for root in [good.root, failing.root] {
      let files = FileManager.default.enumerator(atPath: root + "/target")
      while let path = files?.nextObject() as? String {
        guard let text = try? String(contentsOfFile: root + "/target/" + path, encoding: .utf8)
        else { continue }
        #expect(!text.contains(secret), "\(path)")
      }
    }
  }
}

@Suite struct ConnectionRedactionTests {
  @Test(arguments: [
    ("password=hunter2 host=db", "password=*** host=db"),
    ("host=db password = 'hun ter\\'2' port=1", "host=db password = '***' port=1"),
    ("postgresql://u:hunter2@db/w", "postgresql://u:***@db/w"),
    (
      "postgres://u@db/w?sslmode=require&password=hunter2&x=1",
      "postgres://u@db/w?sslmode=require&password=***&x=1"
    ),
    (
      "\"postgresql://u@db/w?pass%77ord=hunter2\" failed",
      "\"postgresql://u@db/w?pass%77ord=***\" failed"
    ),
    (
      "cannot connect: password authentication failed for user \"u\"",
      "cannot connect: password authentication failed for user \"u\""
    ),
  ])
  func everyPasswordFormIsMasked(text: String, masked: String) {
    #expect(ConnectionSecrets.redact(text) == masked)
  }

  @Test func knownSecretsAreMaskedWhereverLibpqEchoesThem() {
    let info = ConnectionInfo(settings: [
      "url": "postgresql://u:p%40ss%zz@db/w?password=other"
    ])
    #expect(
      info.redact("invalid percent-encoded token: \"p%40ss%zz\"")
        == "invalid percent-encoded token: \"***\"")
    #expect(info.redact("missing \"=\" after \"other\"") == "missing \"=\" after \"***\"")
    #expect(info.description == "dbname=postgresql://u:***@db/w?password=***")
    let keywords = ConnectionInfo(settings: ["dbname": "dbname=w password=ab cd"])
    #expect(
      keywords.redact("missing \"=\" after \"cd\" in connection info string")
        == "missing \"=\" after \"***\" in connection info string")
    #expect(keywords.description == "dbname=dbname=w password=*** ***")
    let quoted = ConnectionInfo(settings: ["dbname": "dbname=w password='a b\\'c'"])
    #expect(quoted.description == "dbname=dbname=w password='***'")
  }
}
