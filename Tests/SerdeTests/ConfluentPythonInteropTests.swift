import Avro
import AvroCodec
import Foundation
import SchemaRegistryClient
import SchemaRegistrySerde
import TestSupport
import Testing

/// Interop with the real Python client (confluent-kafka's AvroSerializer and AvroDeserializer)
/// through a real registry: its messages decode with our deserializer to the same values, and
/// ours decode with its deserializer, for a record using every type.
@Suite struct ConfluentPythonInteropTests {
    /// The Python side builds the same value as `CodecFixtures.everyTypeValue`.
    static let python = #"""
        import sys, uuid, decimal, datetime
        from confluent_kafka.schema_registry import SchemaRegistryClient
        from confluent_kafka.schema_registry.avro import AvroSerializer, AvroDeserializer
        from confluent_kafka.serialization import SerializationContext, MessageField
        mode, url, topic, schema = sys.argv[1:5]
        client = SchemaRegistryClient({"url": url})
        utc = datetime.timezone.utc
        value = \#(CodecFixtures.everyTypeValuePython)
        context = SerializationContext(topic, MessageField.VALUE)
        if mode == "serialize":
            print(AvroSerializer(client, schema)(value, context).hex())
        else:
            read = AvroDeserializer(client)(bytes.fromhex(sys.stdin.read().strip()), context)
            if read != value:
                sys.exit("mismatch: " + repr({k: (read[k], value[k]) for k in value if read[k] != value[k]}))
            print("same")
        """#

    @Test func pythonMessagesDecodeWithOurDeserializer() async throws {
        let registry = try LiveRegistry()
        let result = try runPython(Self.python, ["serialize", registry.server.url.absoluteString, "py", CodecFixtures.everyTypeSchema])
        try #require(result.status == 0, "python: \(result.error)")
        let message = bytes(fromHex: result.output)
        #expect(message.first == 0)
        let decoded = try await AvroDeserializer(client: registry.client).deserialize(message)
        #expect(decoded == CodecFixtures.everyTypeValue)
    }

    @Test func ourMessagesDecodeWithPythonDeserializer() async throws {
        let registry = try LiveRegistry()
        let serializer = try AvroSerializer(client: registry.client, schema: CodecFixtures.everyTypeSchema)
        let message = try #require(try await serializer.serialize(CodecFixtures.everyTypeValue, topic: "swift"))
        let result = try runPython(
            Self.python, ["deserialize", registry.server.url.absoluteString, "swift", CodecFixtures.everyTypeSchema], stdin: message.hexString)
        #expect(result.status == 0, "python: \(result.error)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "same")
    }
}
