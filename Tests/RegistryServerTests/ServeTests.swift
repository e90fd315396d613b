import JSON
import Foundation
import TestSupport
import Testing

@Suite("schema-registry serve")
struct ServeTests {
    @Test("prints the ready line, creates the database folder and exits 0 on SIGTERM")
    func lifecycle() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString)")
        let dbPath = folder.appendingPathComponent("nested/registry.db").path
        let server = try TestServer.start(dbPath: dbPath)
        #expect(server.port > 0)
        #expect(FileManager.default.fileExists(atPath: dbPath))
        let client = HTTPConnection(port: server.port)
        #expect(try client.send("GET", "/").status == 200)
        // An open keep-alive connection must not hold the shutdown up.
        #expect(server.stop() == 0)
        #expect(!server.isRunning)
        try? FileManager.default.removeItem(at: folder)
    }

    @Test("a request in progress when SIGTERM arrives is still answered")
    func inFlightRequestFinishes() throws {
        let server = try TestServer.start()
        let client = HTTPConnection(port: server.port)
        let body = Array(JSONWriter.write(schemaBody(userV1)).utf8)
        let head = "POST /subjects/s/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n"
        try client.write(Array(head.utf8) + body[..<10])
        Thread.sleep(forTimeInterval: 0.3)
        server.terminate()
        Thread.sleep(forTimeInterval: 0.3)
        try client.write(Array(body[10...]))
        let reply = try client.readReply(method: "POST")
        #expect(reply.status == 200)
        #expect(reply.json["id"]?.int != nil)
        #expect(server.stop() == 0)
    }

    @Test("options come from the environment; the command line wins")
    func environment() throws {
        let h = try Harness(environment: ["SCHEMA_REGISTRY_MAX_BODY_BYTES": "64", "SCHEMA_REGISTRY_THREADS": "1"])
        #expect(try h.client.send("POST", "/subjects/s/versions", json: schemaBody(userV1)).status == 413)

        let overridden = try Harness(arguments: ["--max-body-bytes", "100000"],
                                     environment: ["SCHEMA_REGISTRY_MAX_BODY_BYTES": "64"])
        #expect(try overridden.client.send("POST", "/subjects/s/versions", json: schemaBody(userV1)).status == 200)
    }

    @Test("SCHEMA_REGISTRY_MODE_MUTABILITY=false refuses mode changes, as Confluent's mode.mutability does")
    func modeMutability() throws {
        let h = try Harness(environment: ["SCHEMA_REGISTRY_MODE_MUTABILITY": "false"])
        let refused = try h.put("/mode", ["mode": "IMPORT"])
        #expect(refused.status == 422 && refused.errorCode == 42205 && refused.message == "Mode changes are not allowed")
        #expect(try h.get("/mode").json["mode"] == "READWRITE")
    }

    @Test("a bad --listen value is a usage error")
    func badListen() throws {
        let result = try runCLI(["serve", "--listen", "127.0.0.1:99999", "--db", "/tmp/unused-\(UUID().uuidString)/r.db"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--listen"))
    }

    @Test("a port in use is reported, not ignored")
    func portInUse() throws {
        let h = try Harness()
        let result = try runCLI(["serve", "--listen", "127.0.0.1:\(h.server.port)", "--db",
                                 FileManager.default.temporaryDirectory.appendingPathComponent("inuse-\(UUID().uuidString)/r.db").path],
                                timeout: 20)
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot listen"))
    }
}
