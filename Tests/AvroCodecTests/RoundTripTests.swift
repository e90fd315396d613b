import Avro
import AvroCodec
import Foundation
import TestSupport
import Testing

@Suite struct RoundTripTests {
    @Test func everyTypeRoundTrips() throws {
        let codec = try CodecFixtures.codec(CodecFixtures.everyTypeSchema)
        let bytes = try codec.encode(CodecFixtures.everyTypeValue)
        let decoded = try codec.decode(bytes)
        #expect(decoded == CodecFixtures.everyTypeValue)
        #expect(try codec.encode(decoded) == bytes)
    }

    @Test(arguments: [
        ("\"null\"", AvroValue.null, [UInt8]()),
        ("\"boolean\"", .boolean(true), [1]),
        ("\"int\"", .int(-1), [1]),
        ("\"int\"", .int(Int32.max), [0xfe, 0xff, 0xff, 0xff, 0x0f]),
        ("\"long\"", .long(64), [0x80, 0x01]),
        ("\"long\"", .long(Int64.min), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
        ("\"float\"", .float(1), [0, 0, 0x80, 0x3f]),
        ("\"double\"", .double(1), [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]),
        ("\"bytes\"", .bytes([0xab]), [2, 0xab]),
        ("\"string\"", .string("foo"), [6, 0x66, 0x6f, 0x6f]),
        ("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}", .enumSymbol("B"), [2]),
        ("[\"null\",\"long\"]", .long(1), [2, 2]),
        ("{\"type\":\"array\",\"items\":\"int\"}", .array([.int(1), .int(2)]), [4, 2, 4, 0]),
        ("{\"type\":\"map\",\"values\":\"int\"}", .map(["a": .int(1)]), [2, 2, 0x61, 2, 0]),
    ] as [(String, AvroValue, [UInt8])])
    func specificationBytes(schema: String, value: AvroValue, expected: [UInt8]) throws {
        let codec = try CodecFixtures.codec(schema)
        #expect(try codec.encode(value) == expected)
        #expect(try codec.decode(expected) == value)
    }

    @Test func logicalTypesAreSwiftTypes() throws {
        let codec = try CodecFixtures.codec(CodecFixtures.everyTypeSchema)
        let decoded = try codec.decode(codec.encode(CodecFixtures.everyTypeValue))
        guard case .decimal(let price) = decoded["price"] else { Issue.record("price is \(String(describing: decoded["price"]))"); return }
        #expect(price.description == "-1234.50")
        #expect(price.decimalValue == Decimal(string: "-1234.50"))
        #expect(decoded["id"] == .uuid(UUID(uuidString: "6F1B1F0E-3C49-4D6A-9D2F-0B8A1F2C3D4E")!))
        #expect(decoded["day"] == .date(Date(timeIntervalSince1970: 19_000 * 86_400)))
    }

    @Test func decimalTextConversions() throws {
        #expect(AvroDecimal("0.05", scale: 2)?.unscaled == [5])
        #expect(AvroDecimal("-128")?.unscaled == [0x80])
        #expect(AvroDecimal("128")?.unscaled == [0, 0x80])
        #expect(AvroDecimal("1.234", scale: 2) == nil)
        #expect(AvroDecimal(unscaled: [0xff, 0x85], scale: 3).description == "-0.123")
        #expect(AvroDecimal("123456789012345678901234567890.12")?.description == "123456789012345678901234567890.12")
        let fixedDecimal = try CodecFixtures.codec("""
            {"type":"fixed","name":"Money","size":8,"logicalType":"decimal","precision":18,"scale":4}
            """)
        let bytes = try fixedDecimal.encode(.decimal(AvroDecimal("-2.5")!))
        #expect(bytes == [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x9e, 0x58])
        #expect(try fixedDecimal.decode(bytes) == .decimal(AvroDecimal("-2.5000")!))
    }

    @Test func valuesAreFittedToTheSchema() throws {
        let codec = try CodecFixtures.codec("""
            {"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"e","type":{"type":"enum","name":"E","symbols":["X"]}},
            {"name":"d","type":"double","default":1.5}]}
            """)
        // An integer literal is a long, a string names an enum symbol, and a missing field takes its default.
        let value: AvroValue = .record(AvroRecord(["e": "X", "a": 3]))
        #expect(try codec.decode(codec.encode(value)) == .record(AvroRecord(["a": .int(3), "e": .enumSymbol("X"), "d": .double(1.5)])))
    }

    @Test func largeEnumsFindTheirSymbols() throws {
        let symbols = (0..<40).map { "S\($0)" }
        let codec = try CodecFixtures.codec(#"{"type":"enum","name":"Big","symbols":["# + symbols.map { "\"\($0)\"" }.joined(separator: ",") + "]}")
        #expect(try codec.encode(.enumSymbol("S33")) == [66])
        #expect(try codec.decode([66]) == .enumSymbol("S33"))
        #expect(throws: AvroCodecError.self) { try codec.encode(.enumSymbol("S40")) }
    }

    @Test func recursiveSchemaRoundTrips() throws {
        let codec = try CodecFixtures.codec("""
            {"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}
            """)
        let list: AvroValue = .record(AvroRecord(["v": .int(1), "next": .record(AvroRecord(["v": .int(2), "next": .null]))]))
        #expect(try codec.decode(codec.encode(list)) == list)
    }

    @Test func codecIsSafeToShareBetweenThreads() async throws {
        let codec = try CodecFixtures.codec(CodecFixtures.everyTypeSchema)
        let expected = try codec.encode(CodecFixtures.everyTypeValue)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for _ in 0..<200 {
                        let bytes = try codec.encode(CodecFixtures.everyTypeValue)
                        guard bytes == expected, try codec.decode(bytes) == CodecFixtures.everyTypeValue else { return false }
                    }
                    return true
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }
}
