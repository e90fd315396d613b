import Avro
import AvroCodec
import TestSupport
import Testing

/// Bodies that declare more than they hold, at every nesting level: each is a typed error, found
/// before libavro allocates what the body declares.
@Suite struct MalformedBodyTests {
    /// A zigzag varint, written by hand so the test does not share code with the codec.
    static func varint(_ value: Int64) -> [UInt8] {
        var n = UInt64(bitPattern: (value << 1) ^ (value >> 63))
        var bytes: [UInt8] = []
        while n >= 0x80 {
            bytes.append(UInt8(n & 0x7f) | 0x80)
            n >>= 7
        }
        return bytes + [UInt8(n)]
    }

    static let nested = #"""
        {"type":"record","name":"Outer","fields":[
          {"name":"s","type":"string"},
          {"name":"inner","type":{"type":"record","name":"Inner","fields":[
            {"name":"b","type":"bytes"},
            {"name":"list","type":{"type":"array","items":["null",{"type":"map","values":"string"}]}}]}}]}
        """#

    /// Bodies of `nested` that declare far more than they hold, at each level; each must be a typed error.
    static let oversized: [(String, [UInt8])] = [
        ("string at the top", varint(1_000_000_000) + [0x41]),
        ("negative string length", varint(-1)),
        ("bytes one level down", [2, 0x41] + varint(1 << 40) + [1, 2]),
        ("negative bytes length", [2, 0x41] + varint(-5) + [1, 2]),
        ("array block count", [0, 0] + varint(Int64(Int32.max)) + [0, 0]),
        ("array block count above Int32", [0, 0] + varint(1 << 40) + [0]),
        ("negative array block with a huge size", [0, 0] + varint(-3) + varint(1 << 30) + [2, 0]),
        ("map block count inside a union", [0, 0] + varint(1) + varint(1) + varint(1 << 31) + [0]),
        ("map key length", [0, 0] + varint(1) + varint(1) + varint(1) + varint(999_999) + [0x61]),
        ("map value length", [0, 0] + varint(1) + varint(1) + varint(1) + varint(1) + [0x61] + varint(1 << 33)),
        ("overlong varint", [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
        ("ten-byte varint beyond 64 bits", [0, 0] + [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f] + [0]),
        ("union index out of range", [0, 0] + varint(1) + varint(2) + [0]),
        ("truncated inside the map", [0, 0] + varint(1) + varint(1) + varint(2) + varint(1) + [0x61]),
    ]

    @Test func oversizedDeclarationsAreTypedErrorsAtEveryLevel() throws {
        let codec = try CodecFixtures.codec(Self.nested)
        let valid: AvroValue = .record(AvroRecord([
            "s": "x", "inner": .record(AvroRecord(["b": .bytes([1]), "list": .array([.null, .map(["k": "v"])])])),
        ]))
        #expect(try codec.decode(codec.encode(valid)) == valid)
        for (name, bytes) in Self.oversized {
            #expect(throws: AvroCodecError.self, "\(name)") { try codec.decode(bytes) }
        }
    }

    @Test func negativeBlockCountsWithSizesAreRead() throws {
        let codec = try CodecFixtures.codec(#"{"type":"array","items":"long"}"#)
        // A block of -2 items taking 2 bytes, then the end.
        let bytes = Self.varint(-2) + Self.varint(2) + Self.varint(1) + Self.varint(-2) + [0]
        #expect(try codec.decode(bytes) == .array([.long(1), .long(-2)]))
    }
}
