import Avro
import AvroCodec
import Foundation
import SchemaRegistryClient
import SchemaRegistrySerde
import TestSupport
import Testing

@Suite struct SerializerTests {
    @Test func roundTripThroughARealRegistry() async throws {
        let registry = try LiveRegistry()
        let serializer = try AvroSerializer(client: registry.client, schema: CodecFixtures.everyTypeSchema)
        let message = try #require(try await serializer.serialize(CodecFixtures.everyTypeValue, topic: "things"))
        let id = try await registry.client.latestVersion(subject: "things-value").id
        #expect(Array(message.prefix(5)) == [0, UInt8(id >> 24), UInt8((id >> 16) & 0xff), UInt8((id >> 8) & 0xff), UInt8(id & 0xff)])
        let deserializer = AvroDeserializer(client: registry.client)
        #expect(try await deserializer.deserialize(message) == CodecFixtures.everyTypeValue)
    }

    @Test func nilIsATombstoneBothWays() async throws {
        let registry = try LiveRegistry()
        let serializer = try AvroSerializer(client: registry.client, schema: "\"string\"")
        #expect(try await serializer.serialize(nil as AvroValue?, topic: "t") == nil)
        let deserializer = AvroDeserializer(client: registry.client)
        #expect(try await deserializer.deserialize(nil) == nil)
        #expect(try await deserializer.deserialize([]) == nil)
        // Nothing was registered for a tombstone.
        #expect(try await registry.client.subjects().isEmpty)
    }

    @Test func codableStructsSerializeDirectly() async throws {
        struct Reading: Codable, Equatable {
            var sensor: String
            var celsius: Double
            var at: Date
            var tags: [String]
            var battery: Int?
        }
        let schema = """
            {"type":"record","name":"Reading","namespace":"iot","fields":[{"name":"sensor","type":"string"},
            {"name":"celsius","type":"double"},{"name":"at","type":{"type":"long","logicalType":"timestamp-micros"}},
            {"name":"tags","type":{"type":"array","items":"string"}},{"name":"battery","type":["null","int"],"default":null}]}
            """
        let registry = try LiveRegistry()
        let serializer = try AvroSerializer(client: registry.client, schema: schema)
        let deserializer = AvroDeserializer(client: registry.client)
        for reading in [Reading(sensor: "s1", celsius: 21.5, at: Date(timeIntervalSince1970: 1_700_000_000.25), tags: ["a"], battery: 80),
                        Reading(sensor: "s2", celsius: -3, at: Date(timeIntervalSince1970: 0), tags: [], battery: nil)] {
            let message = try await serializer.serialize(reading, topic: "readings")
            #expect(try await deserializer.deserialize(Reading.self, from: message) == reading)
        }
    }

    @Test func subjectNameStrategies() async throws {
        let registry = try LiveRegistry()
        let schema = #"{"type":"record","name":"Ping","namespace":"net","fields":[{"name":"n","type":"int"}]}"#
        let value: AvroValue = .record(AvroRecord(["n": 1]))
        let strategies: [(SubjectNameStrategy, Bool, String)] = [
            (.topicName, false, "pings-value"),
            (.topicName, true, "pings-key"),
            (.recordName, false, "net.Ping"),
            (.topicRecordName, false, "pings-net.Ping"),
            (.custom { topic, isKey, record in "custom.\(topic).\(isKey).\(record ?? "-")" }, false, "custom.pings.false.net.Ping"),
        ]
        for (strategy, isKey, expected) in strategies {
            let serializer = try AvroSerializer(
                client: registry.client, schema: schema, configuration: .init(subjectNameStrategy: strategy, isKey: isKey))
            #expect(try serializer.subject(topic: "pings") == expected)
            _ = try await serializer.serialize(value, topic: "pings")
        }
        #expect(Set(try await registry.client.subjects()) == Set(strategies.map(\.2)))
    }

    @Test func withoutAutoRegisterTheSchemaMustExist() async throws {
        let registry = try LiveRegistry()
        let schema = #"{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}"#
        let strict = try AvroSerializer(client: registry.client, schema: schema, configuration: .init(autoRegisterSchemas: false))
        await #expect(throws: SerdeError.self) { try await strict.serialize(AvroValue.record(AvroRecord(["a": 1])), topic: "r") }
        let id = try await registry.client.register(subject: "r-value", schema: SchemaInfo(schema: schema))
        let message = try #require(try await strict.serialize(AvroValue.record(AvroRecord(["a": 1])), topic: "r"))
        #expect(message[4] == UInt8(id))
    }

    @Test func useLatestVersionWritesWithTheRegisteredSchema() async throws {
        let registry = try LiveRegistry()
        let v1 = #"{"type":"record","name":"R","fields":[{"name":"a","type":"long"}]}"#
        let v2 = #"{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"b","type":"string","default":"x"}]}"#
        _ = try await registry.client.register(subject: "r-value", schema: SchemaInfo(schema: v1))
        let latestID = try await registry.client.register(subject: "r-value", schema: SchemaInfo(schema: v2))
        let serializer = AvroSerializer(client: registry.client)
        // Field b is missing from the value and takes its default.
        let message = try #require(try await serializer.serialize(AvroValue.record(AvroRecord(["a": 3])), topic: "r"))
        #expect(message[4] == UInt8(latestID))
        let read = try await AvroDeserializer(client: registry.client).deserialize(message)
        #expect(read == .record(AvroRecord(["a": .long(3), "b": .string("x")])))
    }

