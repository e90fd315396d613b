import Testing
@testable import JSON
import TestSupport

@Suite("Reading JSON with a table of objects read before")
struct JSONReuseTableTests {
    private func parse(_ text: String, maxDepth: Int = JSONParser.defaultMaxDepth, allowComments: Bool = true, _ table: JSONReuseTable?)
        -> Result<JSONValue, JSONParseError>
    {
        Result { () throws(JSONParseError) in
            try JSONParser.parse(bytes: Array(text.utf8), maxDepth: maxDepth, allowComments: allowComments, reusing: table)
        }
    }

    @Test("every corpus schema, read twice through one table, reads as without it")
    func agreesOverTheCorpus() {
        let table = JSONReuseTable()
        let texts = CorpusCase.all.flatMap { [$0.readerText, $0.writerText] }
        for text in texts + texts {
            #expect(parse(text, table) == parse(text, nil), "\(text)")
        }
        #expect(table.count > 0)
    }

    @Test("a repeated object is reused, and brackets in strings, escapes and comments do not mislead it")
    func reuse() {
        let table = JSONReuseTable(minimumBytes: 1)
        let tricky = [
            #"[{"a": "}]\"{", "b": [1, {"c": "\\"}]}, {"a": "x"}]"#,
            #"[{"a": 1 /* } */, "b": 2}, {"a": 1, "b": 2}]"#,
            #"[{"a": 1} // }"# + "\n]",
        ]
        for text in tricky + tricky {
            #expect(parse(text, table) == parse(text, nil), "\(text)")
        }
        let kept = table.count
        _ = parse(tricky[0], table)
        #expect(table.count == kept)
        // The same object in a different place and spacing around it.
        #expect(parse(#" [ 7, {"a": "}]\"{", "b": [1, {"c": "\\"}]} ] "#, table) == .success([7, ["a": "}]\"{", "b": [1, ["c": "\\"]]]]))
        #expect(table.count == kept)
    }

    @Test("an object kept from a shallow place is not reused past the nesting limit")
    func depthLimit() {
        let table = JSONReuseTable(minimumBytes: 1)
        #expect(parse(#"[{"a": [[1]]}]"#, maxDepth: 4, table) == .success([["a": [[1]]]]))
        for text in [#"[[[{"a": [[1]]}]]]"#, #"[[{"a": [[1]]}]]"#] {
            let plain = parse(text, maxDepth: 5, nil)
            #expect(parse(text, maxDepth: 5, table) == plain)
        }
        #expect(parse(#"[[{"a": [[1]]}]]"#, maxDepth: 5, table) == .success([[["a": [[1]]]]]))
        guard case .failure = parse(#"[[[{"a": [[1]]}]]]"#, maxDepth: 5, nil) else {
            Issue.record("six levels must exceed a limit of five")
            return
        }
    }

    @Test("invalid input fails as without the table, even where it repeats a kept object's start")
    func invalid() {
        let table = JSONReuseTable(minimumBytes: 1)
        _ = parse(#"[{"a": 1, "b": "x"}]"#, table)
        for text in [#"[{"a": 1, "b": "x"]"#, #"[{"a": 1, "b": "x"}"#, #"[{"a": 1, "b": "x"}, {"a": 1, "b": "\u12"}]"#, "[{\"a\": 1, \"b\": \"\u{1}\"}]"] {
            let plain = parse(text, nil)
            guard case .failure = plain else {
                Issue.record("\(text) must be invalid")
                continue
            }
            #expect(parse(text, table) == plain, "\(text)")
        }
    }
}

@Suite("Reading JSON with a table of objects read before: bounds")
struct JSONReuseTableBoundsTests {
    @Test("past its byte budget the table keeps nothing new, and documents still read as without it")
    func byteBudget() throws {
        let table = JSONReuseTable(minimumBytes: 1, maximumBytes: 40)
        let first = #"[{"name": "a", "type": "int"}, {"name": "b", "type": "long"}]"#
        let value = try JSONParser.parse(bytes: Array(first.utf8), reusing: table)
        #expect(table.count == 1)
        let plain = try JSONParser.parse(bytes: Array(first.utf8))
        #expect(value == plain)
    }
}
