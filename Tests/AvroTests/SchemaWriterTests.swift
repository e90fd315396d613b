import TestSupport
import Testing
@testable import Avro
import JSON

@Suite("Schema JSON for storage: round trip, every attribute Java keeps kept, byte for byte stable")
struct SchemaWriterTests {
    /// Every distinct schema text of the corpus that parses (strictly, or leniently as a stored schema would).
    static let corpusSchemas: [String] = {
        var seen: Set<String> = []
        var texts: [String] = []
        for c in CorpusCase.all {
            for text in [c.readerText, c.writerText] where seen.insert(text).inserted {
                guard let schema = try? AvroSchema(parsing: text, options: .lenient) else { continue }
                // A second, equal definition of a name is kept as a use of the first, so its attributes go.
                if try! definitionCount(JSONValue(parsing: text)) == schema.definedNames.count { texts.append(text) }
            }
        }
        return texts
    }()

    static func roundTrip(_ text: String, options: ParseOptions = .init()) throws {
        let schema = try AvroSchema(parsing: text, options: options)
        let json = schema.json
        let again = try AvroSchema(parsing: json, options: options)
        #expect(again == schema, "\(text)\n\(json)")
        #expect(again.json == json, "not stable: \(json)")
        #expect(again.canonicalForm == schema.canonicalForm)
        #expect(attributeKeys(try JSONValue(parsing: json)) == attributeKeys(javaKept(try JSONValue(parsing: text))), "\(text)\n\(json)")
    }

    /// The schema as Java's parser keeps it: each schema object loses the attributes Java reserves
    /// (`SCHEMA_RESERVED`) that its kind does not use, and every `doc` that is not a string.
    static func javaKept(_ value: JSONValue) -> JSONValue {
        let reserved: Set<String> = ["doc", "fields", "items", "name", "namespace", "size", "symbols", "values", "type", "aliases"]
        let uses: [String: Set<String>] = [
            "record": ["type", "name", "namespace", "doc", "fields", "aliases"], "error": ["type", "name", "namespace", "doc", "fields", "aliases"],
            "enum": ["type", "name", "namespace", "doc", "symbols", "aliases"], "fixed": ["type", "name", "namespace", "doc", "size", "aliases"],
            "array": ["type", "items"], "map": ["type", "values"],
        ]
        func schema(_ value: JSONValue) -> JSONValue {
            switch value {
            case .array(let branches): return .array(branches.map(schema))
            case .object(let object):
                let kind = object["type"]?.stringValue ?? ""
                let used = uses[kind] ?? ["type"]
                var kept = JSONObject()
                for member in object where !reserved.contains(member.key) || used.contains(member.key) {
                    if member.key == "doc", member.value.stringValue == nil { continue }
                    switch member.key {
                    case "fields": kept[member.key] = .array((member.value.arrayValue ?? []).map(field))
                    case "items", "values": kept[member.key] = schema(member.value)
                    case "type" where member.value.objectValue != nil || member.value.arrayValue != nil:
                        kept[member.key] = schema(member.value)
                    default: kept[member.key] = member.value
                    }
                }
                return .object(kept)
            default: return value
            }
        }
        func field(_ value: JSONValue) -> JSONValue {
            guard case .object(let object) = value else { return value }
            var kept = JSONObject()
            for member in object {
                if member.key == "doc", member.value.stringValue == nil { continue }
                kept[member.key] = member.key == "type" ? schema(member.value) : member.value
            }
            return .object(kept)
        }
        return schema(value)
    }

    static func definitionCount(_ value: JSONValue) -> Int {
        switch value {
        case .array(let elements): return elements.map(definitionCount).reduce(0, +)
        case .object(let object):
            let named = ["record", "error", "enum", "fixed"].contains(object["type"]?.stringValue ?? "") && object["name"] != nil
            return (named ? 1 : 0) + object.map { definitionCount($0.value) }.reduce(0, +)
        default: return 0
        }
    }

    /// How often each attribute name occurs at any depth, leaving out `namespace` (written only where it is
    /// needed) and the objects that are only a `{"type": name}` wrapper around a primitive or reference.
    static func attributeKeys(_ value: JSONValue) -> [String: Int] {
        var counts: [String: Int] = [:]
        func visit(_ value: JSONValue) {
            switch value {
            case .array(let elements): elements.forEach(visit)
            case .object(let object):
                if object.count == 1, object["type"]?.stringValue != nil { return }
                for member in object where member.key != "namespace" {
                    counts[member.key, default: 0] += 1
                    visit(member.value)
                }
            default: break
            }
        }
        visit(value)
        return counts
    }

    @Test("every corpus schema round-trips", arguments: corpusSchemas)
    func corpusRoundTrip(_ text: String) throws {
        let strict = (try? AvroSchema(parsing: text)) != nil
        try Self.roundTrip(text, options: strict ? .init() : .lenient)
    }

