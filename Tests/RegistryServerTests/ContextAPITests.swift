import JSON
import Testing

/// Contexts over real HTTP: qualified subjects, `/contexts/{context}/...` base URLs, per-context ids and settings.
@Suite("contexts")
struct ContextAPITests {
    @Test("a context base URL is the plain API in that context, with its own ids")
    func baseURL() throws {
        let h = try Harness()
        #expect(try h.register("orders", userV1) == 1)
        // Through the context's base URL and through a qualified subject: the same subject, its own id 1.
        let registered = try h.post("/contexts/.team-a/subjects/orders/versions", schemaBody(userV2))
        #expect(registered.status == 200 && registered.json["id"]?.int == 1, "\(registered.text)")
        #expect(try h.register(":.team-a:payments", userV1) == 2)
        #expect(try h.get("/subjects/:.team-a:orders/versions/1").json["schema"]?.stringValue == userV2)
        #expect(try h.get("/contexts/.team-a/subjects/orders/versions/1").json["subject"] == ":.team-a:orders")
        // `/contexts/team-a` (no dot) is the same context, as Confluent normalises it.
        #expect(try h.get("/contexts/team-a/subjects").json == [":.team-a:orders", ":.team-a:payments"])

        // Ids: the default context's id 1 is userV1; the context's id 1 is userV2.
        #expect(try h.get("/schemas/ids/1").json["schema"]?.stringValue == userV1)
        #expect(try h.get("/contexts/.team-a/schemas/ids/1").json["schema"]?.stringValue == userV2)
        #expect(try h.get("/schemas/ids/1?subject=:.team-a:").json["schema"]?.stringValue == userV2)
        #expect(try h.get("/schemas/ids/2").errorCode == 40403)
        #expect(try h.get("/contexts/.team-a/schemas/ids/2/versions").json == [["subject": ":.team-a:payments", "version": 1]])
        // Through a context URL the answer is placed in a subject version of that context.
        #expect(try h.get("/contexts/.team-a/schemas/ids/1").json["subject"] == ":.team-a:orders")
        // A plain subject missing from the default context is read from the context that has it.
        #expect(try h.get("/subjects/payments/versions/1").json["subject"] == ":.team-a:payments")
        #expect(try h.post("/subjects/payments", schemaBody(userV1)).json["subject"] == ":.team-a:payments")
        #expect(try h.get("/subjects/payments/versions").errorCode == 40401)
        // A plain subject finds the id in the context where that subject holds it.
        let found = try h.get("/schemas/ids/2?subject=payments")
        #expect(found.json["schema"]?.stringValue == userV1 && found.json["subject"] == ":.team-a:payments", "\(found.text)")
        #expect(try h.get("/contexts/.team-a/schemas/ids/2?fetchMaxId=true").json["maxId"]?.int == 2)

        // The same content has an id in each context that holds it.
        let guid = try #require(try h.get("/schemas/ids/1").json["guid"]?.stringValue)
        #expect(try h.get("/schemas/guids/\(guid)/ids").json == [["context": ".", "id": 1], ["context": ".team-a", "id": 2]])
    }

    @Test("listings: every context by default, one context by prefix, GET /contexts")
    func listings() throws {
        let h = try Harness()
        _ = try h.register("a", userV1)
        _ = try h.register(":.x:a", userV1)
        _ = try h.register(":.y:b", userV1)
        #expect(try h.get("/subjects").json == ["a", ":.x:a", ":.y:b"].sorted().map(JSONValue.string).asArray)
        #expect(try h.get("/subjects?subjectPrefix=:.x:").json == [":.x:a"])
        #expect(try h.get("/subjects?subjectPrefix=:*:a").json == [":.x:a", "a"])
        #expect(try h.get("/subjects?subjectPrefix=a").json == ["a"])
        #expect(try h.get("/subjects?subjectPrefix=").json == ["a"])
        // `/schemas` lists the default context unless asked for more.
        #expect(try h.get("/schemas").json.arrayValue?.map { $0["subject"] } == ["a"])
        #expect(try h.get("/schemas?subjectPrefix=:*:").json.arrayValue?.count == 3)
        #expect(try h.get("/contexts/.y/schemas").json.arrayValue?.map { $0["subject"] } == [":.y:b"])
        #expect(try h.get("/contexts").json == [".", ".x", ".y"])
        #expect(try h.get("/contexts?contextPrefix=.x").json == [".x"])
        // `:.:a` is the default context's `a`.
        #expect(try h.get("/subjects/:.:a/versions").json == [1])
    }

