import Testing
@testable import Avro

/// A schema the parser must reject, and the exact message it must give.
struct Rejection: Sendable, CustomTestStringConvertible {
    let schema: String
    let message: String
    let path: String
    var testDescription: String { message }

    init(_ schema: String, _ message: String, path: String) {
        self.schema = schema
        self.message = message
        self.path = path
    }
}

@Suite("Schema validation: what is rejected, and the exact message")
struct SchemaValidationTests {
    static let structural: [Rejection] = [
        Rejection(#"{"type": "record", "name": "bad-name", "fields": []}"#,
            "at /name: invalid name 'bad-name': must start with [A-Za-z_] and contain only [A-Za-z0-9_]", path: "/name"),
        Rejection(#"{"type": "record", "name": "1R", "fields": []}"#,
            "at /name: invalid name '1R': must start with [A-Za-z_] and contain only [A-Za-z0-9_]", path: "/name"),
        Rejection(#"{"type": "record", "name": "Café", "fields": []}"#,
            "at /name: invalid name 'Café': must start with [A-Za-z_] and contain only [A-Za-z0-9_]", path: "/name"),
        Rejection(#"{"type": "record", "name": "R", "namespace": "foo-bar.x", "fields": []}"#,
            "at /namespace: invalid namespace 'foo-bar.x': part 'foo-bar' must start with [A-Za-z_] and contain only [A-Za-z0-9_]",
            path: "/namespace"),
        Rejection(#"{"type": "record", "name": "a..R", "fields": []}"#,
            "at /name: invalid namespace 'a.': part '' must start with [A-Za-z_] and contain only [A-Za-z0-9_]", path: "/name"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "bad-field", "type": "int"}]}"#,
            "at /fields/0/name: invalid field name 'bad-field': must start with [A-Za-z_] and contain only [A-Za-z0-9_]",
            path: "/fields/0/name"),
        Rejection(#"{"type": "enum", "name": "E", "symbols": ["A", "B-C"]}"#,
            "at /symbols/1: invalid enum symbol 'B-C': must start with [A-Za-z_] and contain only [A-Za-z0-9_]", path: "/symbols/1"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}, {"name": "a", "type": "long"}]}"#,
            "at /fields/1: record 'R' has more than one field named 'a'", path: "/fields/1"),
        Rejection(#"{"type": "enum", "name": "E", "symbols": ["A", "B", "A"]}"#,
            "at /symbols/2: enum 'E' has the symbol 'A' more than once", path: "/symbols/2"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": {"type": "fixed", "name": "R", "size": 1}}]}"#,
            // Java defines a record once its fields are read, so the fixed has the name first.
            "at /: name 'R' is already defined", path: "/"),
        Rejection(#"["null", {"type": "enum", "name": "n.E", "symbols": ["A"]}, {"type": "fixed", "name": "E", "namespace": "n", "size": 1}]"#,
            "at /2: name 'n.E' is already defined", path: "/2"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "Missing"}]}"#,
            "at /fields/0/type: undefined name 'Missing'", path: "/fields/0/type"),
        Rejection(#"{"type": "array", "items": {"type": "com.acme.Missing"}}"#,
            "at /items/type: undefined name 'com.acme.Missing'", path: "/items/type"),
        Rejection(#""Int""#, "at /: undefined name 'Int'", path: "/"),
        Rejection(#"["int", "string", "int"]"#, "at /: union has more than one branch of type 'int'", path: "/"),
        Rejection(#"["null", {"type": "int", "logicalType": "date"}, "int"]"#,
            "at /: union has more than one branch of type 'int'", path: "/"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": ["null", ["int"]]}]}"#,
            "at /fields/0/type: a union may not directly contain another union (branch 1)", path: "/fields/0/type"),
        Rejection(#"{"type": "fixed", "name": "F"}"#, "at /: fixed 'F' must have a non-negative integer 'size'", path: "/"),
        Rejection(#"{"type": "fixed", "name": "F", "size": -1}"#, "at /: fixed 'F' must have a non-negative integer 'size'", path: "/"),
        Rejection(#"{"type": "fixed", "name": "F", "size": 1.5}"#, "at /: fixed 'F' must have a non-negative integer 'size'", path: "/"),
        Rejection(#"{"type": "fixed", "name": "F", "size": "4"}"#, "at /: fixed 'F' must have a non-negative integer 'size'", path: "/"),
        Rejection(#"{"type": "fixed", "name": "F", "size": 4294967296}"#, "at /: fixed 'F' must have a non-negative integer 'size'", path: "/"),
        Rejection(#"{"type": "fixed", "size": 4}"#, "at /: named type is missing 'name'", path: "/"),
        Rejection(#"{"type": "record", "name": "int", "fields": []}"#,
            "at /: a named type may not be called 'int', which is a primitive type", path: "/"),
        Rejection(#"{"type": "record", "name": "R"}"#, "at /: record 'R' must have a 'fields' array", path: "/"),
        Rejection(#"{"type": "record", "name": "R", "fields": {}}"#, "at /: record 'R' must have a 'fields' array", path: "/"),
        Rejection(#"{"type": "enum", "name": "E"}"#, "at /: enum 'E' must have a 'symbols' array", path: "/"),
        Rejection(#"{"type": "enum", "name": "E", "symbols": ["A"], "default": "B"}"#,
            #"at /default: enum 'E': default "B" is not one of its symbols"#, path: "/default"),
        Rejection(#"{"type": "array"}"#, "at /: array schema is missing 'items'", path: "/"),
        Rejection(#"{"type": "map"}"#, "at /: map schema is missing 'values'", path: "/"),
        Rejection(#"{"items": "int"}"#, "at /: missing 'type'", path: "/"),
        Rejection("1", "at /: a schema must be a string, an object or an array, not a number", path: "/"),
        Rejection("null", "at /: a schema must be a string, an object or an array, not null", path: "/"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"type": "int"}]}"#,
            "at /fields/0: field is missing a string 'name'", path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a"}]}"#,
            "at /fields/0: field 'a' is missing 'type'", path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "order": "sideways"}]}"#,
            #"at /fields/0/order: field 'a': order must be ascending, descending or ignore, not "sideways""#, path: "/fields/0/order"),
        Rejection(#"{"type": "record", "name": "R", "aliases": "R2", "fields": []}"#,
            "at /aliases: 'aliases' must be an array of strings", path: "/aliases"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a/b~c", "type": "int"}]}"#,
            "at /fields/0/name: invalid field name 'a/b~c': must start with [A-Za-z_] and contain only [A-Za-z0-9_]",
            path: "/fields/0/name"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]"#,
            "schema is not valid JSON: unexpected end of input in an object (byte 72)", path: ""),
    ]

    static let defaults: [Rejection] = [
        Rejection(#"{"type": "record", "name": "Payment", "fields": [{"name": "id", "type": "long"}, {"name": "currency", "type": "string"}, {"name": "amount", "type": "double", "default": "x"}]}"#,
            #"field 'amount' at /fields/2: default "x" is not a double"#, path: "/fields/2"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "default": 2147483648}]}"#,
            "field 'a' at /fields/0: default 2147483648 is not an int", path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "int", "default": 1.0}]}"#,
            "field 'a' at /fields/0: default 1.0 is not an int", path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "long", "default": 1000.0}]}"#,
            "field 'a' at /fields/0: default 1000.0 is not a long", path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "long", "default": 9223372036854775808}]}"#,
            "field 'a' at /fields/0: default 9223372036854775808 is not a long", path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "float", "default": "nan"}]}"#,
            #"field 'a' at /fields/0: default "nan" is not a float"#, path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "boolean", "default": 0}]}"#,
            "field 'a' at /fields/0: default 0 is not a boolean", path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "null", "default": "null"}]}"#,
            #"field 'a' at /fields/0: default "null" is not null"#, path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": "string", "default": null}]}"#,
            "field 'a' at /fields/0: default null is not a string", path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": {"type": "fixed", "name": "F", "size": 1}, "default": 7}]}"#,
            "field 'a' at /fields/0: default 7 is not a string (fixed 'F')", path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": {"type": "enum", "name": "E", "symbols": ["X"]}, "default": 1}]}"#,
            #"field 'a' at /fields/0: default 1 is not a string (enum 'E')"#, path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": {"type": "array", "items": "int"}, "default": [1, "2"]}]}"#,
            #"field 'a' at /fields/0: default [1,"2"] has an element "2" that is not an int"#, path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": {"type": "map", "values": "int"}, "default": []}]}"#,
            "field 'a' at /fields/0: default [] is not an object (map)", path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": {"type": "map", "values": "int"}, "default": {"k": true}}]}"#,
            #"field 'a' at /fields/0: default {"k":true} has a value at key 'k' that is not an int"#, path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": ["int", "string"], "default": 1.5}]}"#,
            "field 'a' at /fields/0: default 1.5 does not match any branch of the union [int, string]", path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "a", "type": {"type": "int", "logicalType": "date"}, "default": "2020-01-01"}]}"#,
            #"field 'a' at /fields/0: default "2020-01-01" is not an int"#, path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "p", "type": {"type": "record", "name": "P", "fields": [{"name": "x", "type": "int"}]}, "default": {}}]}"#,
            "field 'p' at /fields/0: default {} has no value for field 'x' of record 'P'", path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "p", "type": {"type": "record", "name": "P", "fields": [{"name": "x", "type": "int"}]}, "default": {"x": "1"}}]}"#,
            #"field 'p' at /fields/0: default {"x":"1"} has a value for field 'x' that is not an int"#, path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "R", "fields": [{"name": "p", "type": {"type": "record", "name": "P", "fields": [{"name": "x", "type": "int", "default": "bad"}]}}]}"#,
            #"field 'x' at /fields/0/type/fields/0: default "bad" is not an int"#, path: "/fields/0/type/fields/0"),
        Rejection(#"{"type": "record", "name": "Node", "fields": [{"name": "next", "type": "Node", "default": {}}]}"#,
            "field 'next' at /fields/0: default {} is a value of record 'Node', which is not complete where the default is given",
            path: "/fields/0"),
        Rejection(#"{"type": "record", "name": "A", "fields": [{"name": "b", "type": {"type": "record", "name": "B", "fields": [{"name": "a", "type": "A", "default": {}}]}}]}"#,
            "field 'a' at /fields/0/type/fields/0: default {} is a value of record 'A', which is not complete where the default is given",
            path: "/fields/0/type/fields/0"),
    ]

    @Test("structurally invalid schemas are rejected with what and where", arguments: structural)
    func rejectsStructure(_ rejection: Rejection) {
        let error = schemaError(rejection.schema)
        #expect(error?.message == rejection.message)
        #expect(error?.path == rejection.path)
    }

    @Test("defaults that do not match the field type are rejected with what and where", arguments: defaults)
    func rejectsDefaults(_ rejection: Rejection) {
        let error = schemaError(rejection.schema)
        #expect(error?.message == rejection.message)
        #expect(error?.path == rejection.path)
        #expect(error?.description == rejection.message)
    }

    @Test("the lenient options accept stored schemas with bad names and defaults but still check structure",
        arguments: defaults.map(\.schema) + [#"{"type": "record", "name": "bad-name", "fields": [{"name": "x-y", "type": "int"}]}"#])
    func lenient(_ schema: String) {
        #expect(schemaError(schema, options: .lenient) == nil)
    }

    @Test("lenient parsing still rejects broken structure")
    func lenientStructure() {
        #expect(schemaError(#"["int", "int"]"#, options: .lenient)?.message == "at /: union has more than one branch of type 'int'")
        #expect(schemaError(#""Missing""#, options: .lenient)?.message == "at /: undefined name 'Missing'")
    }

    static let validDefaults: [String] = [
        #"{"name": "a", "type": "null", "default": null}"#,
        #"{"name": "a", "type": "boolean", "default": false}"#,
        #"{"name": "a", "type": "int", "default": -2147483648}"#,
        #"{"name": "a", "type": "int", "default": -0}"#,
        #"{"name": "a", "type": "long", "default": -9223372036854775808}"#,
        #"{"name": "a", "type": "float", "default": 1}"#,
        #"{"name": "a", "type": "float", "default": 1e40}"#,
        #"{"name": "a", "type": "double", "default": -2.5E-3}"#,
        #"{"name": "a", "type": "double", "default": "NaN"}"#,
        #"{"name": "a", "type": "float", "default": "Infinity"}"#,
        #"{"name": "a", "type": "double", "default": "-Infinity"}"#,
        #"{"name": "a", "type": "bytes", "default": "\u0000\u00ff"}"#,
        #"{"name": "a", "type": "string", "default": "\ud83d\ude00"}"#,
        #"{"name": "a", "type": {"type": "fixed", "name": "F", "size": 2}, "default": "\u00ab\u00cd"}"#,
        #"{"name": "a", "type": {"type": "enum", "name": "E", "symbols": ["X", "Y"]}, "default": "Y"}"#,
        #"{"name": "a", "type": {"type": "array", "items": ["null", "int"]}, "default": [null, 1]}"#,
        #"{"name": "a", "type": {"type": "map", "values": {"type": "array", "items": "string"}}, "default": {"k": ["v"]}}"#,
        // The reference accepts a union default matching any branch, not only the first.
        #"{"name": "a", "type": ["null", "string"], "default": "x"}"#,
        #"{"name": "a", "type": ["string", "null"], "default": null}"#,
        #"{"name": "a", "type": {"type": "record", "name": "P", "fields": [{"name": "x", "type": "int"}, {"name": "y", "type": "int", "default": 2}]}, "default": {"x": 1}}"#,
        #"{"name": "a", "type": {"type": "record", "name": "P", "fields": [{"name": "x", "type": "int"}]}, "default": {"x": 1, "extra": "ignored"}}"#,
        #"{"name": "a", "type": ["null", "R"], "default": null}"#,
    ]

    @Test("defaults that match their type are accepted", arguments: validDefaults)
    func acceptsDefaults(_ field: String) throws {
        let schema = try AvroSchema(parsing: #"{"type": "record", "name": "R", "fields": [\#(field)]}"#)
        guard case .record(let record) = schema.root else { return }
        #expect(record.fields[0].defaultValue != nil)
    }
}
