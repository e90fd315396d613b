import Avro
import Foundation
import Testing

@Suite("Errors in Confluent's JSON shape")
struct ErrorTests {
    @Test("unknown routes are 404 and wrong methods 405, both as JSON")
    func routing() throws {
        let h = try APITestClient()
        for target in ["/nothing", "/subjects/a/versions/1/extra", "/schemas/ids/abc", "/subjects//versions"] {
            let reply = try h.get(target)
            #expect(reply.status == 404, "\(target)")
            #expect(reply.errorCode == 404, "\(target)")
            #expect(reply.message == "HTTP 404 Not Found", "\(target)")
        }
        let wrongMethod = try h.send("PUT", "/subjects", body: Array("{}".utf8))
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.errorCode == 405)
        #expect(wrongMethod.message == "HTTP 405 Method Not Allowed")
        #expect(try h.send("PATCH", "/config", body: Array("{}".utf8)).errorCode == 405)
        #expect(try h.delete("/schemas/ids/1").status == 405)
    }

    @Test("malformed JSON is 400, unsupported content types 415")
    func badBodies() throws {
        let h = try APITestClient()
        for body in ["{\"schema\": ", "not json", "[1,2]", ""] {
            let reply = try h.send("POST", "/subjects/s/versions", body: Array(body.utf8))
            #expect(reply.status == 400, "\(body)")
            #expect(reply.errorCode == 400, "\(body)")
        }
        let form = try h.send("POST", "/subjects/s/versions", body: Array(#"{"schema":"\"int\""}"#.utf8),
                                     contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 415)
        #expect(form.errorCode == 415)
        #expect(form.message == "HTTP 415 Unsupported Media Type")
        for type in ["application/json", "application/vnd.schemaregistry+json", "application/octet-stream",
                     "application/json; charset=utf-8", nil] {
            let reply = try h.send("POST", "/subjects/s/versions", body: Array(#"{"schema":"\"int\""}"#.utf8),
                                          contentType: type)
            #expect(reply.status == 200, "\(type ?? "no content type")")
        }
    }

    @Test("hostile input gets a clear error, never a crash or a 500")
    func hostileInput() throws {
        let h = try APITestClient()
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let bodies: [[UInt8]] = [
            Array(deep.utf8), Array(#"{"schema":"\#(String(repeating: "[", count: 50_000))"}"#.utf8),
            [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D], Array(#"{"schema":123}"#.utf8),
            Array(#"{"schema":""int"","references":[{"name":"x"}]}"#.utf8), Array(#"{"schema":""int"","id":1e99}"#.utf8),
        ]
        for body in bodies {
            for target in ["/subjects/s/versions", "/subjects/s", "/compatibility/subjects/s/versions", "/config", "/mode"] {
                let method = target.hasPrefix("/config") || target.hasPrefix("/mode") ? "PUT" : "POST"
                let reply = try h.send(method, target, body: body)
                // A valid object without known members is an empty config update, which Confluent accepts.
                let emptyUpdate = target == "/config" && reply.status == 200 && reply.text == "{}"
                #expect(emptyUpdate || [400, 404, 409, 422].contains(reply.status), "\(target): \(reply.status) \(reply.text.prefix(200))")
                #expect(emptyUpdate || reply.errorCode != nil, "\(target)")
            }
        }
        for target in ["/subjects/%zz/versions", "/subjects/%ff%fe/versions", "/subjects/%/versions", "/schemas/ids/99999999999"] {
            let reply = try h.get(target)
            #expect(reply.status == 404, "\(target)")
            #expect(reply.errorCode != nil, "\(target)")
        }
        #expect(try h.get("/").status == 200)
    }

    @Test("registry errors carry their code and status")
    func registryErrors() throws {
        let h = try APITestClient()
        let invalid = try h.post("/subjects/s/versions", schemaBody(#"{"type":"record","name":"R"}"#))
        #expect(invalid.status == 422)
        #expect(invalid.errorCode == 42201)
        #expect(try h.get("/subjects/none/versions").errorCode == 40401)
        #expect(try h.get("/subjects/none/versions/1").errorCode == 40401)
        _ = try h.register("s", userV1)
        let missing = try h.get("/subjects/s/versions/9")
        #expect(missing.status == 404)
        #expect(missing.errorCode == 40402)
        for version in ["0", "abc", "2147483648", "-2"] {
            let reply = try h.get("/subjects/s/versions/\(version)")
            #expect(reply.status == 422, "\(version)")
            #expect(reply.errorCode == 42202, "\(version)")
        }
        let noId = try h.get("/schemas/ids/999")
        #expect(noId.status == 404)
        #expect(noId.errorCode == 40403)
        #expect(try h.get("/schemas/ids/999/schema").errorCode == 40403)
        #expect(try h.get("/schemas/guids/00000000-0000-0000-0000-000000000000").errorCode == 40403)
        let incompatible = try h.post("/subjects/s/versions", schemaBody(userIncompatible))
        #expect(incompatible.status == 409)
        #expect(incompatible.errorCode == 409 || incompatible.errorCode == 40901)
    }

    @Test("a body over the limit gets 413 and the connection is closed, not left hanging")
    func payloadTooLarge() throws {
        let h = try Harness(environment: ["SCHEMA_REGISTRY_MAX_BODY_BYTES": "1024"])
        // Declared too large: answered before the body is read.
        let huge = try h.client.send("POST", "/subjects/s/versions", body: [UInt8](repeating: 32, count: 200_000))
        #expect(huge.status == 413)
        #expect(huge.errorCode == 413)
        #expect(h.client.serverClosed(within: 5))

        // Within the limit on a fresh connection: served normally.
        h.client.close()
        let small = try h.client.send("POST", "/subjects/s/versions", json: schemaBody(userV1))
        #expect(small.status == 200)

        // Chunked without a length: read to its end and dropped, then answered; the connection stays usable.
        let raw = HTTPConnection(port: h.server.port)
        var request = Array("POST /subjects/s/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        for _ in 0..<4 { request += Array("400\r\n".utf8) + [UInt8](repeating: 32, count: 1024) + Array("\r\n".utf8) }
        request += Array("0\r\n\r\n".utf8)
        try raw.write(request)
        let chunked = try raw.readReply(method: "POST")
        #expect(chunked.status == 413)
        #expect(chunked.errorCode == 413)
        #expect(try raw.send("GET", "/schemas/types").status == 200)
        #expect(raw.connectionsOpened == 1)
    }
}
