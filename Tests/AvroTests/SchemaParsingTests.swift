import Testing
@testable import Avro
import JSON

@Suite("Schema parsing: types, names and attributes")
struct SchemaParsingTests {
    @Test("a primitive is the same schema whether spelled as a string or as an object", arguments: Primitive.allCases)
    func primitiveSpellings(_ primitive: Primitive) throws {
        let bare = try AvroSchema(parsing: "\"\(primitive.rawValue)\"")
        let object = try AvroSchema(parsing: #"{"type": "\#(primitive.rawValue)"}"#)
        #expect(bare.root == .primitive(primitive, .none))
        #expect(object == bare)
        #expect(object.canonicalForm == "\"\(primitive.rawValue)\"")
    }

    @Test("a primitive keeps its custom properties in input order")
    func primitiveProperties() throws {
        let schema = try AvroSchema(parsing: #"{"type": "string", "b": 1, "avro.java.string": "String", "a": [true]}"#)
        guard case .primitive(.string, let annotations) = schema.root else {
            Issue.record("not a string: \(schema.root)")
            return
        }
        #expect(annotations.properties.keys == ["b", "avro.java.string", "a"])
        #expect(annotations.properties["a"] == [true])
        #expect(annotations.logicalType == nil)
    }

    @Test("comments in schema text are ignored, as the reference parser (Jackson with ALLOW_COMMENTS) does")
    func comments() throws {
        let schema = try AvroSchema(parsing: """
            /* An order. */
            {"type": "record", "name": "Order", // the name
             "fields": [{"name": "id", "type": "long"}]}
            """)
        #expect(schema == (try AvroSchema(parsing: #"{"type": "record", "name": "Order", "fields": [{"name": "id", "type": "long"}]}"#)))
    }

    @Test("a record has its fields with types, defaults, docs, order, aliases and properties")
    func record() throws {
        let schema = try AvroSchema(parsing: """
            {"type": "record", "name": "User", "namespace": "com.acme", "doc": "A user.", "aliases": ["Person", "old.User"],
             "x-owner": "team",
             "fields": [
               {"name": "id", "type": "long", "doc": "Key.", "order": "descending", "aliases": ["key"], "x-pii": false},
               {"name": "email", "type": ["null", "string"], "default": null, "order": "IGNORE"}
             ]}
            """)
        guard case .record(let record) = schema.root else {
            Issue.record("not a record: \(schema.root)")
            return
        }
        #expect(record.name == AvroName(name: "User", namespace: "com.acme"))
        #expect(record.named.doc == "A user.")
        #expect(record.named.aliases == ["com.acme.Person", "old.User"])
        #expect(record.named.properties == JSONObject(["x-owner": "team"]))
        #expect(!record.isError)
        #expect(record.fields.map(\.name) == ["id", "email"])
        let id = try #require(record.field(named: "id"))
        #expect(id.type == .primitive(.long, .none))
        #expect(id.doc == "Key.")
        #expect(id.order == .descending)
        #expect(id.aliases == ["key"])
        #expect(id.properties == JSONObject(["x-pii": false]))
        #expect(id.defaultValue == nil)
        let email = try #require(record.field(named: "email"))
        #expect(email.type == .union([.primitive(.null, .none), .primitive(.string, .none)]))
        #expect(email.defaultValue == .null)
        #expect(email.order == .ignore)
        #expect(schema.definedNames == ["com.acme.User"])
    }

    @Test("an error is a record marked as an error")
    func error() throws {
        let schema = try AvroSchema(parsing: #"{"type": "error", "name": "Failure", "fields": [{"name": "reason", "type": "string"}]}"#)
        guard case .record(let record) = schema.root else {
            Issue.record("not a record: \(schema.root)")
            return
        }
        #expect(record.isError)
        #expect(schema.json == #"{"type":"error","name":"Failure","fields":[{"name":"reason","type":"string"}]}"#)
        #expect(schema.canonicalForm == #"{"name":"Failure","type":"record","fields":[{"name":"reason","type":"string"}]}"#)
    }

    @Test("an enum has its symbols, default, doc and aliases")
    func enumeration() throws {
        let schema = try AvroSchema(parsing: """
            {"type": "enum", "name": "Suit", "namespace": "cards", "doc": "Suits.", "aliases": ["Kind"],
             "symbols": ["SPADES", "HEARTS"], "default": "HEARTS"}
            """)
        #expect(schema.root == .enumeration(EnumType(
            named: NamedAttributes(name: AvroName(name: "Suit", namespace: "cards"), aliases: ["cards.Kind"], doc: "Suits."),
            symbols: ["SPADES", "HEARTS"], defaultSymbol: "HEARTS")))
    }

