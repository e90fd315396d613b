import Testing
@testable import JSON
import TestSupport

@Suite("JSON parser and writer")
struct JSONTests {
    @Test("values of every kind parse, keeping member order and number literals")
    func parses() throws {
        let value = try JSONValue(parsing: #" {"b": [1, -0.50, 2E+3, 123456789012345678901234567890], "a": {"t": true, "f": false, "n": null}, "s": "\u00e9\n"} "#)
        #expect(value.objectValue?.keys == ["b", "a", "s"])
        #expect(value["b"]?.arrayValue?.compactMap(\.numberValue?.text) == ["1", "-0.50", "2E+3", "123456789012345678901234567890"])
        #expect(value["a"] == ["t": true, "f": false, "n": nil])
        #expect(value["s"] == "é\n")
    }

    @Test("a repeated key keeps its first position and its last value, as Jackson does")
    func duplicateKeys() throws {
        let value = try JSONValue(parsing: #"{"a": 1, "b": 2, "a": 3}"#)
        #expect(value.objectValue?.keys == ["a", "b"])
        #expect(value["a"] == 3)
    }

    @Test("numbers convert only when exact")
    func numbers() {
        #expect(JSONNumber(literal: "2147483647").int32Value == 2_147_483_647)
        #expect(JSONNumber(literal: "2147483648").int32Value == nil)
        #expect(JSONNumber(literal: "-9223372036854775808").int64Value == .min)
        #expect(JSONNumber(literal: "1.0").int64Value == nil)
        #expect(JSONNumber(literal: "1e2").int64Value == nil)
        #expect(JSONNumber(literal: "-0").int32Value == 0)
        #expect(JSONNumber(literal: "2.5e-1").doubleValue == 0.25)
    }

    static let malformedTexts: [(String, String)] = [
        ("", "unexpected end of input (byte 0)"),
        ("{", "expected a string key (byte 1)"),
        (#"{"a" 1}"#, "expected ':' (byte 5)"),
        (#"{"a": 1,}"#, "expected a string key (byte 8)"),
        ("[1 2]", "expected ',' or ']' (byte 3)"),
        ("01", "leading zeros are not allowed (byte 1)"),
        ("1.", "invalid number (byte 2)"),
        ("-", "invalid number (byte 1)"),
        ("NaN", "unexpected character 'N' (byte 0)"),
        ("tru", "unexpected end of input (byte 0)"),
        ("nul1", "invalid literal (byte 0)"),
        (#""a"#, "unterminated string (byte 2)"),
        ("\"a\u{1}\"", "unescaped control character in a string (byte 2)"),
        (#""\x""#, "invalid escape (byte 3)"),
        (#""\u12G4""#, "invalid unicode escape (byte 5)"),
        ("[] []", "unexpected content after the JSON value (byte 3)"),
        ("/* comment */ 1", "unexpected character '/' (byte 0)"),
    ]

    @Test("malformed JSON is an error with the byte offset", arguments: malformedTexts)
    func malformed(_ text: String, _ message: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.description == "invalid JSON at byte \(error.offset): \(error.message)")
            #expect("\(error.message) (byte \(error.offset))" == message)
        }
    }

    @Test("a non-ASCII byte where a value should start is reported as a byte, not a character")
    func nonASCIIByte() {
        #expect(throws: JSONParseError(message: "unexpected byte 0xFF", offset: 0)) { try JSONParser.parse(bytes: [0xFF]) }
    }

    @Test("writing is compact, escapes only what JSON requires, and reads back equal")
    func writes() throws {
        let value: JSONValue = ["z": [1, 2.5, "\"\\\u{8}\u{c}\n\r\t\u{1f}é😀"], "a": nil, "b": [true, false]]
        let text = JSONWriter.write(value)
        #expect(text == #"{"z":[1,2.5,"\"\\\b\f\n\r\t\u001fé😀"],"a":null,"b":[true,false]}"#)
        #expect(try JSONValue(parsing: text) == value)
        #expect(value.description == text)
    }

    @Test("the nesting limit is exact")
    func depthLimit() throws {
        _ = try JSONParser.parse(String(repeating: "[", count: 256) + String(repeating: "]", count: 256))
        #expect(throws: JSONParseError(message: "nesting deeper than 256 levels", offset: 256)) {
            try JSONParser.parse(String(repeating: "[", count: 257) + String(repeating: "]", count: 257))
        }
        #expect(throws: JSONParseError(message: "nesting deeper than 2 levels", offset: 7)) {
            try JSONParser.parse(#"{"a": [{}]}"#, maxDepth: 2)
        }
    }

    @Test("reading a deep document needs no more stack than a flat one (the recursive reader needed 560 KiB)")
    func iterative() throws {
        let deep = String(repeating: #"{"a":["#, count: 50_000) + "1" + String(repeating: "]}", count: 50_000)
        runOnThread(stackSize: 64 << 10) {
            #expect(throws: JSONParseError(message: "nesting deeper than 256 levels", offset: 768)) { try JSONParser.parse(deep) }
        }
    }

    @Test("comments are accepted where whitespace may be only when asked for, as Jackson's ALLOW_COMMENTS does")
    func comments() throws {
        let text = """
            // leading
            {/* a */"a" /* b */: /* c */ [1, // d
            2 /**/]/* e */} // trailing
            """
        #expect(try JSONParser.parse(text, allowComments: true) == ["a": [1, 2]])
        #expect(throws: JSONParseError(message: "unexpected character '/'", offset: 0)) { try JSONParser.parse(text) }
        #expect(throws: JSONParseError(message: "unexpected character '/'", offset: 2)) {
            try JSONParser.parse("[ /* unterminated ]", allowComments: true)
        }
        #expect(throws: JSONParseError(message: "unexpected content after the JSON value", offset: 2)) {
            try JSONParser.parse("1 / 2", allowComments: true)
        }
    }
}
