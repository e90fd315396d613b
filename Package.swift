// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "schema-registry",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Avro", targets: ["Avro"]),
        .library(name: "SchemaRegistrySerde", targets: ["SchemaRegistrySerde"]),
        .executable(name: "schema-registry", targets: ["schema-registry"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // MD5 / SHA-256 of canonical forms (schema identity, GUIDs).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // The server's /metrics: counters and histograms through swift-metrics, in Prometheus' text format.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // Layer 1: C bindings. Headers only; the shims hold one-line wrappers and no logic.
        .systemLibrary(name: "CAvro", pkgConfig: "avro-c", providers: [.apt(["libavro-dev"])]),
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        // libmicrohttpd's TLS backend: client-certificate verification and clear key/certificate errors.
        .systemLibrary(name: "CGnuTLS", pkgConfig: "gnutls", providers: [.apt(["libgnutls28-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        // Layer 2: JSON as every layer reads and writes it (order-keeping objects, literal numbers), then the
        // Avro schema model, canonical form and compatibility rules over it. Pure Swift.
        .target(name: "JSON"),
        // The one lock box, for every target that shares state between threads.
        .target(name: "Locking"),
        .target(name: "Avro", dependencies: ["JSON", .product(name: "Crypto", package: "swift-crypto")]),

        // Layer 3: binary encoding and decoding of values over libavro, and reader-schema projection.
        .target(name: "AvroCodec", dependencies: ["Avro", "JSON", "CAvro"]),

        // The registry's vocabulary that the server and its clients share: references, (subject, version) pairs,
        // version selectors, compatibility configs and results, and their JSON shapes, each defined once.
        .target(name: "RegistryModel", dependencies: ["Avro", "JSON"]),

        // Layer 4: the registry's rules over a storage protocol, and its SQLite and PostgreSQL implementations.
        .target(name: "RegistryCore", dependencies: [
            "RegistryModel", "Avro", "JSON", .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .target(name: "RegistrySQLite", dependencies: ["RegistryCore", "RegistryModel", "Avro", "JSON", "CSQLite"]),
        .target(name: "RegistryPostgres", dependencies: ["RegistryCore", "RegistryModel", "CPostgres"]),

        // Authentication and per-subject ACLs from a Karapace-format auth file (used by the server face).
        .target(name: "RegistryAuth", dependencies: [
            "JSON", "Locking", .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Layer 5: faces. The HTTP server, the REST client and serializer, the command line.
        .target(name: "RegistryServer", dependencies: [
            "RegistryCore", "RegistryModel", "RegistryAuth", "Avro", "JSON", "CMicroHTTPD", "CGnuTLS", .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "SchemaRegistryClient", dependencies: ["RegistryModel", "Avro", "JSON", "Locking"]),
        .target(name: "SchemaRegistrySerde", dependencies: ["SchemaRegistryClient", "AvroCodec", "Avro", "JSON", "Locking"]),
        .target(name: "SchemaRegistryCLI", dependencies: [
            "Avro", "JSON", "AvroCodec", "RegistryCore", "RegistrySQLite", "RegistryPostgres", "RegistryServer", "SchemaRegistryClient",
            "SchemaRegistrySerde", "RegistryAuth",
            .product(name: "Metrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "schema-registry", dependencies: ["SchemaRegistryCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // Benchmarks: run through scripts/bench-*.sh in release mode; never timed inside tests.
        .executableTarget(name: "compat-benchmark", dependencies: ["Avro", "JSON", "RegistryModel", "RegistryCore", "RegistrySQLite"], path: "Sources/Benchmarks/compat-benchmark"),
        .executableTarget(name: "serde-benchmark", dependencies: ["SchemaRegistrySerde", "AvroCodec", "Avro", "JSON", "CAvro"], path: "Sources/Benchmarks/serde-benchmark"),

        // Shared by the test targets: runs the built binary, starts a real server on a free port, and a throwaway
        // PostgreSQL cluster.
        .target(name: "TestSupport", dependencies: ["Avro", "JSON", "AvroCodec"], path: "Sources/TestSupport"),

        .testTarget(name: "JSONTests", dependencies: ["TestSupport", "JSON"]),
        .testTarget(name: "RegistryModelTests", dependencies: ["RegistryModel", "Avro", "JSON"]),
        .testTarget(name: "AvroTests", dependencies: ["TestSupport", "Avro", "JSON"]),
        .testTarget(name: "CompatibilityTests", dependencies: ["TestSupport", "Avro", "JSON"]),
        .testTarget(name: "AvroCodecTests", dependencies: ["TestSupport", "AvroCodec", "Avro", "JSON"]),
        .testTarget(name: "RegistryCoreTests", dependencies: [
            "TestSupport", "RegistryCore", "RegistrySQLite", "RegistryPostgres", "RegistryModel", "Avro", "JSON",
        ]),
        .testTarget(name: "RegistryServerTests", dependencies: [
            "TestSupport", "Avro", "JSON", "Locking", "RegistryServer", "RegistryCore", "RegistrySQLite", "RegistryAuth",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SerdeTests", dependencies: ["TestSupport", "SchemaRegistrySerde", "SchemaRegistryClient", "AvroCodec", "Avro", "JSON"]),
        .testTarget(name: "RegistryAuthTests", dependencies: ["RegistryAuth", "Locking", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "SchemaRegistryCLI", "Avro", "JSON"]),
    ]
)
