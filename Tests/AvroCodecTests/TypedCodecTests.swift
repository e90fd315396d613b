import Avro
import AvroCodec
import Foundation
import TestSupport
import Testing

/// The typed path (`encode(_:)` / `decode(_:from:)` with Codable types) against the generic `AvroValue` path.
@Suite struct TypedCodecTests {
    typealias Order = CodableTests.Order
    typealias Line = CodableTests.Line

    @Test func structRoundTripsAndAgreesWithTheGenericPath() throws {
        let codec = try CodecFixtures.codec(CodableTests.schema)
        var withNote = CodableTests.order
        withNote.note = "fragile"
        withNote.attributes = ["a": 1, "b": -2.5, "c": 0]
        for order in [CodableTests.order, withNote] {
            let typed = try codec.encode(order)
            let generic = try codec.encode(AvroValueEncoder().encode(order))
            // Map entries may come in another order, so the bytes are compared as decoded values.
            #expect(try codec.decode(typed) == codec.decode(generic))
            #expect(try codec.decode(Order.self, from: typed) == order)
            #expect(try codec.decode(Order.self, from: generic) == order)
        }
    }

    @Test func bytesAreThoseOfTheGenericPathWithoutMaps() throws {
        let schema = """
            {"type":"record","name":"T","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"},
            {"name":"scores","type":{"type":"array","items":"int"}},{"name":"note","type":["null","string"]},
            {"name":"ratio","type":"float"},{"name":"ok","type":"boolean"}]}
            """
        struct T: Codable, Equatable {
            var id: Int
            var name: String
            var scores: [Int32]
            var note: String?
            var ratio: Float
            var ok: Bool
        }
        let codec = try CodecFixtures.codec(schema)
        for value in [
            T(id: -1, name: "", scores: [], note: nil, ratio: 0.5, ok: true),
            T(id: 1 << 50, name: "héllo\u{0}", scores: Array(0..<300), note: "x", ratio: -3, ok: false),
        ] {
            let typed = try codec.encode(value)
            #expect(typed == (try codec.encode(AvroValueEncoder().encode(value))))
            #expect(try codec.decode(T.self, from: typed) == value)
            #expect(try codec.encode(value, prefix: [0, 0, 0, 0, 7]) == [0, 0, 0, 0, 7] + typed)
        }
    }

    @Test func largeValuesGrowTheBuffer() throws {
        let schema = """
            {"type":"record","name":"Big","fields":[{"name":"texts","type":{"type":"array","items":"string"}},
            {"name":"byName","type":{"type":"map","values":"string"}}]}
            """
        struct Big: Codable, Equatable {
            var texts: [String]
            var byName: [String: String]
        }
        let text = String(repeating: "é", count: 3000)
        let value = Big(texts: Array(repeating: text, count: 20), byName: Dictionary(uniqueKeysWithValues: (0..<50).map { ("k\($0)", text) }))
        let codec = try CodecFixtures.codec(schema)
        let bytes = try codec.encode(value)
        #expect(bytes.count > 20 * 6000)
        #expect(try codec.decode(Big.self, from: bytes) == value)
        #expect(try AvroValueDecoder().decode(Big.self, from: codec.decode(bytes)) == value)
    }

    @Test func propertiesOutOfSchemaOrderTakeTheGenericPath() throws {
        struct Reordered: Codable, Equatable {
            var quantity: Int32
            var sku: String
        }
        let codec = try CodecFixtures.codec("""
            {"type":"record","name":"Line","fields":[{"name":"sku","type":"string"},{"name":"quantity","type":"int"}]}
            """)
        let value = Reordered(quantity: 3, sku: "A")
        for _ in 0..<2 {
            let bytes = try codec.encode(value)
            #expect(try codec.decode(bytes) == .record(AvroRecord(["sku": "A", "quantity": .int(3)])))
            #expect(try codec.decode(Reordered.self, from: bytes) == value)
        }
    }

    @Test func missingFieldsTakeTheirDefaultsThroughTheGenericPath() throws {
        struct Partial: Codable, Equatable { var id: Int64 }
        let codec = try CodecFixtures.codec("""
            {"type":"record","name":"R","fields":[{"name":"id","type":"long"},{"name":"tag","type":"string","default":"none"}]}
            """)
        let bytes = try codec.encode(Partial(id: 4))
        #expect(try codec.decode(bytes) == .record(AvroRecord(["id": 4, "tag": "none"])))
        // Fields the type does not have are skipped.
        #expect(try codec.decode(Partial.self, from: bytes) == Partial(id: 4))
    }

