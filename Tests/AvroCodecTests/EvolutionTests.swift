import Avro
import AvroCodec
import TestSupport
import Testing

@Suite struct EvolutionTests {
    static let v1 = """
        {"type":"record","name":"Order","namespace":"shop","fields":[
          {"name":"id","type":"int"},
          {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED"],"default":"NEW"}},
          {"name":"note","type":["null","string"],"default":null},
          {"name":"amount","type":"float"},
          {"name":"legacy","type":"string"}
        ]}
        """
    static let v2 = """
        {"type":"record","name":"Order","namespace":"shop","fields":[
          {"name":"id","type":"long"},
          {"name":"state","aliases":["status"],"type":{"type":"enum","name":"Status","symbols":["SHIPPED","NEW","CANCELLED"],"default":"NEW"}},
          {"name":"note","type":["null","string","int"],"default":null},
          {"name":"amount","type":"double"},
          {"name":"currency","type":"string","default":"EUR"},
          {"name":"lines","type":{"type":"array","items":"int"},"default":[1,2]}
        ]}
        """

    func order(_ id: Int32, _ status: String, note: AvroValue) -> AvroValue {
        .record(AvroRecord(["id": .int(id), "status": .enumSymbol(status), "note": note, "amount": .float(2.5), "legacy": "x"]))
    }

    @Test func v1DataReadsAsV2() throws {
        let writer = try CodecFixtures.codec(Self.v1)
        let resolution = try AvroResolution(writer: CodecFixtures.schema(Self.v1), reader: CodecFixtures.schema(Self.v2))
        let read = try resolution.project(writer.decode(writer.encode(order(7, "SHIPPED", note: "hi"))))
        #expect(read == .record(AvroRecord([
            "id": .long(7), "state": .enumSymbol("SHIPPED"), "note": .string("hi"), "amount": .double(2.5),
            "currency": .string("EUR"), "lines": .array([.int(1), .int(2)]),
        ])))
        // The projected value is a valid v2 value: it encodes with the v2 codec and comes back unchanged.
        let v2Codec = try CodecFixtures.codec(Self.v2)
        #expect(try v2Codec.decode(v2Codec.encode(read)) == read)
    }

    @Test func enumSymbolsMapByNameWithDefault() throws {
        let writer = try CodecFixtures.codec(Self.v1)
        let resolution = try AvroResolution(writer: CodecFixtures.schema(Self.v1), reader: CodecFixtures.schema(Self.v2))
        // PAID is not a v2 symbol, so it becomes the reader enum's default; NEW keeps its name although its index moved.
        let paid = try resolution.project(writer.decode(writer.encode(order(1, "PAID", note: .null))))
        #expect(paid["state"] == .enumSymbol("NEW"))
        let new = try resolution.project(writer.decode(writer.encode(order(1, "NEW", note: .null))))
        #expect(new["state"] == .enumSymbol("NEW"))
        #expect(new["note"] == .null)
    }

    @Test func v2DataReadsBackAsV1WhereCompatible() throws {
        let older = """
            {"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"note","type":["null","string"],"default":null}]}
            """
        let newer = """
            {"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":"long"},{"name":"note","type":["null","string"],"default":null},
            {"name":"extra","type":{"type":"map","values":"double"},"default":{}}]}
            """
        let writer = try CodecFixtures.codec(newer)
        let resolution = try AvroResolution(writer: CodecFixtures.schema(newer), reader: CodecFixtures.schema(older))
        let value: AvroValue = .record(AvroRecord(["id": 5, "note": "n", "extra": .map(["k": 1.0])]))
        #expect(try resolution.project(writer.decode(writer.encode(value))) == .record(AvroRecord(["id": 5, "note": "n"])))
    }

    @Test func promotionsAndStringBytes() throws {
        let pairs: [(String, String, AvroValue, AvroValue)] = [
            ("\"int\"", "\"double\"", .int(3), .double(3)),
            ("\"long\"", "\"float\"", .long(4), .float(4)),
            ("\"string\"", "\"bytes\"", .string("ab"), .bytes([0x61, 0x62])),
            ("\"bytes\"", "\"string\"", .bytes([0x61]), .string("a")),
            ("\"int\"", "[\"null\",\"long\"]", .int(9), .long(9)),
        ]
        for (writerText, readerText, written, expected) in pairs {
            let writer = try CodecFixtures.codec(writerText)
            let resolution = try AvroResolution(writer: CodecFixtures.schema(writerText), reader: CodecFixtures.schema(readerText))
            #expect(try resolution.project(writer.decode(writer.encode(written))) == expected)
        }
    }

    @Test func incompatiblePairsAreRejectedUpFront() throws {
        let writer = try CodecFixtures.schema("""
            {"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}
            """)
        let reader = try CodecFixtures.schema("""
            {"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}
            """)
        #expect(throws: AvroCodecError.self) { try AvroResolution(writer: writer, reader: reader) }
    }
}
