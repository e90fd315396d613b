import Foundation
import Testing
import TestSupport

/// `import` from a registry that is not ours: a small stand-in, in Python, for a Karapace-like registry with no
/// `GET /schemas` listing, no contexts and no modes, holding a Protobuf schema and an Avro schema referencing it.
@Suite struct ForeignRegistryImportTests {
    static let script = #"""
    import http.server, json, sys, urllib.parse
    versions = {
        "a-value": {"id": 1, "schema": "\"string\""},
        "p-value": {"id": 2, "schemaType": "PROTOBUF", "schema": "syntax = \"proto3\"; message M {}"},
        "r-value": {"id": 3, "schema": "{\"type\":\"record\",\"name\":\"R\",\"fields\":[]}",
                    "references": [{"name": "M", "subject": "p-value", "version": 1}]},
    }
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args): pass
        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/vnd.schemaregistry.v1+json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        def do_GET(self):
            path = urllib.parse.urlparse(self.path).path
            parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")]
            if parts == ["subjects"]: return self.answer(200, sorted(versions))
            if len(parts) == 3 and parts[0] == "subjects" and parts[2] == "versions" and parts[1] in versions:
                return self.answer(200, [1])
            if len(parts) == 4 and parts[0] == "subjects" and parts[1] in versions and parts[3] == "1":
                return self.answer(200, dict(subject=parts[1], version=1, **versions[parts[1]]))
            if parts[:2] == ["schemas", "ids"]:
                found = [v for v in versions.values() if v["id"] == int(parts[2])]
                if found: return self.answer(200, dict(found[0], maxId=3))
                return self.answer(404, {"error_code": 40403, "message": "Schema not found"})
            if parts == ["config"]: return self.answer(200, {"compatibilityLevel": "BACKWARD"})
            if parts[0] == "config": return self.answer(404, {"error_code": 40408, "message": "no config"})
            if parts == ["mode"]: return self.answer(200, {"mode": "READWRITE"})
            return self.answer(404, {"error_code": 404, "message": "HTTP 404 Not Found"})
    import os, threading
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    # Gone with the test: signals may reach a test's children blocked, the end of standard input always does.
    sys.stdin.read()
    os._exit(0)
    """#

    @Test func nonAvroSchemasAndWhatReferencesThemAreReportedAndSkipped() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script]
        let output = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        defer {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        let portLine = String(decoding: output.fileHandleForReading.availableDataOrWait(), as: UTF8.self)
        let port = try #require(Int(portLine.trimmingCharacters(in: .whitespacesAndNewlines)))

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("foreign-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let database = folder.appendingPathComponent("copy.db").path
        let result = try runCLI(["import", "--from", "http://127.0.0.1:\(port)", "--to", database])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("skipped (2):"))
        #expect(result.stdout.contains("p-value version 1 (id 2): a PROTOBUF schema"))
        #expect(result.stdout.contains("r-value version 1 (id 3): it references p-value version 1, which is not copied"))
        #expect(result.stdout.contains("id counters raised:   . to 3"))
        #expect(result.stdout.contains("every copied id answers the same schema"))
        let dump = try runCLI(["export", "--from", database, "--to", "-"]).stdout
        #expect(dump.contains(#""kind":"version","subject":"a-value","version":1,"id":1,"deleted":false"#))
        #expect(dump.contains(#""kind":"context","context":".","maxId":3"#))
        #expect(!dump.contains("p-value") && !dump.contains("r-value"))
    }
}

extension FileHandle {
    /// The first bytes a child writes: blocks until there are some.
    fileprivate func availableDataOrWait() -> Data {
        var data = Data()
        while !data.contains(UInt8(ascii: "\n")) {
            let more = availableData
            if more.isEmpty { break }
            data.append(more)
        }
        return data
    }
}
