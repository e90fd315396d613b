import JSON
import Testing

/// `format` on schema reads: `resolved` writes out what references define, as Java's `Schema.toString()` does.
@Suite("format=resolved")
struct ReadFormatTests {
    @Test func referencesAreInlinedWhereFirstUsed() throws {
        let h = try Harness()
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

    @Test func formatAppliesToLookupsRegistrationsAndGuidsAndIsCaseInsensitive() throws {
        let h = try Harness()
        let address = #"{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}"#
        let person = #"{"type":"record","name":"Person","fields":[{"name":"home","type":"Address"}]}"#
        _ = try h.register(":.c:address", address)
        let body = schemaBody(person, ["references": [["name": "Address", "subject": "address", "version": 1]]])
        let registered = try h.post("/subjects/:.c:person/versions?format=RESOLVED", body)
        #expect(registered.json["schema"]?.stringValue?.contains(#""name":"city""#) == true, "\(registered.text)")
        #expect(try h.post("/subjects/:.c:person?format=resolved", body).json["schema"]?.stringValue?.contains("city") == true)
        let guid = try #require(registered.json["guid"]?.stringValue)
        #expect(try h.get("/schemas/guids/\(guid)?format=resolved").json["schema"]?.stringValue?.contains("city") == true)
        // referenceFormat=qualified names a reference's subject with the schema's context.
        let qualified = try h.get("/subjects/:.c:person/versions/1?referenceFormat=qualified").json["references"]
        #expect(qualified == [["name": "Address", "subject": ":.c:address", "version": 1]])
        #expect(try h.get("/subjects/:.c:person/versions/1").json["references"] == [["name": "Address", "subject": "address", "version": 1]])
    }

    @Test func listingsPageAndSoftDeletedVersionsCanShowAsNegative() throws {
        let h = try Harness()
        for name in ["a", "b", "c"] { _ = try h.register(name, userV1) }
        _ = try h.register("a", userV2)
        #expect(try h.get("/subjects?offset=1&limit=1").json == ["b"])
        #expect(try h.get("/subjects/a/versions?limit=1").json == [1])
        _ = try h.delete("/subjects/a/versions/1")
        #expect(try h.get("/subjects/a/versions?deletedAsNegative=true").json == [-1, 2])
        #expect(try h.get("/schemas/ids/1/subjects?offset=1").json == ["c"])
    }
}
