import JSON
import Foundation
import Testing

@Suite("Registry semantics")
struct SemanticsTests {
    @Test("the same schema in two subjects has one id; registering again is idempotent")
    func identity() throws {
        let h = try APITestClient()
        let first = try #require(try h.register("one", userV1))
        #expect(try h.register("two", userV1) == first)
        #expect(try h.register("one", userV1) == first)
        #expect(try h.get("/subjects/one/versions").json.ints == [1])
        #expect(try h.get("/schemas/ids/\(first)/subjects").json.strings == ["one", "two"])
    }

    @Test("versions keep counting after a soft delete; hard delete needs a soft delete first")
    func deletes() throws {
        let h = try APITestClient()
        _ = try h.register("s", userV1)
        let second = try #require(try h.register("s", userV2))
        let live = try h.delete("/subjects/s/versions/2?permanent=true")
        #expect(live.status == 404)
        #expect(live.errorCode == 40407)
        #expect(try h.delete("/subjects/s/versions/2").json.int == 2)
        #expect(try h.delete("/subjects/s/versions/2").errorCode == 40406)
        #expect(try h.get("/subjects/s/versions/2").errorCode == 40402)
        #expect(try h.get("/subjects/s/versions/2?deleted=true").json["id"]?.int == second)
        #expect(try h.get("/schemas/ids/\(second)").status == 200)
        #expect(try h.get("/subjects/s/versions/latest").json["version"]?.int == 1)

        let third = recordSchema("User", fields: [nameField, #"{"name":"city","type":"string","default":""}"#])
        _ = try h.register("s", third)
        #expect(try h.get("/subjects/s/versions/latest").json["version"]?.int == 3)

        #expect(try h.delete("/subjects/s?permanent=true").errorCode == 40405)
        #expect(try h.delete("/subjects/s").json.ints == [1, 3])
        #expect(try h.delete("/subjects/s").errorCode == 40404)
        #expect(try h.delete("/subjects/s?permanent=true").json.ints == [1, 2, 3])
        #expect(try h.get("/subjects/s/versions?deleted=true").errorCode == 40401)
        let gone = try h.get("/schemas/ids/\(second)")
        #expect(gone.status == 404)
        #expect(gone.errorCode == 40403)
    }

    @Test("ids are never reused after a hard delete, also across a restart")
    func idsNotReused() throws {
        let first = try Harness()
        let dbPath = first.server.dbPath
        let id1 = try #require(try first.register("s", userV1))
        let id2 = try #require(try first.register("s", userV2))
        #expect(try first.delete("/subjects/s").status == 200)
        #expect(try first.delete("/subjects/s?permanent=true").status == 200)
        #expect(first.server.stop() == 0)

        // `first` owns the database folder, so it stays alive until the restarted server is done.
        try withExtendedLifetime(first) {
            let second = try Harness(dbPath: dbPath)
            #expect(try second.get("/schemas/ids/\(id2)").errorCode == 40403)
            let id3 = try #require(try second.register("s", userV1))
            #expect(id3 > max(id1, id2))
            #expect(try second.get("/subjects/s/versions").json.ints == [1])
        }
    }

    @Test("data survives a restart")
    func persistence() throws {
        let first = try Harness()
        let id = try #require(try first.register("kept", userV1))
        #expect(try first.put("/config/kept", ["compatibility": "FULL"]).status == 200)
        #expect(first.server.stop() == 0)
        try withExtendedLifetime(first) {
            let second = try Harness(dbPath: first.server.dbPath)
            #expect(try second.get("/subjects/kept/versions/1").json["id"]?.int == id)
            #expect(try second.get("/config/kept").json["compatibilityLevel"]?.stringValue == "FULL")
        }
    }

    @Test("READONLY refuses writes with 42205 and still serves reads")
    func readOnly() throws {
        let h = try APITestClient()
        let id = try #require(try h.register("s", userV1))
        #expect(try h.put("/mode", ["mode": "READONLY"]).status == 200)
        let refused = try h.post("/subjects/s/versions", schemaBody(userV2))
        #expect(refused.status == 422)
        #expect(refused.errorCode == 42205)
        #expect(try h.delete("/subjects/s/versions/1").errorCode == 42205)
        #expect(try h.get("/schemas/ids/\(id)").status == 200)
        #expect(try h.put("/mode", ["mode": "READWRITE"]).status == 200)
        #expect(try h.register("s", userV2) != nil)
    }

    @Test("IMPORT registers with the given ids and versions; READWRITE refuses ids")
    func importMode() throws {
        let h = try APITestClient()
        let withId = try h.post("/subjects/s/versions", schemaBody(userV1, ["id": 100, "version": 1]))
        #expect(withId.errorCode == 42205)
        #expect(try h.put("/mode", ["mode": "IMPORT"]).status == 200)
        #expect(try h.post("/subjects/s/versions", schemaBody(userV1, ["id": 100, "version": 1])).json["id"]?.int == 100)
        #expect(try h.post("/subjects/s/versions", schemaBody(userIncompatible, ["id": 205, "version": 5])).json["id"]?.int == 205)
        #expect(try h.get("/subjects/s/versions").json.ints == [1, 5])
        // The same content under a new id is a second id for it (Confluent since 7.2); a taken id is refused.
        #expect(try h.post("/subjects/t/versions", schemaBody(userV1, ["id": 300, "version": 1])).json["id"]?.int == 300)
        let conflict = try h.post("/subjects/t2/versions", schemaBody(userV2, ["id": 300, "version": 1]))
        #expect(conflict.status == 422)
        #expect(conflict.errorCode == 42205 && conflict.message == "Overwrite new schema with id 300 in context  is not permitted.")
        #expect(try h.put("/mode", ["mode": "READWRITE"]).status == 200)
        #expect(try h.register("u", userV2).map { $0 > 205 } == true)

        let occupied = try h.put("/mode", ["mode": "IMPORT"])
        #expect(occupied.status == 422)
        #expect(occupied.errorCode == 42205)
        #expect(try h.put("/mode?force=true", ["mode": "IMPORT"]).json == ["mode": "IMPORT"])
        #expect(try h.delete("/mode").json == ["mode": "IMPORT"])
        #expect(try h.get("/mode").json == ["mode": "READWRITE"])
    }

    @Test("a cached schema-by-id answer does not outlive a hard delete, and IMPORT cannot reuse the id")
    func cacheFollowsDeletes() throws {
        let h = try APITestClient()
        #expect(try h.put("/mode", ["mode": "IMPORT"]).status == 200)
        #expect(try h.post("/subjects/s/versions", schemaBody(userV1, ["id": 42, "version": 1])).status == 200)
        let before = try h.get("/schemas/ids/42").json["schema"]?.stringValue
        #expect(try h.get("/schemas/ids/42/schema").status == 200)
        #expect(try h.delete("/subjects/s").status == 200)
        #expect(try h.delete("/subjects/s?permanent=true").status == 200)
        #expect(try h.get("/schemas/ids/42").errorCode == 40403)
        #expect(try h.get("/schemas/ids/42/schema").errorCode == 40403)
        // Ids are never reused, not even by IMPORT, so the old answer can never come back under a new schema.
        let reuse = try h.post("/subjects/t/versions", schemaBody(userV2, ["id": 42, "version": 1]))
        #expect(reuse.status == 422)
        #expect(try h.get("/schemas/ids/42").errorCode == 40403)
        #expect(before != nil)
    }

    @Test("invalid subjects are 42208")
    func invalidSubjects() throws {
        let h = try APITestClient()
        for subject in ["__GLOBAL", "a%01b"] {
            let reply = try h.post("/subjects/\(subject)/versions", schemaBody(userV1))
            #expect(reply.status == 422, "\(subject)")
            #expect(reply.errorCode == 42208, "\(subject)")
        }
    }

    @Test("references: resolved at registration, listed by referencedby, protected by 42206")
    func references() throws {
        let h = try APITestClient()
        let address = recordSchema("Address", fields: [#"{"name":"street","type":"string"}"#])
        let addressId = try #require(try h.register("address", address))
        let person = recordSchema("Person", fields: [nameField, #"{"name":"home","type":"com.example.Address"}"#])
        let reference: JSONValue = ["name": "com.example.Address", "subject": "address", "version": 1]
        let personReply = try h.post("/subjects/person/versions", schemaBody(person, ["references": [reference]]))
        #expect(personReply.status == 200)
        let personId = try #require(personReply.json["id"]?.int)
        #expect(personId != addressId)
        #expect(try h.get("/subjects/person/versions/1").json["references"] == [reference])
        #expect(try h.get("/schemas/ids/\(personId)").json["references"] == [reference])
        #expect(try h.get("/subjects/address/versions/1/referencedby").json.ints == [personId])

        let blocked = try h.delete("/subjects/address/versions/1")
        #expect(blocked.status == 422)
        #expect(blocked.errorCode == 42206)
        #expect(try h.delete("/subjects/address").errorCode == 42206)

        let dangling: JSONValue = ["name": "com.example.Address", "subject": "address", "version": 7]
        let unresolved = try h.post("/subjects/other/versions", schemaBody(person, ["references": [dangling]]))
        #expect(unresolved.status == 422)
        #expect(unresolved.errorCode == 42201)
    }

    @Test("percent-encoded subjects: slashes, spaces and unicode stay one path segment")
    func encodedSubjects() throws {
        let h = try APITestClient()
        for subject in ["team/orders-value", "with space", "ünïcødé-✓", "a%b", "plus+sign", "q?x=1&y"] {
            let encoded = encodedSegment(subject)
            let id = try #require(try h.register(subject, userV1), "\(subject)")
            let version = try h.get("/subjects/\(encoded)/versions/1").json
            #expect(version["subject"]?.stringValue == subject)
            #expect(version["id"]?.int == id)
            #expect(try h.get("/subjects/\(encoded)/versions").json.ints == [1])
        }
        let subjects = Set(try h.get("/subjects").json.strings ?? [])
        #expect(subjects == ["team/orders-value", "with space", "ünïcødé-✓", "a%b", "plus+sign", "q?x=1&y"])
        #expect(try h.get("/subjects/team/orders-value/versions").status == 404)
    }

    @Test("keep-alive: many requests share one connection")
    func keepAlive() throws {
        let h = try Harness()
        let id = try #require(try h.register("s", userV1))
        for _ in 0..<50 {
            #expect(try h.get("/schemas/ids/\(id)").status == 200)
            #expect(try h.get("/subjects/s/versions/latest").status == 200)
            #expect(try h.get("/nothing").status == 404)
        }
        #expect(h.client.connectionsOpened == 1)
    }
}