    @Test func v1MessagesReadWithAV2ReaderSchema() async throws {
        let registry = try LiveRegistry()
        let v1 = #"{"type":"record","name":"User","fields":[{"name":"name","type":"string"},{"name":"age","type":"int"}]}"#
        let v2 = """
            {"type":"record","name":"User","fields":[{"name":"name","type":"string"},{"name":"age","type":"long"},
            {"name":"email","type":["null","string"],"default":null}]}
            """
        let message = try await AvroSerializer(client: registry.client, schema: v1).serialize(
            AvroValue.record(AvroRecord(["name": "ada", "age": .int(36)])), topic: "users")
        let reader = AvroDeserializer(client: registry.client, readerSchema: try AvroSchema(parsing: v2))
        #expect(try await reader.deserialize(message) == .record(AvroRecord(["name": "ada", "age": .long(36), "email": .null])))
    }

    @Test func headerFormNamesTheSchema() async throws {
        let registry = try LiveRegistry()
        let serializer = try AvroSerializer(client: registry.client, schema: "\"long\"")
        let framed = try #require(try await serializer.serialize(AvroValue.long(7), topic: "n"))
        let deserializer = AvroDeserializer(client: registry.client)
        // Header carries 0x00 + id; the payload is then the bare Avro body.
        let read = try await deserializer.deserialize(Array(framed.dropFirst(5)), headers: ["__value_schema_id": Array(framed.prefix(5))])
        #expect(read == .long(7))
        await #expect(throws: SerdeError.self) {
            try await deserializer.deserialize([14], headers: ["__value_schema_id": [1, 2, 3]])
        }
    }

    @Test func badMessagesAreTypedErrors() async throws {
        let registry = try LiveRegistry()
        let serializer = try AvroSerializer(client: registry.client, schema: #"{"type":"record","name":"R","fields":[{"name":"s","type":"string"}]}"#)
        let good = try #require(try await serializer.serialize(AvroValue.record(AvroRecord(["s": "hello"])), topic: "r"))
        let deserializer = AvroDeserializer(client: registry.client)

        func expectError(_ bytes: [UInt8], matching check: (SerdeError) -> Bool) async {
            do {
                let value = try await deserializer.deserialize(bytes)
                Issue.record("decoded \(String(describing: value)) from \(bytes)")
            } catch {
                #expect(check(error), "\(error)")
            }
        }
        await expectError([7] + good.dropFirst()) { if case .invalidMagicByte(7) = $0 { true } else { false } }
        await expectError([0, 0, 0]) { if case .messageTooShort = $0 { true } else { false } }
        await expectError([0, 0, 0, 0x7f, 0xff, 2, 0x41]) { if case .unknownSchema = $0 { true } else { false } }
        await expectError(Array(good.dropLast())) { if case .codec(.truncated) = $0 { true } else { false } }
        await expectError(good + [0]) { if case .codec(.trailingBytes(1)) = $0 { true } else { false } }
        await expectError(Array(good.prefix(5)) + [0x80, 0x80, 0x80, 0x80, 0x08, 0x41]) { if case .codec = $0 { true } else { false } }
    }

    @Test func mismatchedValueNamesTheField() async throws {
        let registry = try LiveRegistry()
        let serializer = try AvroSerializer(client: registry.client, schema: CodecFixtures.everyTypeSchema)
        guard case .record(var record) = CodecFixtures.everyTypeValue else { return }
        record["child"] = .record(AvroRecord(["x": "seven"]))
        do {
            _ = try await serializer.serialize(AvroValue.record(record), topic: "t")
            Issue.record("serialized a string into an int field")
        } catch {
            guard case .codec(.valueDoesNotMatchSchema(let path, _)) = error else { Issue.record("\(error)"); return }
            #expect(path == "$.child.x")
        }
    }

    @Test func fuzzedMessagesNeverCrash() async throws {
        let registry = try LiveRegistry()
        let serializer = try AvroSerializer(client: registry.client, schema: CodecFixtures.everyTypeSchema)
        let good = try #require(try await serializer.serialize(CodecFixtures.everyTypeValue, topic: "fuzz"))
        let deserializer = AvroDeserializer(client: registry.client)
        var state: UInt64 = 0xfeed
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        var typedErrors = 0
        for round in 0..<1_500 {
            var bytes = good
            if round % 4 == 0 {
                bytes = Array(good.prefix(5)) + (0..<Int(next() % 80)).map { _ in UInt8(truncatingIfNeeded: next()) }
            } else {
                for _ in 0...Int(next() % 3) {
                    bytes[5 + Int(next() % UInt64(bytes.count - 5))] = UInt8(truncatingIfNeeded: next())
                }
            }
            do {
                _ = try await deserializer.deserialize(bytes)
            } catch {
                typedErrors += 1
            }
        }
        #expect(typedErrors > 0)
    }
}
