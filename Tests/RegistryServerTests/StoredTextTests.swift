import JSON
import Testing

/// The registry stores what Java's `Schema.toString()` writes, so spellings that Java reads as one schema are one
/// schema here: same id, found by lookups.
@Suite("stored text is Java's")
struct StoredTextTests {
    @Test func primitivesWithReservedAttributesAreThePlainPrimitive() throws {
        let h = try Harness()
        let id = try #require(try h.register("p", #"{"type":"int","name":"foo"}"#))
        #expect(try h.get("/schemas/ids/\(id)").json["schema"] == #""int""#)
        for spelling in [#""int""#, #"{"type":"int"}"#, #"{"type":"int","doc":"d"}"#, #"{"type":"int","namespace":"x.y","aliases":["a"]}"#] {
            let found = try h.post("/subjects/p", schemaBody(spelling))
            #expect(found.status == 200 && found.json["id"]?.int == id, "\(spelling): \(found.text)")
            #expect(try h.register("p", spelling) == id)
        }
        #expect(try h.get("/subjects/p/versions").json == [1])
        // A property Java keeps makes another schema.
        #expect(try h.register("q", #"{"type":"int","custom":1}"#).map { $0 != id } == true)
    }
}
