import Avro
import AvroCodec
import Foundation
import TestSupport
import Testing

/// The codec's reuse of its tape, tree and buffers between calls, and its one-pass string reading.
@Suite struct HotPathTests {
    static let recordSchema = #"""
        {"type":"record","name":"R","fields":[
          {"name":"s","type":"string"},
          {"name":"tags","type":{"type":"array","items":"string"}},
          {"name":"note","type":["null","string"]}]}
        """#

    static func record(_ length: Int) -> AvroValue {
        let text = String(repeating: "é", count: length)
        return .record(AvroRecord([
            "s": .string(text), "tags": .array((0..<(length % 5)).map { .string("\($0)" + text) }),
            "note": length.isMultiple(of: 2) ? .null : .string(text + "!"),
        ]))
    }

    @Test func encodingsAndDecodingsInTurnKeepTheirValuesApart() throws {
        let codec = try CodecFixtures.codec(Self.recordSchema)
        // Lengths that grow and shrink, so that reused string buffers must be resized and cleared.
        for length in [0, 40, 3, 2_000, 1, 17, 0, 5_000, 8] {
            let value = Self.record(length)
            let bytes = try codec.encode(value)
            #expect(try codec.decode(bytes) == value)
            #expect(try codec.encode(codec.decode(bytes)) == bytes)
        }
    }

    @Test(arguments: [0, 5, 3_000])
    func encodingAfterAPrefixIsThePrefixThenTheBody(prefixLength: Int) throws {
        let codec = try CodecFixtures.codec(Self.recordSchema)
        let prefix = (0..<prefixLength).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        // Small and larger than the 4 KiB buffer a workspace starts with.
        for length in [1, 6_000, 2] {
            let value = Self.record(length)
            #expect(try codec.encode(value, prefix: prefix) == prefix + codec.encode(value))
        }
    }

    @Test func stringWithANulThenInvalidUTF8IsRejected() throws {
        let codec = try CodecFixtures.codec(#"{"type":"array","items":"string"}"#)
        // The fast path stops reading at a NUL; what follows must still be checked.
        let text: [UInt8] = Array("ab".utf8) + [0, 0xff]
        #expect(throws: AvroCodecError.invalidData(path: "$[0]", message: "string is not valid UTF-8")) {
            try codec.decode([2, UInt8(text.count * 2)] + text + [0])
        }
        let withNul = "a\u{0}b\u{0}"
        #expect(try codec.decode(codec.encode(.array([.string(withNul), ""]))) == .array([.string(withNul), ""]))
    }

    @Test func concurrentCallersShareOneCodec() async throws {
        let codec = try CodecFixtures.codec(Self.recordSchema)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for round in 0..<200 {
                        let value = Self.record((task * 31 + round) % 60)
                        let decoded = try codec.decode(Array(codec.encode(value, prefix: [UInt8(task)]).dropFirst()))
                        #expect(decoded == value)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// The tape the codec encodes from is reused: whatever the last encoding left (more map entries or
    /// items, another union branch, a half-written value that failed) must not leak into the next.
    @Test func encodingsLeaveNothingBehindForTheNext() throws {
        let codec = try CodecFixtures.codec(#"""
            {"type":"record","name":"Outer","fields":[
              {"name":"m","type":{"type":"map","values":{"type":"array","items":"int"}}},
              {"name":"u","type":["null",{"type":"record","name":"A","fields":[{"name":"xs","type":{"type":"array","items":"string"}}]},
                                  {"type":"record","name":"B","fields":[{"name":"n","type":"long"}]},"string"]},
              {"name":"last","type":"long"}]}
            """#)
        func value(_ keys: [String], _ union: AvroValue, _ last: Int64) -> AvroValue {
            .record(AvroRecord([
                "m": .map(Dictionary(uniqueKeysWithValues: keys.map { ($0, AvroValue.array((0..<$0.count).map { .int(Int32($0)) })) })),
                "u": union, "last": .long(last),
            ]))
        }
        let a: (Int) -> AvroValue = { count in .record(AvroRecord(name: "A", ["xs": .array((0..<count).map { .string("item \($0)") })])) }
        let sequence: [AvroValue] = [
            value(["a", "bb", "ccc"], a(3), 1), value(["bb"], a(1), 2), value([], .null, 3), value(["a"], a(0), 4),
            value(["dddd", "a"], .record(AvroRecord(name: "B", ["n": .long(9)])), 5), value(["a"], "text", 6), value([], a(2), 7),
        ]
        for (index, expected) in sequence.enumerated() {
            #expect(try codec.decode(codec.encode(expected)) == expected, "value \(index)")
            // A value that fails after its map and union were written: the next encoding must not see any of it.
            let failing: AvroValue = .record(AvroRecord([
                "m": .map(["zz": .array([.int(1), .int(2)])]), "u": a(5), "last": .string("not a long"),
            ]))
            #expect(throws: AvroCodecError.self) { try codec.encode(failing) }
        }
        let fresh = try CodecFixtures.codec(codec.schema.canonicalForm)
        for expected in sequence.reversed() { #expect(try codec.encode(expected) == fresh.encode(expected)) }
    }

    /// A union branch that takes the value only after a conversion is found by trying each branch in turn;
    /// a branch that fails halfway through a record must leave none of its fields in the encoding.
    @Test func aUnionBranchThatFailsHalfwayLeavesNothing() throws {
        let codec = try CodecFixtures.codec(#"""
            {"type":"array","items":[
              {"type":"record","name":"A","fields":[{"name":"n","type":"int"},{"name":"tags","type":{"type":"array","items":"int"}},{"name":"m","type":"int"}]},
              {"type":"record","name":"B","fields":[{"name":"n","type":"long"},{"name":"tags","type":{"type":"array","items":"string"}},{"name":"m","type":"string"}]}]}
            """#)
        // Named after neither branch, so only conversion decides: A takes `n` but not the tags' strings.
        let given: AvroValue = .array([.record(AvroRecord(name: "C", ["n": .long(7), "tags": .array(["x", "yz"]), "m": "end"]))])
        let asB: AvroValue = .array([.record(AvroRecord(name: "B", ["n": .long(7), "tags": .array(["x", "yz"]), "m": "end"]))])
        let bytes = try codec.encode(given)
        #expect(bytes == (try codec.encode(asB)))
        #expect(try codec.decode(bytes) == asB)
    }

    /// Avro data may repeat a map key; the last value wins, as it does in libavro's own maps.
    @Test func aRepeatedMapKeyKeepsItsLastValue() throws {
        let codec = try CodecFixtures.codec(#"{"type":"map","values":"int"}"#)
        // Block of 3 entries: "a" -> 1, "bb" -> 2, "a" -> 3; then the end of the map.
        let bytes: [UInt8] = [6, 2] + Array("a".utf8) + [2, 4] + Array("bb".utf8) + [4, 2] + Array("a".utf8) + [6, 0]
        #expect(try codec.decode(bytes) == .map(["a": .int(3), "bb": .int(2)]))
    }

    /// Many values and long keys, past the sizes a workspace's tape and tree start with.
    @Test func largeValuesGrowTheTapeAndTheTree() throws {
        let codec = try CodecFixtures.codec(#"{"type":"array","items":{"type":"map","values":["null","long","string"]}}"#)
        let value: AvroValue = .array((0..<300).map { item in
            .map(Dictionary(uniqueKeysWithValues: (0..<(item % 7)).map { entry in
                (String(repeating: "k", count: 40 + entry) + "\(item)", entry.isMultiple(of: 2) ? AvroValue.long(Int64(item * entry)) : .string("v\(item)"))
            }))
        })
        let bytes = try codec.encode(value)
        #expect(bytes.count > 40_000)
        #expect(try codec.decode(bytes) == value)
        #expect(try codec.encode(codec.decode(bytes)) == bytes)
    }
}
