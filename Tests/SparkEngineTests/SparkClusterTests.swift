#if Spark
  import Foundation
  import SwdbtTestSupport
  import Testing

  /// One `swdbt build` on Spark's multi-process mode (a driver and two executor processes:
  /// `scripts/spark-local.sh start --cluster`); runs when `SWDBT_SPARK_CLUSTER=1` says the
  /// server was started so.
  @Suite(
    .serialized,
    .enabled(
      if: SparkServer.isReachable
        && ProcessInfo.processInfo.environment["SWDBT_SPARK_CLUSTER"] == "1",
      "set SWDBT_SPARK_CLUSTER=1 with a server from scripts/spark-local.sh start --cluster"))
  struct SparkClusterTests {
    @Test func portableProjectBuildsOnTheCluster() async throws {
      let files = try PortableProjectTests.files()
      try await onOwnThread {
        let spark = try SparkProject("cluster", files: files)
        let master = try spark.rows("set spark.master").first?.last ?? nil
        #expect(master?.hasPrefix("local-cluster") == true, "master is \(master ?? "unset")")
        let build = try spark.swdbt(["build"])
        #expect(build.status == 0, "\(build.stdout)\(build.stderr)")
        // 3 seeds, 6 models, 7 data tests and 1 unit test.
        #expect(build.stdout.contains("PASS=17"), "\(build.stdout)")
        let customers = try spark.rows(
          "select full_name, number_of_orders from {schema}.customers order by customer_id")
        #expect(customers.first == ["Michael P.", "3"])
      }
    }
  }
#endif
