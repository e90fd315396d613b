import Avro
import AvroCodec
import Foundation
import TestSupport
import Testing

@Suite struct CodableTests {
    enum Side: String, Codable { case buy = "BUY", sell = "SELL" }

    struct Line: Codable, Equatable {
        var sku: String
        var quantity: Int32
    }

    struct Order: Codable, Equatable {
        var id: Int64
        var customer: String
        var side: Side
        var lines: [Line]
        var note: String?
        var attributes: [String: Double]
        var total: AvroDecimal
        var placedAt: Date
        var reference: UUID
        var payload: Data
    }

    static let schema = """
        {"type":"record","name":"Order","fields":[
          {"name":"id","type":"long"},
          {"name":"customer","type":"string"},
          {"name":"side","type":{"type":"enum","name":"Side","symbols":["BUY","SELL"]}},
          {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
            {"name":"sku","type":"string"},{"name":"quantity","type":"int"}]}}},
          {"name":"note","type":["null","string"],"default":null},
          {"name":"attributes","type":{"type":"map","values":"double"}},
          {"name":"total","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},
          {"name":"placedAt","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"reference","type":{"type":"string","logicalType":"uuid"}},
          {"name":"payload","type":"bytes"}
        ]}
        """

    static let order = Order(
        id: 42, customer: "Ada", side: .sell, lines: [Line(sku: "A-1", quantity: 3), Line(sku: "B-2", quantity: 1)],
        note: nil, attributes: ["weight": 1.25], total: AvroDecimal("99.90")!,
        placedAt: Date(timeIntervalSince1970: 1_700_000_000.25), reference: UUID(), payload: Data([1, 2, 3]))

    @Test func structRoundTripsThroughTheCodec() throws {
        let codec = try CodecFixtures.codec(Self.schema)
        let bytes = try codec.encode(AvroValueEncoder().encode(Self.order))
        let decoded = try AvroValueDecoder().decode(Order.self, from: codec.decode(bytes))
        #expect(decoded == Self.order)
        var withNote = Self.order
        withNote.note = "fragile"
        #expect(try AvroValueDecoder().decode(Order.self, from: codec.decode(codec.encode(AvroValueEncoder().encode(withNote)))) == withNote)
    }

    @Test func decodingErrorsNameTheField() throws {
        struct Wrong: Decodable { var lines: [[String: Bool]] }
        let codec = try CodecFixtures.codec(Self.schema)
        let value = try codec.decode(codec.encode(AvroValueEncoder().encode(Self.order)))
        #expect {
            _ = try AvroValueDecoder().decode(Wrong.self, from: value)
        } throws: { error in
            guard case AvroCodecError.valueDoesNotMatchSchema(let path, _) = error else { return false }
            return path.hasPrefix("$.lines[0]")
        }
    }

    @Test func mismatchedStructIsATypedError() throws {
        struct NotAnOrder: Encodable { var id = "nope" }
        let codec = try CodecFixtures.codec(Self.schema)
        #expect(throws: AvroCodecError.self) { try codec.encode(AvroValueEncoder().encode(NotAnOrder())) }
    }
}
