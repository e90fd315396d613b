import Avro
import AvroCodec
import Foundation
import TestSupport
import Testing

/// Byte-level interop with fastavro (the Avro library under confluent-kafka-python's AvroSerializer):
/// its `schemaless_writer` output decodes with our codec to the same value, and our output decodes
/// with its `schemaless_reader` to the same value, for a record using every type.
@Suite struct FastavroInteropTests {
    /// The Python side builds the same value as `CodecFixtures.everyTypeValue`.
    static let python = #"""
        import sys, io, json, uuid, decimal, datetime, fastavro
        schema = fastavro.parse_schema(json.loads(sys.argv[2]))
        utc = datetime.timezone.utc
        value = \#(CodecFixtures.everyTypeValuePython)
        if sys.argv[1] == "write":
            out = io.BytesIO()
            fastavro.schemaless_writer(out, schema, value)
            print(out.getvalue().hex())
        else:
            data = bytes.fromhex(sys.stdin.read().strip())
            stream = io.BytesIO(data)
            read = fastavro.schemaless_reader(stream, schema, schema)
            if stream.tell() != len(data):
                sys.exit("trailing bytes")
            if read != value:
                sys.exit("mismatch: " + repr({k: (read[k], value[k]) for k in value if read[k] != value[k]}))
            print("same")
        """#

    static func runPython(_ mode: String, stdin: String = "") throws -> (status: Int32, output: String, error: String) {
        let result = try python3(["-c", python, mode, CodecFixtures.everyTypeSchema], stdin: stdin)
        return (result.status, result.stdout, result.stderr)
}

    static func bytes(fromHex hex: String) -> [UInt8] {
        let digits = Array(hex.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).compactMap { UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16) }
    }

    @Test func fastavroBytesDecodeToTheSameValue() throws {
        let result = try Self.runPython("write")
        try #require(result.status == 0, "python failed: \(result.error)")
        let codec = try CodecFixtures.codec(CodecFixtures.everyTypeSchema)
        let bytes = Self.bytes(fromHex: result.output)
        #expect(try codec.decode(bytes) == CodecFixtures.everyTypeValue)
        // Same value, same encoding: the bytes match exactly.
        #expect(try codec.encode(CodecFixtures.everyTypeValue) == bytes)
    }

    @Test func ourBytesDecodeWithFastavroToTheSameValue() throws {
        let codec = try CodecFixtures.codec(CodecFixtures.everyTypeSchema)
        let hex = try codec.encode(CodecFixtures.everyTypeValue).hexString
        let result = try Self.runPython("read", stdin: hex)
        #expect(result.status == 0, "fastavro: \(result.error)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "same")
    }
}
