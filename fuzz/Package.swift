// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for the schema parser, the compatibility checker, the message deserializer and the
// typed (Codable) decoder.
// A package of its own so the root package never builds them: they only make sense when compiled with
// `-sanitize=fuzzer,address`. Build and run them with `scripts/fuzz.sh TARGET SECONDS`.
let package = Package(
    name: "schema-registry-fuzz",
    dependencies: [.package(name: "schema-registry", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "fuzz-schema", dependencies: [
            "FuzzDriver", .product(name: "Avro", package: "schema-registry"),
        ]),
        .executableTarget(name: "fuzz-compat", dependencies: [
            "FuzzDriver", .product(name: "Avro", package: "schema-registry"),
        ]),
        // The typed (Codable) decoder, against the generic path on the same bytes.
        .executableTarget(name: "fuzz-typed-decoder", dependencies: [
            "FuzzDriver", .product(name: "Avro", package: "schema-registry"),
            .product(name: "SchemaRegistrySerde", package: "schema-registry"),
        ]),
        .executableTarget(name: "fuzz-deserializer", dependencies: [
            "FuzzDriver", .product(name: "Avro", package: "schema-registry"),
            // AvroCodec is not a product of its own; it comes with the serde library.
            .product(name: "SchemaRegistrySerde", package: "schema-registry"),
        ]),
    ]
)
