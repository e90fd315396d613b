import Foundation
import Testing
import TestSupport

@Suite("health, request ids and logs")
struct HealthTests {
    @Test("GET /health reports the server and its database")
    func healthy() throws {
        let h = try APITestClient()
        let reply = try h.get("/health")
        #expect(reply.status == 200)
        #expect(reply.json["status"]?.stringValue == "UP")
        #expect(reply.json["database"]?.stringValue == "ok")
    }

    @Test("GET /health answers 503 while the database cannot be written")
    func databaseLocked() throws {
        let h = try APITestClient()
        #expect(try h.get("/health").status == 200)
        // Another process holds the write lock past the server's 5 s busy timeout.
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        locker.arguments = ["python3", "-c", """
            import select, sqlite3, sys
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            select.select([sys.stdin], [], [], 12)
            """, h.dbPath]
        let output = Pipe(), input = Pipe()
        locker.standardOutput = output
        locker.standardInput = input
        try locker.run()
        // The locker lets go when its input closes: under the test runner SIGTERM alone did not end it, and each run
        // waited out the whole 12 s.
        defer {
            try? input.fileHandleForWriting.close()
            locker.terminate()
            locker.waitUntilExit()
        }
        #expect(String(decoding: output.fileHandleForReading.availableData, as: UTF8.self).hasPrefix("locked"))
        let reply = try h.get("/health")
        #expect(reply.status == 503)
        #expect(reply.json["status"]?.stringValue == "DOWN")
        #expect(reply.json["database"]?.stringValue?.contains("locked") == true)
    }

    @Test("every answer carries an X-Request-ID; a well-formed incoming one is kept")
    func requestIds() throws {
        let h = try APITestClient()
        let generated = try #require(try h.get("/subjects").headers["x-request-id"])
        #expect(generated.count == 32 && generated.allSatisfy(\.isHexDigit))
        #expect(try h.get("/subjects").headers["x-request-id"] != generated)
        let kept = try h.send("GET", "/subjects", headers: ["X-Request-ID": "trace-42.a:b_c"])
        #expect(kept.headers["x-request-id"] == "trace-42.a:b_c")
        let replaced = try h.send("GET", "/subjects", headers: ["X-Request-ID": "bad id<script>"])
        #expect(replaced.headers["x-request-id"]?.count == 32)
        #expect(try h.get("/nothing").headers["x-request-id"]?.count == 32)
    }

    @Test("a cached answer, sent from its shared bytes, carries each request's own X-Request-ID over the wire")
    func requestIdsOnCachedAnswers() throws {
        let h = try Harness()
        _ = try h.register("s", userV1)
        let first = try h.send("GET", "/schemas/ids/1", headers: ["X-Request-ID": "one"])
        let second = try h.send("GET", "/schemas/ids/1", headers: ["X-Request-ID": "two"])
        #expect(first.headers["x-request-id"] == "one" && second.headers["x-request-id"] == "two")
        #expect(first.headers["content-type"] == "application/vnd.schemaregistry.v1+json")
        #expect(first.body == second.body && first.json["schema"] != nil)
    }

    @Test("logs one line per request at debug and one per write at info, with the request id")
    func logs() throws {
        let debug = try Harness(arguments: ["--log-level", "debug"])
        _ = try debug.client.send("GET", "/subjects", headers: ["X-Request-ID": "read-1"])
        _ = try debug.client.send("POST", "/subjects/s/versions", body: Array(#"{"schema":"\"int\""}"#.utf8),
                                  headers: ["X-Request-ID": "write-1"])
        let info = try Harness()
        _ = try info.client.send("GET", "/subjects", headers: ["X-Request-ID": "read-2"])
        _ = try info.client.send("POST", "/subjects/s/versions", body: Array(#"{"schema":"\"int\""}"#.utf8),
                                 headers: ["X-Request-ID": "write-2"])
        Thread.sleep(forTimeInterval: 0.3)
        let debugLog = debug.server.standardError(), infoLog = info.server.standardError()
        #expect(debugLog.contains("debug") && debugLog.contains("GET /subjects 200") && debugLog.contains("request_id=read-1"))
        #expect(debugLog.contains("POST /subjects/s/versions 200") && debugLog.contains("request_id=write-1"))
        #expect(!infoLog.contains("read-2"))
        #expect(infoLog.contains("info") && infoLog.contains("request_id=write-2"))
    }

    @Test("with --auth-file, /health and /metrics need credentials unless --public-metrics is given")
    func publicHealth() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("health-auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("auth.json").path
        try #"{"users": [], "permissions": []}"#.write(toFile: path, atomically: true, encoding: .utf8)

        let closed = try Harness(arguments: ["--auth-file", path])
        #expect(try closed.get("/health").status == 401)
        #expect(try closed.get("/metrics").status == 401)
        let open = try Harness(arguments: ["--auth-file", path, "--public-metrics"])
        #expect(try open.get("/health").status == 200)
        #expect(try open.get("/metrics").status == 200)
        #expect(try open.get("/subjects").status == 401)
    }
}
