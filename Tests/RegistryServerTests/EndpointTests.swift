import JSON
import Foundation
import Testing

@Suite("REST endpoints")
struct EndpointTests {
    @Test("GET / answers {} and GET /schemas/types lists AVRO, in the registry's media type")
    func rootAndTypes() throws {
        let h = try APITestClient()
        let root = try h.get("/")
        #expect(root.status == 200)
        #expect(root.text == "{}")
        #expect(root.headers["content-type"] == "application/vnd.schemaregistry.v1+json")
        #expect(try h.post("/", ["anything": 1]).text == "{}")
        #expect(try h.get("/schemas/types").json.strings == ["AVRO"])
    }

    @Test("register, then read the version, the schema by id and its raw text")
    func registerAndRead() throws {
        let h = try APITestClient()
        let registered = try h.post("/subjects/users-value/versions", schemaBody(userV1))
        #expect(registered.status == 200)
        let id = try #require(registered.json["id"]?.int)
        #expect(registered.json["version"]?.int == 1)

        let version = try h.get("/subjects/users-value/versions/1").json
        #expect(version["subject"]?.stringValue == "users-value")
        #expect(version["version"]?.int == 1)
        #expect(version["id"]?.int == id)
        let stored = try #require(version["schema"]?.stringValue)
        #expect(try JSONValue(parsing: stored) == JSONValue(parsing: userV1))

        for latest in ["latest", "-1", "LATEST"] {
            #expect(try h.get("/subjects/users-value/versions/\(latest)").json["id"]?.int == id)
        }
        let byId = try h.get("/schemas/ids/\(id)")
        #expect(byId.status == 200)
        #expect(byId.json["schema"]?.stringValue == stored)
        #expect(byId.json["subject"] == nil)
        // Served twice from the prepared answer: the bytes must not change.
        #expect(try h.get("/schemas/ids/\(id)").body == byId.body)

        let withSubject = try h.get("/schemas/ids/\(id)?subject=users-value&fetchMaxId=true").json
        #expect(withSubject["subject"]?.stringValue == "users-value")
        #expect(withSubject["version"]?.int == 1)
        #expect((withSubject["maxId"]?.int ?? 0) >= id)

        #expect(try h.get("/schemas/ids/\(id)/schema").text == stored)
        #expect(try h.get("/subjects/users-value/versions/1/schema").text == stored)
        #expect(try h.get("/schemas/ids/\(id)/subjects").json.strings == ["users-value"])
        let pairs = try h.get("/schemas/ids/\(id)/versions").json.arrayValue
        #expect(pairs == [["subject": "users-value", "version": 1]])

        let guid = try #require(byId.json["guid"]?.stringValue)
        #expect(try h.get("/schemas/guids/\(guid)").json["schema"]?.stringValue == stored)
        #expect(try h.get("/schemas/guids/\(guid)/ids").json.arrayValue?.first?["id"]?.int == id)
    }

    @Test("GET /schemas lists versions with subjectPrefix, latestOnly, offset and limit")
    func listSchemas() throws {
        let h = try APITestClient()
        _ = try h.register("a-value", userV1)
        _ = try h.register("a-value", userV2)
        _ = try h.register("b-value", userV1)
        let all = try h.get("/schemas").json.arrayValue ?? []
        #expect(all.count == 3)
        #expect(try h.get("/schemas?subjectPrefix=a-").json.arrayValue?.count == 2)
        let latest = try h.get("/schemas?latestOnly=true").json.arrayValue ?? []
        #expect(latest.compactMap { $0["version"]?.int }.sorted() == [1, 2])
        #expect(try h.get("/schemas?offset=1&limit=1").json.arrayValue?.count == 1)
    }

    @Test("GET /subjects and /subjects/{s}/versions with deleted and deletedOnly")
    func listSubjectsAndVersions() throws {
        let h = try APITestClient()
        _ = try h.register("live", userV1)
        _ = try h.register("gone", userV1)
        _ = try h.register("gone", userV2)
        #expect(try h.delete("/subjects/gone/versions/1").json.int == 1)
        #expect(try h.get("/subjects/gone/versions").json.ints == [2])
        #expect(try h.get("/subjects/gone/versions?deleted=true").json.ints == [1, 2])
        #expect(try h.get("/subjects/gone/versions?deletedOnly=true").json.ints == [1])
        #expect(try h.delete("/subjects/gone").json.ints == [2])
        #expect(try h.get("/subjects").json.strings == ["live"])
        #expect(try h.get("/subjects?deleted=true").json.strings == ["gone", "live"])
        #expect(try h.get("/subjects?deletedOnly=true").json.strings == ["gone"])
        #expect(try h.get("/subjects?subjectPrefix=li").json.strings == ["live"])
    }

