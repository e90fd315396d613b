import Testing
@testable import Avro

@Suite("Schema parsing: namespaces and name resolution")
struct NameResolutionTests {
    /// The full names a schema defines, in order.
    func definedNames(_ text: String, references: [AvroSchema] = []) throws -> [String] {
        try AvroSchema(parsing: text, references: references).definedNames
    }

    @Test("a nested named type inherits the namespace of the nearest enclosing named type")
    func inheritance() throws {
        #expect(try definedNames("""
            {"type": "record", "name": "Outer", "namespace": "a.b", "fields": [
              {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["X"]}},
              {"name": "r", "type": {"type": "record", "name": "Inner", "namespace": "c", "fields": [
                {"name": "f", "type": {"type": "fixed", "name": "F", "size": 1}}]}},
              {"name": "arr", "type": {"type": "array", "items": {"type": "fixed", "name": "G", "size": 1}}}
            ]}
            """) == ["a.b.Outer", "a.b.E", "c.Inner", "c.F", "a.b.G"])
    }

    @Test("a name used before its definition resolves once the schema is read, qualified by the namespace where it is written")
    func forwardReferences() throws {
        let schema = try AvroSchema(parsing: """
            {"type": "record", "name": "R", "namespace": "a", "fields": [
              {"name": "early", "type": ["null", "F"], "default": null},
              {"name": "f", "type": {"type": "fixed", "name": "F", "size": 2}}]}
            """)
        guard case .record(let record) = schema.root else { Issue.record("not a record"); return }
        #expect(record.fields[0].type == .union([.primitive(.null, .none), .reference("a.F")]))
        #expect(schema.canonicalForm == #"{"name":"a.R","type":"record","fields":[{"name":"early","type":["null",{"name":"a.F","type":"fixed","size":2}]},{"name":"f","type":"a.F"}]}"#)
    }

    @Test("an inner type's short name for an enclosing null-namespace record: rejected as Java does, kept for stored schemas")
    func storedSchemaFallback() throws {
        let text = """
            {"type": "record", "name": "Outer", "fields": [
              {"name": "in", "type": {"type": "record", "name": "Inner", "namespace": "b", "fields": [
                {"name": "o", "type": ["null", "Outer"], "default": null}]}}]}
            """
        #expect(throws: AvroSchemaError(path: "/fields/0/type/fields/0/type/1", message: "at /fields/0/type/fields/0/type/1: undefined name 'Outer'")) {
            try AvroSchema(parsing: text)
        }
        let stored = try AvroSchema(parsing: text, options: .lenient)
        guard case .record(let inner) = stored.namedTypes["b.Inner"] else { Issue.record("no b.Inner"); return }
        #expect(inner.fields[0].type == .union([.primitive(.null, .none), .reference("Outer")]))
        #expect(stored.canonicalForm.contains(#"["null","Outer"]"#))
    }

    @Test("a dotted name sets the namespace and overrides an explicit namespace attribute")
    func dottedNames() throws {
        #expect(try definedNames("""
            {"type": "record", "name": "x.y.R", "namespace": "ignored", "fields": [
              {"name": "f", "type": {"type": "fixed", "name": "F", "size": 1}},
              {"name": "g", "type": {"type": "fixed", "name": "z.G", "size": 1}},
              {"name": "h", "type": {"type": "fixed", "name": ".H", "size": 1}}
            ]}
            """) == ["x.y.R", "x.y.F", "z.G", "H"])
    }

    @Test(#""namespace": "" puts a type and what it encloses in the null namespace"#)
    func emptyNamespace() throws {
        let schema = try AvroSchema(parsing: """
            {"type": "record", "name": "R", "namespace": "n", "fields": [
              {"name": "g", "type": {"type": "record", "name": "G", "namespace": "", "fields": [
                {"name": "f", "type": {"type": "fixed", "name": "F", "size": 1}}]}},
              {"name": "again", "type": "G"}
            ]}
            """)
        #expect(schema.definedNames == ["n.R", "G", "F"])
        guard case .record(let record) = schema.root else { return }
        // "G" is looked up as "n.G" first, then as given, as Java's parser does.
        #expect(record.fields[1].type == .reference("G"))
        #expect(schema.json.contains(#"{"type":"record","name":"G","namespace":"","fields""#))
    }

    @Test("a non-string namespace is ignored, as the reference parser does")
    func nonStringNamespace() throws {
        #expect(try definedNames(#"{"type": "record", "name": "R", "namespace": 3, "fields": []}"#) == ["R"])
    }

    @Test("a short name is looked up in the enclosing namespace before the null namespace")
    func lookupOrder() throws {
        let schema = try AvroSchema(parsing: """
            {"type": "record", "name": "Top", "fields": [
              {"name": "global", "type": {"type": "fixed", "name": "F", "size": 1}},
              {"name": "inner", "type": {"type": "record", "name": "Inner", "namespace": "n", "fields": [
                {"name": "beforeLocal", "type": "F"},
                {"name": "local", "type": {"type": "fixed", "name": "F", "size": 2}},
                {"name": "afterLocal", "type": "F"},
                {"name": "explicit", "type": "n.F"}]}}
            ]}
            """)
        guard case .record(let top) = schema.root, case .record(let inner) = top.fields[1].type else {
            Issue.record("unexpected shape")
            return
        }
        #expect(inner.fields.map(\.type) == [.reference("F"), inner.fields[1].type, .reference("n.F"), .reference("n.F")])
    }

    @Test("names from referenced schemas resolve like the schema's own, and the namespace-qualified name comes first")
    func referencedNames() throws {
        let money = try AvroSchema(parsing: #"{"type": "fixed", "name": "Money", "namespace": "shop", "size": 8}"#)
        let globalMoney = try AvroSchema(parsing: #"{"type": "fixed", "name": "Money", "size": 4}"#)
        let schema = try AvroSchema(parsing: """
            {"type": "record", "name": "Order", "namespace": "shop", "fields": [
              {"name": "price", "type": "Money"}, {"name": "fee", "type": "shop.Money"}]}
            """, references: [money, globalMoney])
        guard case .record(let order) = schema.root else { return }
        #expect(order.fields.map(\.type) == [.reference("shop.Money"), .reference("shop.Money")])
        #expect(schema.namedTypes["Money"] == globalMoney.root)
        #expect(schema.definedNames == ["shop.Order"])
    }

    @Test("aliases are full names: relative ones take the type's namespace; field aliases are plain names")
    func aliases() throws {
        let schema = try AvroSchema(parsing: """
            {"type": "record", "name": "R", "namespace": "n", "aliases": ["A", "m.B", ".C"], "fields": [
              {"name": "f", "type": "int", "aliases": ["g", "h"]}]}
            """)
        guard case .record(let record) = schema.root else { return }
        #expect(record.named.aliases == ["n.A", "m.B", "C"])
        #expect(record.fields[0].aliases == ["g", "h"])
        #expect(try AvroSchema(parsing: schema.json) == schema)
        #expect(schema.json.contains(#""aliases":["A","m.B",".C"]"#))
    }
}
