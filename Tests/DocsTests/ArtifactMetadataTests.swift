import Testing

@testable import Docs
@testable import Template

/// Every artifact's `metadata.env` holds the `DBT_ENV_CUSTOM_ENV_*` variables, as dbt's do.
@Suite struct ArtifactMetadataTests {
  @Test func customEnvironmentVariablesAreWrittenWithoutTheirPrefix() {
    let metadata = Manifest.Metadata(
      generatedAt: "2026-01-01T00:00:00Z", invocationID: "id", adapterType: "postgres",
      environment: [
        "DBT_ENV_CUSTOM_ENV_team": "data", "DBT_ENV_CUSTOM_ENV_run": "7", "HOME": "/root",
        "DBT_ENV_SECRET_PASSWORD": "hunter2",
      ])
    #expect(metadata.customEnvironment == ["team": "data", "run": "7"])
    var writer = JSONWriter()
    writer.beginObject()
    metadata.write(schema: "s", into: &writer)
    writer.endObject()
    let json = String(decoding: writer.bytes, as: UTF8.self)
    #expect(json.contains("\"env\":{\"run\":\"7\",\"team\":\"data\"}"), "\(json)")
    #expect(!json.contains("hunter2"))
  }
}
