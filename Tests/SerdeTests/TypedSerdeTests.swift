import Avro
import AvroCodec
import Foundation
import SchemaRegistryClient
import SchemaRegistrySerde
import TestSupport
import Testing

/// The serializer pair on Codable types (the typed path) against a real registry.
@Suite struct TypedSerdeTests {
    struct UserV1: Codable, Equatable {
        var name: String
        var age: Int32
    }

    struct UserV2: Codable, Equatable {
        var name: String
        var age: Int64
        var email: String?
    }

    static let v1 = #"{"type":"record","name":"User","fields":[{"name":"name","type":"string"},{"name":"age","type":"int"}]}"#
    static let v2 = """
        {"type":"record","name":"User","fields":[{"name":"name","type":"string"},{"name":"age","type":"long"},
        {"name":"email","type":["null","string"],"default":null}]}
        """

    @Test func typedMessagesAreThoseOfTheGenericPath() async throws {
        let registry = try LiveRegistry()
        let serializer = try AvroSerializer(client: registry.client, schema: Self.v1)
        let user = UserV1(name: "ada", age: 36)
        let typed = try #require(try await serializer.serialize(user, topic: "users"))
        let generic = try #require(try await serializer.serialize(AvroValue.record(AvroRecord(["name": "ada", "age": .int(36)])), topic: "users"))
        #expect(typed == generic)
        let deserializer = AvroDeserializer(client: registry.client)
        #expect(try await deserializer.deserialize(UserV1.self, from: typed) == user)
        #expect(try await deserializer.deserialize(typed) == .record(AvroRecord(["name": "ada", "age": .int(36)])))
        #expect(try await deserializer.deserialize(UserV1.self, from: nil) == nil)
        #expect(try await serializer.serialize(nil as UserV1?, topic: "users") == nil)
    }

    @Test func v1MessagesReadAsV2Structs() async throws {
        let registry = try LiveRegistry()
        let message = try await AvroSerializer(client: registry.client, schema: Self.v1).serialize(UserV1(name: "ada", age: 36), topic: "users")
        let reader = AvroDeserializer(client: registry.client, readerSchema: try AvroSchema(parsing: Self.v2))
        // Twice: the second read comes from the cached plan.
        for _ in 0..<2 {
            #expect(try await reader.deserialize(UserV2.self, from: message) == UserV2(name: "ada", age: 36, email: nil))
        }
    }

    @Test func useLatestVersionReadsWithTheLatestSchema() async throws {
        let registry = try LiveRegistry()
        let message = try await AvroSerializer(client: registry.client, schema: Self.v1).serialize(UserV1(name: "bo", age: 7), topic: "users")
        _ = try await registry.client.register(subject: "users-value", schema: SchemaInfo(schema: Self.v2))
        let reader = AvroDeserializer(client: registry.client, configuration: .init(useLatestVersion: true))
        #expect(try await reader.deserialize(UserV2.self, from: message, topic: "users") == UserV2(name: "bo", age: 7, email: nil))
    }

    @Test func badMessagesAreTypedErrors() async throws {
        let registry = try LiveRegistry()
        let good = try #require(try await AvroSerializer(client: registry.client, schema: Self.v1).serialize(UserV1(name: "ada", age: 1), topic: "u"))
        let deserializer = AvroDeserializer(client: registry.client)
        func expectError(_ bytes: [UInt8], matching check: (SerdeError) -> Bool) async {
            do {
                let value = try await deserializer.deserialize(UserV1.self, from: bytes)
                Issue.record("decoded \(String(describing: value)) from \(bytes)")
            } catch {
                #expect(check(error), "\(error)")
            }
        }
        await expectError(Array(good.dropLast())) { if case .codec(.truncated) = $0 { true } else { false } }
        await expectError(good + [0]) { if case .codec(.trailingBytes(1)) = $0 { true } else { false } }
        await expectError([7] + good.dropFirst()) { if case .invalidMagicByte(7) = $0 { true } else { false } }
        // A name of 2^30 bytes declared in five.
        await expectError(Array(good.prefix(5)) + [0x80, 0x80, 0x80, 0x80, 0x08]) { if case .codec(.truncated(path: "$.name")) = $0 { true } else { false } }
    }

    @Test func mismatchedValuesNameTheField() async throws {
        struct Wrong: Encodable {
            var name = "x"
            var age = Int64(1) << 40
        }
        let registry = try LiveRegistry()
        let serializer = try AvroSerializer(client: registry.client, schema: Self.v1)
        await #expect {
            _ = try await serializer.serialize(Wrong(), topic: "u")
        } throws: { error in
            guard case SerdeError.codec(.valueDoesNotMatchSchema(let path, _)) = error else { return false }
            return path == "$.age"
        }
    }
}