    @Test("every example schema round-trips")
    func examplesRoundTrip() throws {
        let files = try repositorySchemaFiles()
        #expect(files.contains { $0.name == "example-every-type.avsc" })
        for file in files {
            try Self.roundTrip(file.text)
        }
    }

    @Test("the corpus has enough schemas to mean something")
    func corpusSize() {
        #expect(Self.corpusSchemas.count > 400)
    }

    @Test("output is compact, in Java's key order, and keeps docs, defaults, aliases, order, logical types and properties")
    func exactOutput() throws {
        // Written the way the writer writes, so the output must be this text without whitespace.
        let text = """
            {"type":"record","name":"Payment","namespace":"com.acme","doc":"A payment.","fields":[
              {"name":"id","type":{"type":"string","logicalType":"uuid"},"doc":"Key.","order":"descending","aliases":["key"],"x-pii":false},
              {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2},"default":"\\u0000"},
              {"name":"big","type":"long","default":9223372036854775807},
              {"name":"ratio","type":"double","default":1.50},
              {"name":"tiny","type":"double","default":-1E-300},
              {"name":"status","type":{"type":"enum","name":"Status","doc":"S.","symbols":["OK","FAILED"],"default":"OK","x":{"y":[1,null]},"aliases":["State"]}},
              {"name":"history","type":{"type":"array","items":"Status","x-array":1},"default":["OK"]},
              {"name":"other","type":{"type":"fixed","name":"Other","namespace":"org.other","size":2,"aliases":["com.acme.Legacy"]}},
              {"name":"again","type":["null","org.other.Other","Status"],"default":null},
              {"name":"text","type":"string","default":"é \\"quoted\\" \\\\ \\n\\t\\u0001"}
            ],"x-owner":"team","aliases":["Pay"]}
            """
        let compact = text.split(separator: "\n").map { $0.trimmingPrefix(while: \.isWhitespace) }.joined()
        let schema = try AvroSchema(parsing: text)
        #expect(schema.json == compact)
    }

    @Test("a redundant namespace is dropped, a needed one is written, and a dotted name becomes name plus namespace")
    func namespaces() throws {
        let schema = try AvroSchema(parsing: """
            {"type": "record", "name": "a.R", "fields": [
              {"name": "same", "type": {"type": "fixed", "name": "F", "namespace": "a", "size": 1}},
              {"name": "other", "type": {"type": "fixed", "name": "b.G", "size": 1}},
              {"name": "none", "type": {"type": "fixed", "name": "H", "namespace": "", "size": 1}},
              {"name": "refs", "type": ["a.F", "b.G", "H"]}]}
            """)
        #expect(schema.json == #"{"type":"record","name":"R","namespace":"a","fields":[{"name":"same","type":{"type":"fixed","name":"F","size":1}},{"name":"other","type":{"type":"fixed","name":"G","namespace":"b","size":1}},{"name":"none","type":{"type":"fixed","name":"H","namespace":"","size":1}},{"name":"refs","type":["F","b.G","H"]}]}"#)
        #expect(try AvroSchema(parsing: schema.json) == schema)
    }

    @Test("hand-written schemas round-trip", arguments: CanonicalFormTests.handWritten + [
        #"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "order": "IGNORE"}]}"#,
        #"{"type": "record", "name": "R", "namespace": "n", "aliases": ["A", "m.B", ".C"], "fields": []}"#,
        #"{"type": "record", "name": "R", "namespace": "n", "fields": [{"name": "g", "type": {"type": "record", "name": "G", "namespace": "", "fields": []}}, {"name": "h", "type": "G"}]}"#,
        #"{"type": "map", "values": {"type": "long", "logicalType": "timestamp-millis", "x": [{"nested": {"deep": true}}]}}"#,
        #"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "double", "default": "-Infinity"}, {"name": "b", "type": "float", "default": 3.4028235E38}]}"#,
        #"["null", {"type": "record", "name": "x.A", "fields": [{"name": "b", "type": {"type": "enum", "name": "B", "symbols": ["Z"]}}]}, "x.B"]"#,
    ])
    func handWrittenRoundTrip(_ text: String) throws {
        try Self.roundTrip(text)
    }

    @Test("a schema with references is written with names, not with the referenced definitions")
    func references() throws {
        let base = try AvroSchema(parsing: #"{"type": "record", "name": "Base", "namespace": "b", "fields": [{"name": "x", "type": "int"}]}"#)
        let schema = try AvroSchema(parsing: #"{"type": "record", "name": "Derived", "namespace": "b", "fields": [{"name": "base", "type": "Base"}]}"#, references: [base])
        #expect(schema.json == #"{"type":"record","name":"Derived","namespace":"b","fields":[{"name":"base","type":"Base"}]}"#)
        #expect(try AvroSchema(parsing: schema.json, references: [base]) == schema)
        #expect(schema.jsonValue == (try JSONValue(parsing: schema.json)))
    }
}