    @Test("an enum default that is not a string is no default, as in Java, and is kept as a property")
    func enumNonStringDefault() throws {
        let schema = try AvroSchema(parsing: #"{"type": "enum", "name": "E", "symbols": ["A"], "default": 0}"#)
        guard case .enumeration(let e) = schema.root else {
            Issue.record("not an enum: \(schema.root)")
            return
        }
        #expect(e.defaultSymbol == nil)
        #expect(e.named.properties == JSONObject(["default": 0]))
        #expect(schema.json == #"{"type":"enum","name":"E","symbols":["A"],"default":0}"#)
        #expect(try AvroSchema(parsing: schema.json) == schema)
    }

    @Test("arrays and maps hold their element and value types and keep their properties")
    func arraysAndMaps() throws {
        let schema = try AvroSchema(parsing: """
            {"type": "array", "items": {"type": "map", "values": "bytes", "m": 1}, "a": "x"}
            """)
        #expect(schema.root == .array(
            items: .map(values: .primitive(.bytes, .none), Annotations(properties: JSONObject(["m": 1]))),
            Annotations(properties: JSONObject(["a": "x"]))))
    }

    @Test("a union keeps its branches in order")
    func union() throws {
        let schema = try AvroSchema(parsing: #"["null", {"type": "array", "items": "int"}, {"type": "fixed", "name": "F", "size": 2}, "F2"]"#,
            references: [try AvroSchema(parsing: #"{"type": "fixed", "name": "F2", "size": 3}"#)])
        guard case .union(let branches) = schema.root else {
            Issue.record("not a union: \(schema.root)")
            return
        }
        #expect(branches.map(\.typeName) == ["null", "array", "F", "F2"])
        #expect(branches[3] == .reference("F2"))
    }

    @Test("a fixed has its size and keeps its properties")
    func fixed() throws {
        let schema = try AvroSchema(parsing: #"{"type": "fixed", "name": "Hash", "size": 0, "x": null}"#)
        #expect(schema.root == .fixed(FixedType(named: NamedAttributes(name: AvroName(name: "Hash", namespace: nil), properties: JSONObject(["x": nil])), size: 0)))
    }

    @Test("a named type is defined once; later uses are references that resolve to the definition")
    func references() throws {
        let schema = try AvroSchema(parsing: """
            {"type": "record", "name": "R", "namespace": "n", "fields": [
              {"name": "a", "type": {"type": "fixed", "name": "F", "size": 4}},
              {"name": "b", "type": "F"},
              {"name": "c", "type": "n.F"},
              {"name": "d", "type": {"type": "F"}}
            ]}
            """)
        guard case .record(let record) = schema.root else {
            Issue.record("not a record")
            return
        }
        #expect(record.fields[1].type == .reference("n.F"))
        #expect(record.fields[2].type == .reference("n.F"))
        #expect(record.fields[3].type == .reference("n.F"))
        #expect(schema.resolve(record.fields[1].type) == record.fields[0].type)
        #expect(schema.resolve(.primitive(.int, .none)) == .primitive(.int, .none))
        #expect(schema.definedNames == ["n.R", "n.F"])
    }

    @Test("a recursive record refers to itself by name, directly and through unions, arrays and maps")
    func recursion() throws {
        let schema = try AvroSchema(parsing: """
            {"type": "record", "name": "Node", "fields": [
              {"name": "next", "type": ["null", "Node"], "default": null},
              {"name": "children", "type": {"type": "array", "items": "Node"}},
              {"name": "index", "type": {"type": "map", "values": "Node"}}
            ]}
            """)
        let record = try #require(schema.namedTypes["Node"])
        #expect(schema.root == record)
        #expect(schema.canonicalForm == #"{"name":"Node","type":"record","fields":[{"name":"next","type":["null","Node"]},{"name":"children","type":{"type":"array","items":"Node"}},{"name":"index","type":{"type":"map","values":"Node"}}]}"#)
    }

    @Test("mutually recursive records")
    func mutualRecursion() throws {
        let schema = try AvroSchema(parsing: """
            {"type": "record", "name": "A", "fields": [
              {"name": "b", "type": ["null", {"type": "record", "name": "B", "fields": [{"name": "a", "type": ["null", "A"]}]}]}
            ]}
            """)
        #expect(schema.definedNames == ["A", "B"])
        #expect(schema.canonicalForm == #"{"name":"A","type":"record","fields":[{"name":"b","type":["null",{"name":"B","type":"record","fields":[{"name":"a","type":["null","A"]}]}]}]}"#)
    }
}
