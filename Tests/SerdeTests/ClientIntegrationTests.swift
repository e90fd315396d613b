import Avro
import Foundation
import SchemaRegistryClient
import TestSupport
import Testing
import RegistryModel

/// The client against the real `schema-registry serve` over HTTP with a fresh SQLite file.
@Suite struct ClientIntegrationTests {
    static let orderV1 = SchemaInfo(
        schema: #"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"}]}"#)
    static let orderV2 = SchemaInfo(
        schema: #"{"type":"record","name":"Order","fields":[{"name":"id","type":"long"},{"name":"note","type":"string","default":""}]}"#)
    static let orderBreaking = SchemaInfo(
        schema: #"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}"#)

    static func withServer(_ body: (SchemaRegistryClient, TestServer) async throws -> Void) async throws {
        let server = try TestServer.start()
        defer { _ = server.stop() }
        try await body(try SchemaRegistryClient(SchemaRegistryConfiguration(url: server.url.absoluteString)), server)
    }

    @Test func registersLooksUpAndFetches() async throws {
        try await Self.withServer { client, _ in
            let id = try await client.register(subject: "orders-value", schema: Self.orderV1)
            #expect(try await client.register(subject: "orders-value", schema: Self.orderV1) == id)

            let found = try await client.lookUp(subject: "orders-value", schema: Self.orderV1)
            #expect(found.id == id && found.version == 1 && found.subject == "orders-value")

            let fresh = try SchemaRegistryClient(client.configuration)
            let byID = try await fresh.schema(id: id)
            #expect(byID.schemaType == .avro)
            #expect(byID.schema.contains("\"Order\""))

            let id2 = try await client.register(subject: "orders-value", schema: Self.orderV2)
            #expect(id2 != id)
            let latest = try await fresh.latestVersion(subject: "orders-value")
            #expect(latest.version == 2 && latest.id == id2)
            #expect(try await fresh.version(subject: "orders-value", version: 1).id == id)
            #expect(try await fresh.subjects() == ["orders-value"])
            #expect(try await fresh.versions(subject: "orders-value") == [1, 2])
        }
    }

    @Test func reportsTypedErrorsFromTheServer() async throws {
        try await Self.withServer { client, _ in
            let unknownID = await #expect(throws: SchemaRegistryError.self) { try await client.schema(id: 999) }
            #expect(unknownID?.errorCode == SchemaRegistryError.Code.schemaNotFound)
            #expect(unknownID?.httpStatus == 404)

            let unknownSubject = await #expect(throws: SchemaRegistryError.self) {
                try await client.latestVersion(subject: "nope")
            }
            #expect(unknownSubject?.errorCode == SchemaRegistryError.Code.subjectNotFound)

            let invalid = await #expect(throws: SchemaRegistryError.self) {
                try await client.register(subject: "bad", schema: SchemaInfo(schema: #"{"type":"record"}"#))
            }
            #expect(invalid?.errorCode == SchemaRegistryError.Code.invalidSchema)
            #expect(invalid?.httpStatus == 422)

            _ = try await client.register(subject: "orders-value", schema: Self.orderV1)
            let incompatible = await #expect(throws: SchemaRegistryError.self) {
                try await client.register(subject: "orders-value", schema: Self.orderBreaking)
            }
            #expect([SchemaRegistryError.Code.incompatibleSchema, 409].contains(incompatible?.errorCode ?? 0))
            #expect(incompatible?.httpStatus == 409)
        }
    }

    @Test func testsCompatibilityAndChangesConfig() async throws {
        try await Self.withServer { client, _ in
            _ = try await client.register(subject: "orders-value", schema: Self.orderV1)
            #expect(try await client.testCompatibility(subject: "orders-value", schema: Self.orderV2).isCompatible)
            let verdict = try await client.testCompatibility(
                subject: "orders-value", version: .latest, schema: Self.orderBreaking, verbose: true)
            #expect(!verdict.isCompatible)
            #expect(!verdict.messages.isEmpty)

            #expect(try await client.config().compatibilityLevel == .backward)
            try await client.setConfig(CompatibilityConfig(compatibilityLevel: CompatibilityLevel.none), subject: "orders-value")
            #expect(try await client.config(subject: "orders-value").compatibilityLevel == CompatibilityLevel.none)
            #expect(try await client.testCompatibility(subject: "orders-value", schema: Self.orderBreaking).isCompatible)
        }
    }

    @Test func deletesAndForgets() async throws {
        try await Self.withServer { client, _ in
            let id = try await client.register(subject: "orders-value", schema: Self.orderV1)
            _ = try await client.latestVersion(subject: "orders-value")
            #expect(try await client.deleteSubject("orders-value") == [1])
            let gone = await #expect(throws: SchemaRegistryError.self) {
                try await client.latestVersion(subject: "orders-value")
            }
            #expect(gone?.errorCode == SchemaRegistryError.Code.subjectNotFound)
            #expect(try await client.subjects(includeDeleted: true) == ["orders-value"])
            #expect(try await client.deleteSubject("orders-value", permanent: true) == [1])
            #expect(try await client.subjects(includeDeleted: true).isEmpty)
            // Ids are never reused, but the schema of a deleted id stays readable in the id cache.
            #expect(client.cachedSchema(id: id) != nil)
        }
    }

    @Test func fetchesByGUIDAndDeletesVersionsAndSubjectConfig() async throws {
        try await Self.withServer { client, _ in
            _ = try await client.register(subject: "orders-value", schema: Self.orderV1)
            let v2 = try await client.register(subject: "orders-value", schema: Self.orderV2)
            let latest = try await client.latestVersion(subject: "orders-value")
            let guid = try #require(latest.guid)
            let fresh = try SchemaRegistryClient(client.configuration)
            #expect(try await fresh.schema(guid: guid).schema == latest.schema.schema)

            #expect(try await client.deleteVersion(subject: "orders-value", version: .latest) == 2)
            #expect(try await client.latestVersion(subject: "orders-value").version == 1)
            #expect(try await client.versions(subject: "orders-value") == [1])
            #expect(try await client.versions(subject: "orders-value", includeDeleted: true) == [1, 2])
            #expect(client.cachedSchema(id: v2) != nil)

            try await client.setConfig(CompatibilityConfig(compatibilityLevel: .full), subject: "orders-value")
            #expect(try await client.deleteConfig(subject: "orders-value").compatibilityLevel == .full)
            let unset = await #expect(throws: SchemaRegistryError.self) { try await client.config(subject: "orders-value") }
            #expect(unset?.errorCode == SchemaRegistryError.Code.subjectCompatibilityNotConfigured)
            #expect(try await client.config(subject: "orders-value", defaultToGlobal: true).compatibilityLevel == .backward)
        }
    }

    @Test func warmCacheMakesNoNetworkCalls() async throws {
        let server = try TestServer.start()
        var configuration = try SchemaRegistryConfiguration(url: server.url.absoluteString)
        configuration.latestCacheTTL = .seconds(60)
        let client = try SchemaRegistryClient(configuration)
        let id = try await client.register(subject: "orders-value", schema: Self.orderV1)
        _ = try await client.schema(id: id)
        _ = try await client.latestVersion(subject: "orders-value")
        _ = try await client.lookUp(subject: "orders-value", schema: Self.orderV1)
        _ = server.stop()
        // The registry is gone; everything warmed up still answers.
        #expect(try await client.register(subject: "orders-value", schema: Self.orderV1) == id)
        #expect(try await client.schema(id: id).schema.contains("Order"))
        #expect(try await client.latestVersion(subject: "orders-value").id == id)
        #expect(try await client.lookUp(subject: "orders-value", schema: Self.orderV1).version == 1)
        let cold = await #expect(throws: SchemaRegistryError.self) { try await client.subjects() }
        #expect(cold?.kind == .transport)
    }
}