    @Test("POST /subjects/{s} looks a schema up; misses are 40401 and 40403")
    func lookUp() throws {
        let h = try APITestClient()
        let id = try #require(try h.register("orders", userV1))
        let found = try h.post("/subjects/orders", schemaBody(userV1))
        #expect(found.status == 200)
        #expect(found.json["id"]?.int == id)
        #expect(found.json["version"]?.int == 1)
        #expect(found.json["subject"]?.stringValue == "orders")

        let noSchema = try h.post("/subjects/orders", schemaBody(userV2))
        #expect(noSchema.status == 404)
        #expect(noSchema.errorCode == 40403)
        let noSubject = try h.post("/subjects/nobody", schemaBody(userV1))
        #expect(noSubject.status == 404)
        #expect(noSubject.errorCode == 40401)

        #expect(try h.delete("/subjects/orders/versions/1").status == 200)
        #expect(try h.post("/subjects/orders", schemaBody(userV1)).status == 404)
        #expect(try h.post("/subjects/orders?deleted=true", schemaBody(userV1)).json["id"]?.int == id)
    }

    @Test("compatibility checks against one version and against the subject, verbose or not")
    func compatibility() throws {
        let h = try APITestClient()
        _ = try h.register("compat", userV1)
        let good = try h.post("/compatibility/subjects/compat/versions/latest", schemaBody(userV2))
        #expect(good.status == 200)
        #expect(good.json == ["is_compatible": true])
        let bad = try h.post("/compatibility/subjects/compat/versions/1", schemaBody(userIncompatible))
        #expect(bad.json == ["is_compatible": false])
        let verbose = try h.post("/compatibility/subjects/compat/versions?verbose=true", schemaBody(userIncompatible)).json
        #expect(verbose["is_compatible"] == false)
        #expect((verbose["messages"]?.arrayValue?.count ?? 0) > 0)
        #expect(try h.post("/compatibility/subjects/compat/versions", schemaBody(userV2)).json["is_compatible"] == true)

        let missingVersion = try h.post("/compatibility/subjects/compat/versions/7", schemaBody(userV2))
        #expect(missingVersion.status == 404)
        #expect(missingVersion.errorCode == 40402)
        let badVersion = try h.post("/compatibility/subjects/compat/versions/zero", schemaBody(userV2))
        #expect(badVersion.status == 422)
        #expect(badVersion.errorCode == 42202)
    }

    @Test("config: global and per subject, defaultToGlobal, PUT echo, DELETE")
    func config() throws {
        let h = try APITestClient()
        #expect(try h.get("/config").json["compatibilityLevel"]?.stringValue == "BACKWARD")
        let put = try h.put("/config", ["compatibility": "full"])
        #expect(put.status == 200)
        #expect(put.json == ["compatibility": "FULL"])
        #expect(try h.get("/config").json["compatibilityLevel"]?.stringValue == "FULL")

        let unset = try h.get("/config/orders")
        #expect(unset.status == 404)
        #expect(unset.errorCode == 40408)
        #expect(try h.get("/config/orders?defaultToGlobal=true").json["compatibilityLevel"]?.stringValue == "FULL")
        #expect(try h.put("/config/orders", ["compatibility": "NONE"]).json == ["compatibility": "NONE"])
        #expect(try h.get("/config/orders").json["compatibilityLevel"]?.stringValue == "NONE")
        #expect(try h.delete("/config/orders").json["compatibilityLevel"]?.stringValue == "NONE")
        #expect(try h.get("/config/orders").errorCode == 40408)
        #expect(try h.delete("/config/orders").errorCode == 40401)

        let invalid = try h.put("/config", ["compatibility": "SIDEWAYS"])
        #expect(invalid.status == 422)
        #expect(invalid.errorCode == 42203)
        #expect(try h.delete("/config").json["compatibilityLevel"]?.stringValue == "FULL")
        #expect(try h.get("/config").json["compatibilityLevel"]?.stringValue == "BACKWARD")
    }

    @Test("mode: global and per subject, PUT echo, invalid mode, DELETE")
    func mode() throws {
        let h = try APITestClient()
        #expect(try h.get("/mode").json == ["mode": "READWRITE"])
        #expect(try h.get("/mode/orders").errorCode == 40409)
        #expect(try h.get("/mode/orders?defaultToGlobal=true").json == ["mode": "READWRITE"])
        #expect(try h.put("/mode/orders", ["mode": "READONLY"]).json == ["mode": "READONLY"])
        #expect(try h.get("/mode/orders").json == ["mode": "READONLY"])
        let invalid = try h.put("/mode", ["mode": "SOMETIMES"])
        #expect(invalid.status == 422)
        #expect(invalid.errorCode == 42204)
        #expect(try h.delete("/mode/orders").json == ["mode": "READONLY"])
        #expect(try h.get("/mode/orders").errorCode == 40409)
    }

    @Test("HEAD is answered like GET without a body")
    func head() throws {
        let h = try Harness()
        let reply = try h.client.send("HEAD", "/schemas/types")
        #expect(reply.status == 200)
        #expect(reply.body.isEmpty)
        #expect(try h.get("/").status == 200)
    }
}
