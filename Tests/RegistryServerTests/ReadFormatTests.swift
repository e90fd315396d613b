import JSON
import Testing

/// `format` on schema reads: `resolved` writes out what references define, as Java's `Schema.toString()` does.
@Suite("format=resolved")
struct ReadFormatTests {
    @Test func referencesAreInlinedWhereFirstUsed() throws {
        let h = try APITestClient()
        let address = #"{"type":"record","name":"Address","namespace":"acme","fields":[{"name":"city","type":"string"}]}"#
        let person = #"{"type":"record","name":"Person","namespace":"acme","fields":[{"name":"home","type":"Address"},{"name":"work","type":"Address"}]}"#
        #expect(try h.register("address", address) == 1)
        let reference: JSONValue = ["name": "acme.Address", "subject": "address", "version": 1]
        #expect(try h.register("person", person, ["references": [reference]]) == 2)

        let resolved = #"{"type":"record","name":"Person","namespace":"acme","fields":[{"name":"home","type":{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}},{"name":"work","type":"Address"}]}"#
        #expect(try h.get("/subjects/person/versions/1?format=resolved").json["schema"]?.stringValue == resolved)
        #expect(try h.get("/schemas/ids/2?format=resolved").json["schema"]?.stringValue == resolved)
        #expect(try h.get("/schemas/ids/2/schema?format=resolved").text == resolved)
        #expect(try h.get("/subjects/person/versions/latest/schema?format=resolved").text == resolved)
        // Without a format, or with one Confluent does not know for Avro, the schema is as stored.
        #expect(try h.get("/subjects/person/versions/1").json["schema"]?.stringValue == person)
        #expect(try h.get("/schemas/ids/2?format=serialized").json["schema"]?.stringValue == person)
        // A schema without references reads the same either way.
        #expect(try h.get("/schemas/ids/1?format=resolved").json["schema"]?.stringValue == address)
    }
}