    @Test func mismatchesAreTypedErrorsWithPaths() throws {
        let codec = try CodecFixtures.codec(CodableTests.schema)
        struct NotAnOrder: Encodable { var id = "nope" }
        #expect {
            try codec.encode(NotAnOrder())
        } throws: { error in
            guard case AvroCodecError.valueDoesNotMatchSchema(let path, _) = error else { return false }
            return path == "$.id"
        }
        struct Wrong: Decodable { var lines: [[String: Bool]] }
        let bytes = try codec.encode(CodableTests.order)
        #expect {
            _ = try codec.decode(Wrong.self, from: bytes)
        } throws: { error in
            guard case AvroCodecError.valueDoesNotMatchSchema(let path, _) = error else { return false }
            return path.hasPrefix("$.lines[0]")
        }
        struct Extra: Decodable { var id: Int64; var missing: String }
        #expect {
            _ = try codec.decode(Extra.self, from: bytes)
        } throws: { error in
            guard case AvroCodecError.valueDoesNotMatchSchema(_, let message) = error else { return false }
            return message.contains("missing")
        }
    }

    @Test func everyPrefixAndEveryFlippedByteIsATypedErrorOrAValue() throws {
        let codec = try CodecFixtures.codec(CodableTests.schema)
        var order = CodableTests.order
        order.note = "n"
        let bytes = try codec.encode(order)
        for length in 0..<bytes.count {
            #expect(throws: AvroCodecError.self) { try codec.decode(Order.self, from: Array(bytes[..<length])) }
        }
        #expect {
            try codec.decode(Order.self, from: bytes + [0])
        } throws: { error in
            error as? AvroCodecError == .trailingBytes(count: 1)
        }
        for position in bytes.indices {
            for flip: UInt8 in [0x01, 0x40, 0x80, 0xff] {
                var mutated = bytes
                mutated[position] ^= flip
                let generic = Result { try AvroValueDecoder().decode(Order.self, from: codec.decode(mutated)) }
                let typed = Result { try codec.decode(Order.self, from: mutated) }
                switch (generic, typed) {
                // Compared as bytes: a flipped bit can make a NaN, which is not equal to itself.
                case (.success(let a), .success(let b)): #expect(try codec.encode(a) == codec.encode(b))
                case (.failure, .failure(let error)): #expect(error is AvroCodecError)
                default: Issue.record("paths disagree at byte \(position) ^ \(flip): generic \(generic), typed \(typed)")
                }
            }
        }
    }

    @Test func hugeDeclaredLengthsAreRejectedBeforeAllocation() throws {
        struct Text: Codable { var s: String }
        let codec = try CodecFixtures.codec(#"{"type":"record","name":"S","fields":[{"name":"s","type":"string"}]}"#)
        // Length 2^40 in six bytes.
        #expect {
            try codec.decode(Text.self, from: [0x80, 0x80, 0x80, 0x80, 0x80, 0x40])
        } throws: { error in
            error as? AvroCodecError == .truncated(path: "$.s")
        }
    }

    @Test func zeroSizeItemsAndNestingAreBounded() throws {
        struct Nulls: Codable { var items: [Int?] }
        let codec = try CodecFixtures.codec(#"{"type":"record","name":"N","fields":[{"name":"items","type":{"type":"array","items":"null"}}]}"#)
        // One block of 2^30 nulls: four bytes.
        #expect(throws: AvroCodecError.self) { try codec.decode(Nulls.self, from: [0x80, 0x80, 0x80, 0x80, 0x08, 0x00]) }
        final class Node: Codable {
            var next: Node?
        }
        let recursive = try CodecFixtures.codec(#"{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}"#)
        let deep = [UInt8](repeating: 2, count: 1000) + [0]
        #expect(throws: AvroCodecError.self) { try recursive.decode(Node.self, from: deep) }
    }

    @Test func unkeyedNullsAndOptionalItemsAgree() throws {
        /// Reads items with `decodeNil()` first, as hand-written `init(from:)`s do.
        struct Items: Codable, Equatable {
            var texts: [String?]
            init(texts: [String?]) { self.texts = texts }
            init(from decoder: any Decoder) throws {
                var container = try decoder.container(keyedBy: CodingKeys.self).nestedUnkeyedContainer(forKey: .texts)
                texts = []
                while !container.isAtEnd { texts.append(try container.decodeNil() ? nil : try container.decode(String.self)) }
            }
        }
        struct Plain: Codable, Equatable { var texts: [String?] }
        let codec = try CodecFixtures.codec(#"{"type":"record","name":"I","fields":[{"name":"texts","type":{"type":"array","items":["null","string"]}}]}"#)
        let bytes = try codec.encode(Plain(texts: ["a", nil, "", nil]))
        #expect(try codec.decode(bytes) == .record(AvroRecord(["texts": .array(["a", .null, "", .null])])))
        #expect(try codec.decode(Plain.self, from: bytes) == Plain(texts: ["a", nil, "", nil]))
        #expect(try codec.decode(Items.self, from: bytes) == Items(texts: ["a", nil, "", nil]))
        #expect(try AvroValueDecoder().decode(Items.self, from: codec.decode(bytes)) == Items(texts: ["a", nil, "", nil]))
    }

    // MARK: Resolution

    struct OrderV2: Codable, Equatable {
        enum State: String, Codable { case shipped = "SHIPPED", new = "NEW", cancelled = "CANCELLED" }
        var id: Int64
        var state: State
        var note: Note?
        var amount: Double
        var currency: String
        var lines: [Int32]

        enum Note: Codable, Equatable {
            case text(String), number(Int32)
            init(from decoder: any Decoder) throws {
                let single = try decoder.singleValueContainer()
                if let text = try? single.decode(String.self) { self = .text(text) } else { self = .number(try single.decode(Int32.self)) }
            }
        }
    }

    struct NoteOnly: Codable, Equatable {
        var id: Int64
        var note: String?
    }

    /// Reads `written` (a writer value) as `T` through both paths and checks they agree.
    func agree<T: Decodable & Equatable>(_ type: T.Type, writer: String, reader: String, _ written: AvroValue) throws -> T {
        let codec = try CodecFixtures.codec(writer)
        let resolution = try AvroResolution(writer: CodecFixtures.schema(writer), reader: CodecFixtures.schema(reader))
        let bytes = try codec.encode(written)
        let generic = try AvroValueDecoder().decode(type, from: resolution.project(codec.decode(bytes)))
        let typed = try codec.decode(type, from: bytes, resolution: resolution)
        #expect(typed == generic)
        return typed
    }

    @Test func resolutionAgreesWithTheGenericPath() throws {
        let evolution = EvolutionTests()
        let v1 = EvolutionTests.v1, v2 = EvolutionTests.v2
        let shipped = try agree(OrderV2.self, writer: v1, reader: v2, evolution.order(7, "SHIPPED", note: "hi"))
        #expect(shipped == OrderV2(id: 7, state: .shipped, note: .text("hi"), amount: 2.5, currency: "EUR", lines: [1, 2]))
        // PAID is not a v2 symbol: the reader's default. NEW keeps its name although its index moved.
        #expect(try agree(OrderV2.self, writer: v1, reader: v2, evolution.order(1, "PAID", note: .null)).state == .new)
        #expect(try agree(OrderV2.self, writer: v1, reader: v2, evolution.order(1, "NEW", note: .null)).note == nil)

        let older = """
            {"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"note","type":["null","string"],"default":null}]}
            """
        let newer = """
            {"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"note","type":["null","string"],"default":null},
            {"name":"extra","type":{"type":"map","values":"double"},"default":{}}]}
            """
        let value: AvroValue = .record(AvroRecord(["id": 5, "note": "n", "extra": .map(["k": 1.0])]))
        #expect(try agree(NoteOnly.self, writer: newer, reader: older, value) == NoteOnly(id: 5, note: "n"))
    }

    /// A union of two records with one short name in two namespaces: each branch is read as the branch of the same
    /// full name, by both paths, whether the schemas are the same (the identity plan) or the reader has evolved.
    @Test func unionBranchesWithOneShortNameMatchByFullName() throws {
        struct Holder: Codable, Equatable {
            var v: Branch
            struct Branch: Codable, Equatable {
                var x: Int32
                var y: String?
            }
        }
        func schema(extraField: String = "") -> String {
            """
            {"type":"record","name":"Holder","fields":[{"name":"v","type":[
            {"type":"record","name":"R","namespace":"a","fields":[{"name":"x","type":"int"}]},
            {"type":"record","name":"R","namespace":"b","fields":[{"name":"x","type":"int"},{"name":"y","type":"string"}\(extraField)]}]}]}
            """
        }
        let evolved = schema(extraField: #",{"name":"z","type":"long","default":0}"#)
        let inA: AvroValue = .record(AvroRecord(["v": .record(AvroRecord(name: "a.R", fields: [.init("x", 1)]))]))
        let inB: AvroValue = .record(AvroRecord(["v": .record(AvroRecord(name: "b.R", fields: [.init("x", 2), .init("y", "in b")]))]))
        for reader in [schema(), evolved] {
            #expect(try agree(Holder.self, writer: schema(), reader: reader, inA) == Holder(v: .init(x: 1, y: nil)))
            #expect(try agree(Holder.self, writer: schema(), reader: reader, inB) == Holder(v: .init(x: 2, y: "in b")))
        }
        // The codec's own typed decoder, with no resolution given, reads through its identity plan.
        let codec = try CodecFixtures.codec(schema())
        #expect(try codec.decode(Holder.self, from: codec.encode(inB)) == Holder(v: .init(x: 2, y: "in b")))
    }

    /// With no branch of the writer's full name, a record goes (as in Avro Java) to a record branch whose fields
    /// resolve, not to the first branch of the same short name, which here lacks a field the writer has not.
    @Test func unionRecordBranchWithoutFullNameMatchResolvesByStructure() throws {
        struct Holder: Codable, Equatable { var v: Branch }
        struct Branch: Codable, Equatable { var x: Int32 }
        let writer = """
            {"type":"record","name":"Holder","fields":[{"name":"v","type":
            {"type":"record","name":"R","namespace":"w","fields":[{"name":"x","type":"int"}]}}]}
            """
        let reader = """
            {"type":"record","name":"Holder","fields":[{"name":"v","type":[
            {"type":"record","name":"R","namespace":"first","fields":[{"name":"y","type":"string"}]},
            {"type":"record","name":"R","namespace":"second","fields":[{"name":"x","type":"int"}]}]}]}
            """
        let written: AvroValue = .record(AvroRecord(["v": .record(AvroRecord(name: "w.R", fields: [.init("x", 3)]))]))
        #expect(try agree(Holder.self, writer: writer, reader: reader, written) == Holder(v: .init(x: 3)))
    }

    /// Writer and reader unions of the same shape map branch to branch (Avro Java's `unionEquiv`), so two records
    /// of one short name keep their positions when both namespaces change.
    @Test func equivalentUnionsMapBranchToBranch() throws {
        struct Holder: Codable, Equatable { var v: Branch }
        struct Branch: Codable, Equatable { var x: Int32 }
        func schema(_ first: String, _ second: String) -> String {
            """
            {"type":"record","name":"Holder","fields":[{"name":"v","type":[
            {"type":"record","name":"R","namespace":"\(first)","fields":[{"name":"x","type":"int"}]},
            {"type":"record","name":"R","namespace":"\(second)","fields":[{"name":"x","type":"int"}]}]}]}
            """
        }
        let writer = schema("a", "b"), reader = schema("c", "d")
        let resolution = try AvroResolution(writer: CodecFixtures.schema(writer), reader: CodecFixtures.schema(reader))
        for (written, read) in [("a.R", "c.R"), ("b.R", "d.R")] {
            let value: AvroValue = .record(AvroRecord(["v": .record(AvroRecord(name: written, fields: [.init("x", 4)]))]))
            #expect(try agree(Holder.self, writer: writer, reader: reader, value) == Holder(v: .init(x: 4)))
            guard case .record(let holder) = try resolution.project(value), case .record(let branch) = holder.fields[0].value else {
                Issue.record("not a record")
                continue
            }
            #expect(branch.name == read)
        }
    }

    @Test func promotionsAndStringBytesAgree() throws {
        struct Wrapped<T: Codable & Equatable>: Codable, Equatable { var v: T }
        func record(_ type: String) -> String { #"{"type":"record","name":"W","fields":[{"name":"v","type":\#(type)}]}"# }
        func value(_ v: AvroValue) -> AvroValue { .record(AvroRecord(["v": v])) }
        #expect(try agree(Wrapped<Double>.self, writer: record("\"int\""), reader: record("\"double\""), value(.int(3))).v == 3)
        #expect(try agree(Wrapped<Float>.self, writer: record("\"long\""), reader: record("\"float\""), value(.long(4))).v == 4)
        #expect(try agree(Wrapped<Data>.self, writer: record("\"string\""), reader: record("\"bytes\""), value("ab")).v == Data([0x61, 0x62]))
        #expect(try agree(Wrapped<String>.self, writer: record("\"bytes\""), reader: record("\"string\""), value(.bytes([0x61]))).v == "a")
        #expect(try agree(Wrapped<Int64?>.self, writer: record("\"int\""), reader: record(#"["null","long"]"#), value(.int(9))).v == 9)
        #expect(try agree(Wrapped<Int64?>.self, writer: record(#"["null","int"]"#), reader: record(#"["null","long"]"#), value(.null)).v == nil)
    }
}
