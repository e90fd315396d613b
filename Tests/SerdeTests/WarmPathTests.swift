import Avro
import AvroCodec
import Foundation
import SchemaRegistryClient
import SchemaRegistrySerde
import TestSupport
import Testing

/// Once the schemas are cached the serializers take a synchronous path; it must behave like the first call.
@Suite struct WarmPathTests {
    static let schema = #"{"type":"record","name":"R","fields":[{"name":"s","type":"string"},{"name":"n","type":"long"}]}"#
    static let value = AvroValue.record(AvroRecord(["s": "hello", "n": .long(42)]))

    @Test func warmDeserializerStillRejectsBadBodies() async throws {
        let registry = try LiveRegistry()
        let good = try #require(try await AvroSerializer(client: registry.client, schema: Self.schema).serialize(Self.value, topic: "w"))
        // Without a reader schema, and with one equal to the writer's (the identity projection).
        for deserializer in [
            AvroDeserializer(client: registry.client),
            AvroDeserializer(client: registry.client, readerSchema: try AvroSchema(parsing: Self.schema)),
        ] {
            #expect(try await deserializer.deserialize(good) == Self.value)  // warms the cache
            await expectError(deserializer, good + [0, 0]) { if case .codec(.trailingBytes(2)) = $0 { true } else { false } }
            await expectError(deserializer, Array(good.dropLast())) { if case .codec(.truncated) = $0 { true } else { false } }
            await expectError(deserializer, [7] + good.dropFirst()) { if case .invalidMagicByte(7) = $0 { true } else { false } }
            #expect(try await deserializer.deserialize(good) == Self.value)
            let message = try await deserializer.decode(good)
            #expect(message.value == Self.value)
            #expect(message.writerSchema == (try AvroSchema(parsing: Self.schema)))
        }
    }

    func expectError(_ deserializer: AvroDeserializer, _ bytes: [UInt8], matching check: (SerdeError) -> Bool) async {
        do {
            let value = try await deserializer.deserialize(bytes)
            Issue.record("decoded \(String(describing: value)) from \(bytes)")
        } catch {
            #expect(check(error), "\(error)")
        }
    }

    @Test func warmDeserializerStillProjectsOntoTheReaderSchema() async throws {
        let registry = try LiveRegistry()
        let message = try #require(try await AvroSerializer(client: registry.client, schema: Self.schema).serialize(Self.value, topic: "p"))
        let readerSchema = try AvroSchema(parsing: """
            {"type":"record","name":"R","fields":[{"name":"n","type":"double"},
            {"name":"extra","type":"string","default":"none"}]}
            """)
        let deserializer = AvroDeserializer(client: registry.client, readerSchema: readerSchema)
        let expected = AvroValue.record(AvroRecord(["n": .double(42), "extra": "none"]))
        for _ in 0..<3 {
            #expect(try await deserializer.deserialize(message) == expected)
        }
    }

    @Test func warmSerializerWritesEachTopicsOwnSchemaID() async throws {
        let registry = try LiveRegistry()
        // Something registered first, so that the id in the header is not 1.
        _ = try await AvroSerializer(client: registry.client, schema: "\"int\"").serialize(AvroValue.int(1), topic: "other")
        let serializer = try AvroSerializer(client: registry.client, schema: Self.schema)
        var headers: [String: [UInt8]] = [:]
        for topic in ["a", "b", "a", "b", "a"] {
            let message = try #require(try await serializer.serialize(Self.value, topic: topic))
            let id = try await registry.client.latestVersion(subject: "\(topic)-value").id
            #expect(Array(message.prefix(5)) == WireFormat.header(id: id))
            #expect(try AvroCodec(schema: AvroSchema(parsing: Self.schema)).decode(Array(message.dropFirst(5))) == Self.value)
            if let earlier = headers[topic] { #expect(earlier == Array(message.prefix(5))) }
            headers[topic] = Array(message.prefix(5))
        }
        let deserializer = AvroDeserializer(client: registry.client)
        #expect(try await deserializer.deserialize(serializer.serialize(Self.value, topic: "b")) == Self.value)
    }
}
