import JSON
import Testing

/// The access rules of an auth file, applied by the API in process; `AuthTests` covers credentials over the wire.
@Suite("per-subject access rules")
struct AccessRuleTests {
    private let fixture: AuthFixture
    private let h: APITestClient

    init() throws {
        fixture = try AuthFixture.teamA()
        h = try APITestClient(authFile: fixture.path)
    }

    @Test("reads of unreadable subjects look like missing subjects; listings are filtered")
    func readFiltering() throws {
        let admin = ("admin", "admin-pw"), reader = ("reader", "reader-pw")
        let idA = try #require(try h.send("POST", "/subjects/team-a-value/versions", as: admin, json: schemaBody(userV1)).json["id"]?.int)
        let idB = try #require(try h.send("POST", "/subjects/team-b-value/versions", as: admin,
                                        json: schemaBody(recordSchema("Other", fields: [nameField]))).json["id"]?.int)

        #expect(try h.send("GET", "/subjects", as: reader).json.strings == ["team-a-value"])
        #expect(try h.send("GET", "/subjects", as: admin).json.strings?.sorted() == ["team-a-value", "team-b-value"])
        #expect(try h.send("GET", "/schemas", as: reader).json.arrayValue?.compactMap { $0["subject"]?.stringValue } == ["team-a-value"])

        let hidden = try h.send("GET", "/subjects/team-b-value/versions", as: reader)
        let missing = try h.send("GET", "/subjects/no-such-subject/versions", as: admin)
        #expect(hidden.status == 404 && hidden.errorCode == 40401)
        #expect(hidden.message == "Subject 'team-b-value' not found.")
        #expect(missing.errorCode == 40401)
        #expect(try h.send("GET", "/subjects/team-a-value/versions/1", as: reader).status == 200)

        // The admin's read fills the shared answer cache first: the reader must still not get it.
        #expect(try h.send("GET", "/schemas/ids/\(idB)", as: admin).status == 200)
        #expect(try h.send("GET", "/schemas/ids/\(idA)", as: reader).status == 200)
        #expect(try h.send("GET", "/schemas/ids/\(idB)/schema", as: reader).errorCode == 40403)
        #expect(try h.send("GET", "/schemas/ids/\(idA)/versions", as: reader).json.arrayValue?.count == 1)
        #expect(try h.send("GET", "/schemas/ids/\(idB)/versions", as: reader).errorCode == 40403)
        #expect(try h.send("GET", "/schemas/ids/\(idA)?subject=team-b-value", as: reader).json["subject"] == nil)
        #expect(try h.send("GET", "/config/team-b-value", as: reader).errorCode == 40401)
        #expect(try h.send("POST", "/compatibility/subjects/team-b-value/versions", as: reader, json: schemaBody(userV1)).errorCode == 40401)
        // Paging applies to what the reader may see: a hidden subject sorting first takes no place on the page.
        #expect(try h.send("POST", "/subjects/aaa-hidden/versions", as: admin, json: schemaBody(userV2)).status == 200)
        #expect(try h.send("GET", "/schemas?limit=1", as: reader).json.arrayValue?.compactMap { $0["subject"]?.stringValue } == ["team-a-value"])
        let guidB = try #require(try h.send("GET", "/schemas/ids/\(idB)", as: admin).json["guid"]?.stringValue)
        #expect(try h.send("GET", "/schemas/guids/\(guidB)", as: admin).status == 200)
        #expect(try h.send("GET", "/schemas/guids/\(guidB)", as: reader).errorCode == 40403)
        #expect(try h.send("GET", "/schemas/guids/\(guidB)/ids", as: reader).errorCode == 40403)
        let hiddenId = try h.send("GET", "/schemas/ids/\(idB)", as: reader)
        #expect(hiddenId.status == 404 && hiddenId.errorCode == 40403)
        #expect(try h.send("GET", "/schemas/ids/\(idB)/subjects", as: reader).errorCode == 40403)
        #expect(try h.send("GET", "/schemas/ids/\(idA)/subjects", as: reader).json.strings == ["team-a-value"])
    }

    @Test("writes need Write (403, 40301); global config and mode need Config:")
    func writesAndConfig() throws {
        let reader = ("reader", "reader-pw"), writer = ("writer", "writer-pw")
        let denied = try h.send("POST", "/subjects/team-a-value/versions", as: reader, json: schemaBody(userV1))
        #expect(denied.status == 403 && denied.errorCode == 40301)
        #expect(try h.send("POST", "/subjects/team-a-value/versions", as: writer, json: schemaBody(userV1)).status == 200)
        #expect(try h.send("POST", "/subjects/team-b-value/versions", as: writer, json: schemaBody(userV1)).errorCode == 40301)
        #expect(try h.send("DELETE", "/subjects/team-a-value", as: reader).errorCode == 40301)

        #expect(try h.send("GET", "/config", as: writer).status == 200)
        #expect(try h.send("PUT", "/config", as: writer, json: ["compatibility": "NONE"]).errorCode == 40301)
        #expect(try h.send("GET", "/config", as: reader).errorCode == 40301)
        #expect(try h.send("GET", "/mode", as: reader).errorCode == 40301)
        #expect(try h.send("PUT", "/config", as: ("admin", "admin-pw"), json: ["compatibility": "NONE"]).status == 200)
    }
}
