import Foundation
import JSON
import Testing

/// `Accept` and the request's charset, over real HTTP, as Jersey answers them for Confluent's resources.
@Suite("content negotiation")
struct ContentNegotiationTests {
    @Test("Accept picks among the registry's types; one it cannot satisfy is 406")
    func accept() throws {
        let h = try Harness()
        _ = try h.register("s", userV1)
        let cases: [(String?, Int, String)] = [
            (nil, 200, "application/vnd.schemaregistry.v1+json"),
            ("application/json", 200, "application/json"),
            ("application/vnd.schemaregistry+json", 200, "application/vnd.schemaregistry+json"),
            ("application/json;q=0.4, application/vnd.schemaregistry.v1+json;q=0.5", 200, "application/vnd.schemaregistry.v1+json"),
            ("*/*", 200, "application/vnd.schemaregistry.v1+json"),
        ]
        for (accept, status, type) in cases {
            let reply = try h.send("GET", "/subjects/s/versions/1", headers: accept.map { ["Accept": $0] } ?? [:])
            #expect(reply.status == status && reply.headers["content-type"] == type, "\(accept ?? "none"): \(reply.headers)")
            #expect(reply.json["version"]?.int == 1)
        }
        // Errors are negotiated too.
        let missing = try h.send("GET", "/subjects/none/versions", headers: ["Accept": "application/json"])
        #expect(missing.status == 404 && missing.headers["content-type"] == "application/json" && missing.errorCode == 40401)
        for accept in ["application/vnd.schemaregistry.v2+json", "text/plain"] {
            let refused = try h.send("GET", "/subjects/s/versions/1", headers: ["Accept": accept])
            #expect(refused.status == 406, "\(accept)")
            #expect(refused.json == ["error_code": 406, "message": "HTTP 406 Not Acceptable"], "\(refused.text)")
        }
    }

    @Test("a body in another charset is read in it; an unknown charset is 415")
    func charset() throws {
        let h = try Harness()
        let json = JSONWriter.write(schemaBody(recordSchema("Greeting", fields: [#"{"name":"text","type":"string","doc":"Grüße"}"#])))
        var utf16: [UInt8] = [0xFE, 0xFF]
        for unit in json.utf16 { utf16 += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        let registered = try h.send(
            "POST", "/subjects/utf16/versions", body: utf16, contentType: "application/json; charset=UTF-16")
        #expect(registered.status == 200, "\(registered.text)")
        #expect(try h.get("/subjects/utf16/versions/1").json["schema"]?.stringValue?.contains("Grüße") == true)
        let latin1 = Array(json.data(using: .isoLatin1)!)
        let fromLatin1 = try h.send("POST", "/subjects/utf16", body: latin1, contentType: "application/json; charset=ISO-8859-1")
        #expect(fromLatin1.status == 200 && fromLatin1.json["version"]?.int == 1, "\(fromLatin1.text)")

        let unknown = try h.send("POST", "/subjects/x/versions", body: Array(json.utf8), contentType: "application/json; charset=klingon")
        #expect(unknown.status == 415 && unknown.errorCode == 415, "\(unknown.text)")
        #expect(unknown.message == "Unsupported charset 'klingon' in the request's Content-Type")
        let broken = try h.send("POST", "/subjects/x/versions", body: [0xD8, 0x00], contentType: "application/json; charset=utf-16be")
        #expect(broken.status == 400 && broken.errorCode == 400, "\(broken.text)")
    }
}