    @Test("config and mode at context level sit between the subject's and the global ones")
    func settings() throws {
        let h = try Harness()
        #expect(try h.put("/contexts/.x/config", ["compatibility": "NONE"]).status == 200)
        #expect(try h.get("/config/:.x:").json["compatibilityLevel"] == "NONE")
        #expect(try h.get("/contexts/.x/config/s?defaultToGlobal=true").json["compatibilityLevel"] == "NONE")
        #expect(try h.get("/config/s?defaultToGlobal=true").json["compatibilityLevel"] == "BACKWARD")
        _ = try h.register(":.x:s", userV1)
        #expect(try h.register(":.x:s", userIncompatible) != nil)
        _ = try h.register("s", userV1)
        #expect(try h.post("/subjects/s/versions", schemaBody(userIncompatible)).status == 409)

        #expect(try h.put("/contexts/.x/mode", ["mode": "READONLY"]).status == 200)
        #expect(try h.get("/mode/:.x:").json["mode"] == "READONLY")
        #expect(try h.post("/contexts/.x/subjects/t/versions", schemaBody(userV1)).errorCode == 42205)
        #expect(try h.register("t", userV1) != nil)
    }

    @Test("a context name with a colon inside is 400; DELETE /contexts/{context} only when empty")
    func malformedAndDelete() throws {
        let h = try Harness()
        let bad = try h.get("/contexts/a:b/subjects")
        #expect(bad.status == 400 && bad.errorCode == 400)
        #expect(bad.message == "Context name 'a:b' cannot contain a colon")
        _ = try h.register(":.gone:s", userV1)
        #expect(try h.delete("/contexts/.gone").errorCode == 42211)
        _ = try h.delete("/subjects/:.gone:s")
        _ = try h.delete("/subjects/:.gone:s?permanent=true")
        #expect(try h.delete("/contexts/.gone").status == 204)
        #expect(try h.get("/contexts").json == ["."])
        // Confluent checks no existence: a context that is not there is already deleted.
        #expect(try h.delete("/contexts/.never").status == 204)
        // The default context is the root (405), never deleted: ids given there are never given again.
        _ = try h.register("d", userV1)
        _ = try h.delete("/subjects/d")
        _ = try h.delete("/subjects/d?permanent=true")
        #expect(try h.delete("/contexts/.").status == 405)
        #expect(try h.register("e", userV2) == 2)
    }

    @Test("server metadata and the latest version with given metadata")
    func metadata() throws {
        let h = try Harness()
        #expect(try h.get("/v1/metadata/id").json["scope"]?["clusters"]?["schema-registry-cluster"] == "schema-registry")
        #expect(try h.get("/v1/metadata/version").json["version"]?.stringValue?.isEmpty == false)
        let owned: [String: JSONValue] = ["metadata": ["properties": ["owner": "team-a"]]]
        _ = try h.register("m", userV1, owned)
        _ = try h.register("m", userV2, ["metadata": ["properties": ["owner": "team-b"]]])
        let found = try h.get("/subjects/m/metadata?key=owner&value=team-a")
        #expect(found.status == 200 && found.json["version"]?.int == 1, "\(found.text)")
        #expect(try h.get("/subjects/m/metadata?key=owner&value=nobody").errorCode == 40403)
        _ = try h.register("m", userV2, ["metadata": ["properties": ["owner": "team-a", "tier": "gold"]]])
        #expect(try h.get("/subjects/m/metadata?key=owner&value=team-a").json["version"]?.int == 3)
        #expect(try h.get("/subjects/m/metadata?key=owner&key=tier&value=team-a&value=silver").errorCode == 40403)
        #expect(try h.get("/subjects/m/metadata?key=tier&key=owner&value=gold&value=team-a").json["version"]?.int == 3)
        #expect(try h.get("/subjects/none/metadata?key=owner&value=team-a").errorCode == 40401)
    }

    @Test("verbose compatibility always carries the messages list")
    func verboseCompatible() throws {
        let h = try Harness()
        _ = try h.register("v", userV1)
        #expect(try h.post("/compatibility/subjects/v/versions/latest?verbose=true", schemaBody(userV2)).json
            == ["is_compatible": true, "messages": []])
    }
}

extension Array where Element == JSONValue {
    fileprivate var asArray: JSONValue { .array(self) }
}
