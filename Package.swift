// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "swdbt",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "swdbt", targets: ["swdbt"])
  ],
  // Spark Connect (gRPC) is opt-in: `swift build --traits Spark`. The default build does not
  // compile gRPC, so the PostgreSQL quick start does not pay for it.
  traits: [
    .trait(name: "Spark", description: "Apache Spark over Spark Connect (gRPC, HTTP/2)")
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
    .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
  ],
  targets: [
    .target(name: "Diagnostics"),
    .target(
      name: "Template",
      dependencies: [
        "Diagnostics",
        .product(name: "OrderedCollections", package: "swift-collections"),
      ]
    ),
    .target(
      name: "Runtime",
      dependencies: [
        "Diagnostics", "Template",
        .product(name: "OrderedCollections", package: "swift-collections"),
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    .target(
      name: "Project",
      dependencies: [
        "Adapter", "Diagnostics", "Template",
        .product(name: "OrderedCollections", package: "swift-collections"),
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    .target(name: "Graph", dependencies: ["Diagnostics"]),
    .target(
      name: "Compiler",
      dependencies: [
        "Diagnostics", "Template", "Project", "Graph", "Runtime", "Exposures",
        .product(name: "OrderedCollections", package: "swift-collections"),
      ]
    ),
    .target(
      name: "DataTests",
      dependencies: [
        "Compiler", "Diagnostics", "Project", "Runtime", "Template",
        .product(name: "OrderedCollections", package: "swift-collections"),
      ]
    ),
    .target(name: "Adapter"),
    .systemLibrary(
      name: "CLibPQ",
      pkgConfig: "libpq",
      providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
    ),
    // glibc's `mallopt`, to tune the allocator for a short-lived compiler (see MallocTuning).
    .systemLibrary(name: "CMalloc"),
    .target(
      name: "Postgres",
      dependencies: [
        "Adapter", "CLibPQ",
        .product(name: "Subprocess", package: "swift-subprocess"),
        .product(name: "SystemPackage", package: "swift-system"),
      ]
    ),
    .target(
      name: "Execution",
      dependencies: [
        "Adapter", "Compiler", "DataTests", "Diagnostics", "Project", "Runtime", "Template",
        .product(name: "HeapModule", package: "swift-collections"),
        .product(name: "OrderedCollections", package: "swift-collections"),
      ]
    ),
    // PostgreSQL's engine: the SQL each materialization, seed load, test, lock and look-up
    // sends. Execution knows only the engine protocols (Sources/Execution/Engine).
    .target(
      name: "PostgresEngine",
      dependencies: [
        "Adapter", "Compiler", "DataTests", "Diagnostics", "Execution", "Project", "Runtime",
        "Template",
      ]
    ),
    // Spark's engine: plain SQL over any DatabaseConnection, so it builds (and its unit tests
    // run) without the Spark trait; only the Spark Connect client needs gRPC.
    .target(
      name: "SparkEngine",
      dependencies: [
        "Adapter", "Compiler", "DataTests", "Diagnostics", "Execution", "Project", "Runtime",
        "Template", .product(name: "OrderedCollections", package: "swift-collections"),
      ]
    ),
    .target(name: "Metrics", dependencies: ["Diagnostics", "Project"]),
    // dbt's exposures and swdbt's dashboard charts, read on every load.
    .target(
      name: "Exposures",
      dependencies: [
        "Diagnostics", "Metrics", "Project", "Template",
        .product(name: "OrderedCollections", package: "swift-collections"),
      ]),
    .target(
      name: "Docs",
      dependencies: [
        "Adapter", "Compiler", "Diagnostics", "Exposures", "Graph", "Metrics", "Project",
        "Runtime", "Template", .product(name: "OrderedCollections", package: "swift-collections"),
      ]
    ),
    .executableTarget(
      name: "swdbt",
      dependencies: [
        "Diagnostics", "Template", "Project", "Graph", "Compiler", "Adapter", "Postgres",
        "DataTests", "Execution", "Docs", "CMalloc", "Runtime", "Metrics", "PostgresEngine",
        "Exposures", "SparkEngine", "SparkConnect",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "OrderedCollections", package: "swift-collections"),
      ],
      // Release binaries carry the Swift runtime and Foundation: the dynamic loader no longer
      // maps and binds a dozen libraries at each start (30 -> 18 ms for `--version`), and
      // calls into the runtime (retain, release) skip the PLT (a 10,000-model compile 4-8%
      // faster). Debug builds and the test bundles link them dynamically as before.
      linkerSettings: [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))]
    ),
    // The Spark Connect client; its sources are under `#if Spark`, and gRPC is linked only
    // with the trait.
    .target(
      name: "SparkConnect",
      dependencies: [
        "Adapter",
        .product(name: "GRPCCore", package: "grpc-swift-2", condition: .when(traits: ["Spark"])),
        .product(
          name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport",
          condition: .when(traits: ["Spark"])),
      ]
    ),
    .target(name: "SwdbtTestSupport", dependencies: ["Postgres", "Adapter"]),
    .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics", "SwdbtTestSupport"]),
    .testTarget(
      name: "TemplateTests",
      dependencies: [
        "Template", "Diagnostics", "SwdbtTestSupport",
        .product(name: "OrderedCollections", package: "swift-collections"),
      ]),
    .testTarget(
      name: "ProjectTests",
      dependencies: [
        "Project", "Template", "Diagnostics", "SwdbtTestSupport",
        .product(name: "OrderedCollections", package: "swift-collections"),
      ]),
    .testTarget(name: "GraphTests", dependencies: ["Graph", "Diagnostics"]),
    .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Template", "Diagnostics"]),
    .testTarget(
      name: "CompilerTests",
      dependencies: [
        "Compiler", "Project", "Graph", "Diagnostics", "Runtime", "Template", "SwdbtTestSupport",
        "Exposures",
      ],
      exclude: ["Fixtures"]
    ),
    .testTarget(
      name: "DocsTests",
      dependencies: [
        "Docs", "Adapter", "Compiler", "Exposures", "Graph", "Project", "Diagnostics", "Metrics",
        "SwdbtTestSupport",
      ]
    ),
    .testTarget(
      name: "MetricsTests", dependencies: ["Metrics", "Diagnostics", "Adapter", "SwdbtTestSupport"]),
    .testTarget(name: "CLITests", dependencies: ["swdbt", "SwdbtTestSupport"]),
    .testTarget(
      name: "ExecutionTests",
      dependencies: ["Execution", "Adapter", "Compiler", "Diagnostics", "Project"]),
    .testTarget(
      name: "PostgresEngineTests",
      dependencies: [
        "PostgresEngine", "Execution", "Adapter", "Compiler", "Diagnostics", "Project",
      ]
    ),
    .testTarget(
      name: "SparkEngineTests",
      dependencies: [
        "SparkEngine", "Execution", "Adapter", "Compiler", "Diagnostics", "Project", "Runtime",
        "Template", "swdbt", "SwdbtTestSupport", "SparkConnect",
        .product(name: "OrderedCollections", package: "swift-collections"),
      ],
      exclude: ["Fixtures"]
    ),
    .testTarget(
      name: "DataTestsTests",
      dependencies: [
        "DataTests", "Compiler", "Project", "Diagnostics", "Runtime", "SwdbtTestSupport",
      ]
    ),
    .testTarget(
      name: "SparkConnectTests",
      dependencies: [
        "SparkConnect", "Adapter",
        .product(name: "GRPCCore", package: "grpc-swift-2", condition: .when(traits: ["Spark"])),
      ]
    ),
    .testTarget(
      name: "IntegrationTests",
      dependencies: [
        "swdbt", "SwdbtTestSupport", "Postgres", "Adapter", "Execution", "PostgresEngine",
      ]
    ),
  ]
)

for target in package.targets where target.type != .system {
  target.swiftSettings =
    (target.swiftSettings ?? []) + [
      .enableUpcomingFeature("ExistentialAny"),
      .enableUpcomingFeature("InternalImportsByDefault"),
      .enableUpcomingFeature("MemberImportVisibility"),
      .unsafeFlags(["-static-stdlib"], .when(configuration: .release)),
    ]
}
