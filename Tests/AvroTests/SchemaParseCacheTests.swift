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

@Suite("Schema parsing with a cache: fields that use named types")
struct SchemaParseCacheNamedTests {
    private func record(_ name: String, namespace: String, _ fields: [String]) -> [UInt8] {
        Array(#"{"type": "record", "name": "\#(name)", "namespace": "\#(namespace)", "fields": [\#(fields.joined(separator: ", "))]}"#.utf8)
    }

    @Test("a field that uses a named type is reused only where the name means the same")
    func reusedInTheSameContextOnly() throws {
        let cache = SchemaParseCache()
        let status = #"{"name": "s", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "OLD"]}}"#
        let use = #"{"name": "t", "type": "Status", "default": "NEW"}"#
        let first = try AvroSchema(parsing: record("A", namespace: "n", [status, use]), cache: cache)
        let again = try AvroSchema(parsing: record("B", namespace: "n", [status, use]), cache: cache)
        guard case .record(let a) = first.root, case .record(let b) = again.root else { Issue.record("not records"); return }
        #expect(a.fields[1] == b.fields[1])
        #expect(b.fields[1].type == .reference("n.Status"))
        // Status as a record: the same field's default is no longer valid.
        let asRecord = #"{"name": "s", "type": {"type": "record", "name": "Status", "fields": []}}"#
        #expect(throws: AvroSchemaError.self) { try AvroSchema(parsing: record("C", namespace: "n", [asRecord, use]), cache: cache) }
        // Another namespace: the name resolves to another type.
        let other = try AvroSchema(parsing: record("D", namespace: "m", [status, use]), cache: cache)
        guard case .record(let d) = other.root else { Issue.record("not a record"); return }
        #expect(d.fields[1].type == .reference("m.Status"))
        // Not defined at all: a forward reference that never resolves.
        #expect(throws: AvroSchemaError.self) { try AvroSchema(parsing: record("E", namespace: "n", [use]), cache: cache) }
    }

    @Test("many versions of one record parse through one cache as they do without it")
    func versions() throws {
        let cache = SchemaParseCache()
        let shared = [
            #"{"name": "s", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "OLD"], "default": "NEW"}}"#,
            #"{"name": "a", "type": {"type": "record", "name": "Address", "fields": [{"name": "city", "type": "string", "default": ""}]}}"#,
            #"{"name": "t", "type": "Status", "default": "OLD"}"#,
            #"{"name": "b", "type": ["null", "Address"], "default": null}"#,
            #"{"name": "c", "type": "Address", "default": {"city": "x"}}"#,
        ]
        for version in 0..<20 {
            let text = record("Order", namespace: "com.example", shared + [#"{"name": "v\#(version)", "type": "long", "default": \#(version)}"#])
            #expect(try AvroSchema(parsing: text, cache: cache) == AvroSchema(parsing: text))
        }
        #expect(cache.json.count > 0)
    }
}

@Suite("Preparing schemas through a cache")
struct PreparedThroughCacheTests {
    @Test("every corpus schema, prepared twice through one cache, has the schema and digests a plain preparation gives")
    func agreesOverTheCorpus() throws {
        let texts = CorpusCase.all.flatMap { [$0.readerText, $0.writerText] }
        let cache = SchemaParseCache()
        var prepared = 0
        for text in texts + texts {
            guard let plain = try? PreparedForCompatibility(AvroSchema(parsing: Array(text.utf8))) else {
                #expect(throws: AvroSchemaError.self) { try PreparedForCompatibility(parsing: Array(text.utf8), cache: cache) }
                continue
            }
            let cached = try PreparedForCompatibility(parsing: Array(text.utf8), cache: cache)
            #expect(cached.schema == plain.schema, "\(text)")
            #expect(cached.fieldDigests == plain.fieldDigests, "\(text)")
            prepared += 1
        }
        #expect(prepared > 0)
    }

    @Test("versions that define and use named types keep their own digests, and a changed definition changes them")
    func namedTypes() throws {
        let cache = SchemaParseCache()
        func version(_ symbols: String, _ extra: String) -> [UInt8] {
            Array(
                #"{"type": "record", "name": "R", "fields": [{"name": "e", "type": {"type": "enum", "name": "E", "symbols": [\#(symbols)]}}, {"name": "u", "type": ["null", "E"], "default": null}, {"name": "x", "type": "\#(extra)"}]}"#
                    .utf8)
        }
        for (symbols, extra) in [(#""A""#, "int"), (#""A""#, "long"), (#""A", "B""#, "int"), (#""A""#, "int")] {
            let text = version(symbols, extra)
            let cached = try PreparedForCompatibility(parsing: text, cache: cache)
            let plain = PreparedForCompatibility(try AvroSchema(parsing: text))
            #expect(cached.schema == plain.schema)
            #expect(cached.fieldDigests == plain.fieldDigests)
        }
    }
}
