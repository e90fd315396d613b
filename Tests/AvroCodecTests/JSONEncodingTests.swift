import JSON
import AvroCodec
import TestSupport
import Testing

@Suite struct JSONEncodingTests {
    @Test func everyTypeRoundTripsThroughAvroJSON() throws {
        let codec = try CodecFixtures.codec(CodecFixtures.everyTypeSchema)
        let json = try codec.json(from: CodecFixtures.everyTypeValue)
        #expect(try codec.value(fromJSON: json) == CodecFixtures.everyTypeValue)
        let text = JSONWriter.write(json)
        #expect(text.contains(#""maybe":{"string":"yes"}"#))
        #expect(text.contains(#""choice":{"test.Four":"\u0001\u0002\u0003\u0004"}"#))
        #expect(text.contains("\"b\":\"\\u0000\\u0001ÿ\u{80}\""))
    }

    @Test func unionsNeedTheirBranchName() throws {
        let codec = try CodecFixtures.codec(#"{"type":"record","name":"R","fields":[{"name":"u","type":["null","long","string"]}]}"#)
        #expect(try codec.value(fromJSON: JSONParser.parse(#"{"u":{"long":5}}"#)) == .record(AvroRecord(["u": .long(5)])))
        #expect(try codec.value(fromJSON: JSONParser.parse(#"{"u":null}"#)) == .record(AvroRecord(["u": .null])))
        #expect(throws: AvroCodecError.self) { try codec.value(fromJSON: JSONParser.parse(#"{"u":5}"#)) }
        #expect(throws: AvroCodecError.self) { try codec.value(fromJSON: JSONParser.parse(#"{"u":{"int":5}}"#)) }
    }

    @Test func bytesAboveCodePoint255AreRejected() throws {
        let codec = try CodecFixtures.codec(#""bytes""#)
        #expect(throws: AvroCodecError.self) { try codec.value(fromJSON: .string("Ā")) }
    }
}
