#if Spark
  import Adapter
  import Foundation
  @testable import SparkConnect
  import Testing

  /// A server started with `spark.connect.authenticate.token` (CI starts one on
  /// `SWDBT_SPARK_TOKEN_PORT` with the token `SWDBT_SPARK_TOKEN`): the bearer token is what
  /// lets a client in, and the refusal without it is an authentication error, not a hang.
  enum TokenServer {
    static let environment = ProcessInfo.processInfo.environment
    static let port = environment["SWDBT_SPARK_TOKEN_PORT"].flatMap(Int.init)
    static let token = environment["SWDBT_SPARK_TOKEN"] ?? ""
    static let skipReason: Comment =
      "no token-protected Spark Connect server: set SWDBT_SPARK_TOKEN_PORT and SWDBT_SPARK_TOKEN"
  }

  @Suite(.enabled(if: TokenServer.port != nil, TokenServer.skipReason))
  struct SparkTokenTests {
    private func connect(token: String?) async throws -> Result<String, DatabaseError> {
      let target = SparkTarget(host: "127.0.0.1", port: TokenServer.port ?? 0, token: token)
      return try await onOwnThread { () -> Result<String, DatabaseError> in
        do throws(DatabaseError) {
          let connection = try SparkConnection(target: target)
          defer { connection.close() }
          let rows = try connection.execute("select 40 + 2").rows
          return .success(rows.first?.first.flatMap { $0 } ?? "")
        } catch {
          return .failure(error)
        }
      }
    }

    @Test func theBearerTokenLetsTheClientIn() async throws {
      let answer = try await connect(token: TokenServer.token)
      #expect(try answer.get() == "42")
    }

    @Test func aMissingOrWrongTokenIsRefused() async throws {
      for token in [nil, TokenServer.token + "-wrong"] {
        guard case .failure(let error) = try await connect(token: token) else {
          Issue.record("connected with token \(token ?? "nil")")
          continue
        }
        #expect(error.message.localizedCaseInsensitiveContains("auth"), "\(error.message)")
        // The token never appears in what swdbt reports.
        #expect(!error.message.contains(TokenServer.token))
      }
    }
  }
#endif
