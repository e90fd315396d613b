import JSON
import TestSupport
import Testing
@testable import Avro

@Suite("Schema parsing with a cache of fields")
struct SchemaParseCacheTests {
    /// Every corpus schema text, strict and lenient, parsed in turn through one cache: each gives what it gives
    /// without the cache, the same schema or the same error.
    @Test("parsing through one cache gives what parsing without it gives, for every corpus schema")
    func agreesWithUncachedParsing() {
        var texts: [String] = []
        var seen: Set<String> = []
        for c in CorpusCase.all {
            for text in [c.readerText, c.writerText] where seen.insert(text).inserted { texts.append(text) }
        }
        for options in [ParseOptions(), .lenient] {
            let cache = SchemaParseCache()
            // Twice, so that the second round reads fields the first one kept.
            for text in texts + texts {
                let plain = Result { () throws(AvroSchemaError) in try AvroSchema(parsing: Array(text.utf8), options: options) }
                let cached = Result { () throws(AvroSchemaError) in
                    try AvroSchema(parsing: Array(text.utf8), options: options, cache: cache)
                }
                #expect(plain == cached, "\(text)")
            }
        }
    }

    @Test("a kept field is reused, and still fits the record it lands in")
    func reuse() throws {
        let cache = SchemaParseCache()
        let field = #"{"name": "a", "type": ["null", {"type": "array", "items": "double"}], "default": null}"#
        let first = try AvroSchema(parsing: Array(#"{"type": "record", "name": "R", "fields": [\#(field)]}"#.utf8), cache: cache)
        let second = try AvroSchema(
            parsing: Array(#"{"type": "record", "name": "S", "namespace": "n", "fields": [\#(field), {"name": "b", "type": "int"}]}"#.utf8),
            cache: cache)
        guard case .record(let r) = first.root, case .record(let s) = second.root else { Issue.record("not records"); return }
        #expect(s.fields[0] == r.fields[0])
        #expect(cache.options == ParseOptions())
        #expect(throws: AvroSchemaError.self) {
            try AvroSchema(parsing: Array(#"{"type": "record", "name": "T", "fields": [\#(field), \#(field)]}"#.utf8), cache: cache)
        }
        // A field that defines a named type is not kept: each schema defines its own.
        let named = #"{"name": "f", "type": {"type": "fixed", "name": "F", "size": 2}}"#
        for name in ["A", "B"] {
            let schema = try AvroSchema(parsing: Array(#"{"type": "record", "name": "\#(name)", "fields": [\#(named)]}"#.utf8), cache: cache)
            #expect(schema.definedNames == [name, "F"])
        }
    }
}
