import Foundation
import TestSupport
import Testing
@testable import Avro
import JSON

/// Schemas nested as deeply as the default limit allows, in the shapes that recurse the most.
enum DeepSchemas {
    static let limit = ParseOptions().maxNestingDepth

    /// `{"type":"array","items":` … `"int"` … `}`: one JSON level per schema level.
    static func arrays(_ depth: Int) -> String {
        String(repeating: #"{"type":"array","items":"#, count: depth) + #""int""# + String(repeating: "}", count: depth)
    }

    /// Records whose only field is the next record: three JSON levels per record.
    static func records(_ depth: Int) -> String {
        var text = ""
        for level in 0..<depth { text += #"{"type":"record","name":"R\#(level)","fields":[{"name":"f","type":"# }
        text += #""int""#
        text += String(repeating: "}]}", count: depth)
        return text
    }

    /// `[[[ … "int" … ]]]`: rejected, but only after recursing to the bottom.
    static func unions(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + #""int""# + String(repeating: "]", count: depth)
    }

    /// A field of nested array type whose default is nested as deeply: validating it recurses through both.
    static func deepDefault(_ depth: Int) -> String {
        #"{"type":"record","name":"R","fields":[{"name":"f","type":"# + arrays(depth) + #","default":"#
            + String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth) + "}]}"
    }

    /// Maps of unions of records: mixes every recursive path of the parser, the writers and the default check.
    static func mixed(_ depth: Int) -> String {
        var text = ""
        for level in 0..<depth {
            text += #"{"type":"map","values":["null",{"type":"record","name":"M\#(level)","fields":[{"name":"f","default":null,"type":["null","#
        }
        text += #""int""#
        text += String(repeating: "]}]}]}", count: depth)
        return text
    }

    /// The deepest accepted schema of each shape, and the deepest rejected one.
    static let atTheLimit: [(name: String, text: String, valid: Bool)] = [
        ("arrays", arrays(limit), true),
        ("records", records((limit - 1) / 3), true),
        ("unions", unions(limit), false),
        ("deep default", deepDefault(limit - 3), true),
        ("mixed", mixed((limit - 1) / 6), true),
    ]

    /// Everything a caller may do with a parsed schema; each of these recurses over the tree.
    static func exercise(_ text: String) -> Bool {
        guard let schema = try? AvroSchema(parsing: text) else { return false }
        let json = schema.json
        let again = try? AvroSchema(parsing: json)
        var hasher = Hasher()
        schema.hash(into: &hasher)
        _ = hasher.finalize()
        _ = schema.rabinFingerprint
        _ = schema.sha256Fingerprint
        return again == schema && again?.json == json
    }
}

@Suite("Untrusted input: bounded, never a crash")
struct UntrustedInputTests {
    static let tenThousandLevels: [(String, String)] = {
        let deepArray = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let deepObject = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
        return [
            ("nested arrays", DeepSchemas.arrays(10_000)),
            ("nested records", DeepSchemas.records(10_000)),
            ("nested unions", DeepSchemas.unions(10_000)),
            ("nested JSON in a property", #"{"type":"int","x":"# + deepArray + "}"),
            ("nested JSON in a default", #"{"type":"record","name":"R","fields":[{"name":"f","type":"int","default":"# + deepObject + "}]}"),
        ]
    }()

    @Test("10,000 levels of nesting are an error, not a stack overflow", arguments: tenThousandLevels)
    func deepNesting(_ name: String, _ text: String) {
        let error = schemaError(text)
        #expect(error?.message.hasPrefix("schema is not valid JSON: nesting deeper than 64 levels (byte ") == true, "\(name): \(String(describing: error))")
        #expect(error?.path == "")
    }

    @Test("the deepest schemas the limit allows fit well within a 512 KiB stack: parse, write, compare, hash, fingerprint")
    func deepestSchemasFitInHalfOfA512KiBStack() {
        // Swift concurrency threads get 512 KiB; prove the worst case needs at most half of that.
        runOnThread(stackSize: 256 << 10) {
            for shape in DeepSchemas.atTheLimit {
                #expect(DeepSchemas.exercise(shape.text) == shape.valid, "\(shape.name)")
            }
        }
    }

    @Test("one level more than the limit is rejected", arguments: [
        DeepSchemas.arrays(DeepSchemas.limit + 1), DeepSchemas.records(DeepSchemas.limit / 3 + 1),
    ])
    func beyondTheLimit(_ text: String) {
        #expect(schemaError(text)?.message.contains("nesting deeper than 64 levels") == true)
    }

    @Test("a schema value built in code is bounded too")
    func deepJSONValue() {
        runOnThread(stackSize: 8 << 20) {
            var value: JSONValue = "int"
            for _ in 0..<2_000 { value = ["type": "array", "items": value] }
            let error = Result { () throws(AvroSchemaError) in try AvroSchema(json: value) }
            guard case .failure(let error) = error else {
                Issue.record("a 2,000-level schema value was accepted")
                return
            }
            #expect(error.message.hasSuffix(": schema is nested deeper than 64 levels"))
            #expect(error.path.hasPrefix("/items/items/"))
        }
    }

    @Test("the nesting limit can be lowered")
    func customDepth() {
        let options = ParseOptions(maxNestingDepth: 4)
        #expect(schemaError(DeepSchemas.arrays(4), options: options) == nil)
        #expect(schemaError(DeepSchemas.arrays(5), options: options)?.message == "schema is not valid JSON: nesting deeper than 4 levels (byte 96)")
    }

    @Test("a 10 MB schema is refused before it is parsed, as text and as bytes")
    func oversized() {
        let doc = String(repeating: "x", count: 10 << 20)
        let text = #"{"type":"record","name":"R","doc":""# + doc + #"","fields":[]}"#
        let expected = "schema is \(text.utf8.count) bytes; the limit is 4194304"
        #expect(schemaError(text)?.message == expected)
        let bytes = Array(text.utf8)
        let fromBytes = Result { () throws(AvroSchemaError) in try AvroSchema(parsing: bytes) }
        #expect(fromBytes.failureMessage == expected)
    }

    @Test("a 1 MiB schema with 13,000 named types parses and round-trips (no quadratic step)")
    func wideSchema() throws {
        var fields: [String] = []
        var size = 0
        var index = 0
        while size < (1 << 20) - 200 {
            let field = #"{"name":"f\#(index)","type":{"type":"enum","name":"E\#(index)","symbols":["A","B"]},"default":"A"}"#
            size += field.utf8.count + 1
            fields.append(field)
            index += 1
        }
        fields.removeLast()
        let text = #"{"type":"record","name":"Wide","fields":["# + fields.joined(separator: ",") + "]}"
        #expect(text.utf8.count <= 1 << 20)
        let schema = try AvroSchema(parsing: text)
        #expect(schema.definedNames.count == fields.count + 1)
        #expect(try AvroSchema(parsing: schema.json) == schema)
    }

    static let invalidUTF8Texts: [[UInt8]] = [
        [0x22, 0xFF, 0x22],                          // not UTF-8 at all
        [0x22, 0xC3, 0x22],                          // truncated sequence
        [0x22, 0xC0, 0xAF, 0x22],                    // overlong "/"
        [0x22, 0xED, 0xA0, 0x80, 0x22],              // a surrogate encoded in UTF-8
        [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],        // beyond U+10FFFF
        Array(#"{"type":"record","name":"R","doc":""#.utf8) + [0xFE] + Array(#"","fields":[]}"#.utf8),
        Array(#"{"type":"record","name":"R","fields":[{"name":"a","type":"string","default":"\u0041"#.utf8) + [0x80] + Array(#""}]}"#.utf8),
    ]

    @Test("invalid UTF-8 is an error", arguments: invalidUTF8Texts)
    func invalidUTF8(_ bytes: [UInt8]) {
        let result = Result { () throws(AvroSchemaError) in try AvroSchema(parsing: bytes) }
        #expect(result.failureMessage?.hasPrefix("schema is not valid JSON: invalid UTF-8 in a string (byte ") == true,
            "\(String(describing: result.failureMessage))")
    }

    @Test("invalid UTF-8 outside strings is an error too")
    func invalidUTF8OutsideStrings() {
        let result = Result { () throws(AvroSchemaError) in try AvroSchema(parsing: [0x22, 0x69, 0x6E, 0x74, 0x22, 0xFF]) }
        #expect(result.failureMessage == "schema is not valid JSON: unexpected content after the JSON value (byte 5)")
    }

    @Test("escaped lone surrogates are an error")
    func loneSurrogates() {
        #expect(schemaError(#""\ud800""#)?.message == "schema is not valid JSON: lone high surrogate (byte 7)")
        #expect(schemaError(#""\udc00""#)?.message == "schema is not valid JSON: lone low surrogate (byte 7)")
        #expect(schemaError(#""\ud800\u0041""#)?.message == "schema is not valid JSON: invalid low surrogate (byte 13)")
    }
}

extension Result where Failure == AvroSchemaError {
    var failureMessage: String? {
        if case .failure(let error) = self { return error.message }
        return nil
    }
}
