import Avro
import AvroCodec
import TestSupport
import Testing

@Suite struct MalformedInputTests {
    @Test func truncatedBodies() throws {
        let codec = try CodecFixtures.codec(CodecFixtures.everyTypeSchema)
        let bytes = try codec.encode(CodecFixtures.everyTypeValue)
        for length in 0..<bytes.count {
            #expect(throws: AvroCodecError.self) { try codec.decode(Array(bytes.prefix(length))) }
        }
    }

    @Test func trailingBytes() throws {
        let codec = try CodecFixtures.codec("\"long\"")
        #expect(throws: AvroCodecError.trailingBytes(count: 2)) { try codec.decode([2, 0, 0]) }
    }

    @Test func hugeDeclaredLengthsAreRejectedBeforeAllocation() throws {
        let codec = try CodecFixtures.codec("\"string\"")
        // Length 1e9 (zigzag varint) with 2 bytes behind it.
        var bytes: [UInt8] = []
        var n = UInt64(1_000_000_000) << 1
        while n >= 0x80 { bytes.append(UInt8(n & 0x7f) | 0x80); n >>= 7 }
        bytes.append(UInt8(n))
        #expect(throws: AvroCodecError.truncated(path: "$")) { try codec.decode(bytes + [0x41, 0x42]) }
        #expect(throws: AvroCodecError.self) { try codec.decode([0x01]) }  // negative length
    }

    @Test func zeroSizeItemsAreBounded() throws {
        let codec = try CodecFixtures.codec("{\"type\":\"array\",\"items\":\"null\"}")
        // A block of 2^40 nulls takes six bytes and would make libavro append forever.
        #expect(throws: AvroCodecError.self) { try codec.decode([0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0]) }
        #expect(try codec.decode([6, 0]) == .array([.null, .null, .null]))
    }

    @Test func deepNestingIsBounded() throws {
        let codec = try CodecFixtures.codec("""
            {"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}
            """)
        let deep = [UInt8](repeating: 2, count: 100_000) + [0]
        #expect(throws: AvroCodecError.self) { try codec.decode(deep) }
    }

    @Test func invalidIndicesAndUTF8() throws {
        let enumCodec = try CodecFixtures.codec("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\"]}")
        #expect(throws: AvroCodecError.self) { try enumCodec.decode([2]) }
        let unionCodec = try CodecFixtures.codec("[\"null\",\"int\"]")
        #expect(throws: AvroCodecError.self) { try unionCodec.decode([4]) }
        let stringCodec = try CodecFixtures.codec("\"string\"")
        #expect(throws: AvroCodecError.self) { try stringCodec.decode([4, 0xc3, 0x28]) }
        let booleanAfterInt = try CodecFixtures.codec(#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"boolean"}]}"#)
        #expect(try booleanAfterInt.decode([0, 1]) == .record(AvroRecord(["a": .int(0), "b": .boolean(true)])))
        #expect(throws: AvroCodecError.invalidData(path: "$.b", message: "boolean byte 5 is neither 0 nor 1")) { try booleanAfterInt.decode([0, 5]) }
        let intCodec = try CodecFixtures.codec("\"int\"")
        #expect(throws: AvroCodecError.self) { try intCodec.decode([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]) }
    }

    @Test func invalidUTF8IsRejectedWithItsPath() throws {
        let codec = try CodecFixtures.codec(
            #"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"s","type":{"type":"array","items":"string"}}]}"#)
        let invalid: [[UInt8]] = [
            [0xed, 0xa0, 0x80],  // a surrogate
            [0xc0, 0xaf],  // an overlong form
            [0xf4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0xe2, 0x82],  // a truncated sequence
            Array("abcdefgh".utf8) + [0xff],  // after a whole ASCII word
            Array("abcdefgh12345678".utf8) + [0x80] + Array("abcdefgh".utf8),
        ]
        for text in invalid {
            let body: [UInt8] = [0, 2, UInt8(text.count * 2)] + text + [0]
            #expect(throws: AvroCodecError.invalidData(path: "$.s[0]", message: "string is not valid UTF-8")) { try codec.decode(body) }
        }
        let valid = "abcdefgh€ijklmnopqrstuvwxyz\u{10FFFF}\u{0}é"
        let body: [UInt8] = [0, 2, UInt8(valid.utf8.count * 2)] + Array(valid.utf8) + [0]
        #expect(try codec.decode(body) == .record(AvroRecord(["a": .int(0), "s": .array([.string(valid)])])))
    }

    @Test func valueMismatchNamesTheFieldPath() throws {
        let codec = try CodecFixtures.codec(CodecFixtures.everyTypeSchema)
        guard case .record(var record) = CodecFixtures.everyTypeValue else { return }
        record["children"] = .array([.record(AvroRecord(["x": 1])), .record(AvroRecord(["x": "two"]))])
        do {
            _ = try codec.encode(.record(record))
            Issue.record("encoding a string into an int succeeded")
        } catch {
            guard case .valueDoesNotMatchSchema(let path, let message) = error else { Issue.record("\(error)"); return }
            #expect(path == "$.children[1].x")
            #expect(message.contains("expected int"))
        }
        record["children"] = .array([])
        record["i"] = .long(1 << 40)
        #expect(throws: AvroCodecError.valueDoesNotMatchSchema(path: "$.i", message: "1099511627776 is out of range for int")) {
            try codec.encode(.record(record))
        }
    }

    /// Random and mutated bytes always give a value or a typed error: never a crash, a hang or an untyped error.
    @Test func fuzzedBodiesNeverCrash() throws {
        let codec = try CodecFixtures.codec(CodecFixtures.everyTypeSchema)
        let valid = try codec.encode(CodecFixtures.everyTypeValue)
        var generator = SplitMix64(seed: 0x5eed)
        var decodedCount = 0
        for round in 0..<3_000 {
            var bytes = valid
            if round % 3 == 0 {
                bytes = (0..<Int(generator.next() % 96)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            } else {
                for _ in 0..<(1 + Int(generator.next() % 4)) {
                    let position = Int(generator.next() % UInt64(bytes.count))
                    switch generator.next() % 3 {
                    case 0: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                    case 1: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
                    default: bytes.remove(at: position)
                    }
                }
            }
            do {
                let value = try codec.decode(bytes)
                decodedCount += 1
                // Whatever decodes must encode again.
                _ = try codec.encode(value)
            } catch {
                // A typed AvroCodecError by construction; reaching here is the expected outcome for most inputs.
            }
        }
        #expect(decodedCount > 0)
    }
}

/// A small deterministic generator, so a failing fuzz round can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
