import JSON
import Foundation
import Testing
import TestSupport

/// An auth file in a fresh folder, with users made by `schema-registry passwd` (sha1: fastest in debug builds).
private struct AuthFixture {
    let path: String

    init(users: [(String, String)], permissions: [(String, String, String)]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("auth-server-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("authfile.json").path
        try write(users: users, permissions: permissions)
    }

    func write(users: [(String, String)], permissions: [(String, String, String)]) throws {
        let entries = try users.map { name, password in
            let result = try runCLI(["passwd", "--user", name, "--algorithm", "sha1"], stdin: password + "\n")
            guard result.status == 0 else { throw HTTPClientError(description: "passwd failed: \(result.stderr)") }
            return result.stdout
        }
        let rules = permissions.map { name, operation, resource in
            JSONWriter.write(["username": .string(name), "operation": .string(operation), "resource": .string(resource)])
        }
        let text = #"{"users": [\#(entries.joined(separator: ","))], "permissions": [\#(rules.joined(separator: ","))]}"#
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

private func basic(_ user: String, _ password: String) -> [String: String] {
    ["Authorization": "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
}

@Suite("authentication and ACLs (serve --auth-file)")
struct AuthTests {
    private let fixture: AuthFixture
    private let h: Harness

    init() throws {
        fixture = try AuthFixture(
            users: [("admin", "admin-pw"), ("reader", "reader-pw"), ("writer", "writer-pw")],
            permissions: [("admin", "Write", ".*"), ("reader", "Read", "Subject:team-a"),
                          ("writer", "Write", "Subject:team-a"), ("writer", "Read", "Config:")])
        h = try Harness(arguments: ["--auth-file", fixture.path])
    }

    private func send(_ method: String, _ target: String, as user: (String, String)?, json: JSONValue? = nil) throws -> HTTPReply {
        let headers = user.map { basic($0.0, $0.1) } ?? [:]
        return try h.client.send(method, target, body: json.map { Array(JSONWriter.write($0).utf8) }, headers: headers)
    }

    @Test("missing or wrong credentials get 401 with a Basic challenge and a JSON error")
    func unauthenticated() throws {
        for user in [nil, ("admin", "wrong"), ("nobody", "admin-pw")] as [(String, String)?] {
            let reply = try send("GET", "/subjects", as: user)
            #expect(reply.status == 401)
            #expect(reply.headers["www-authenticate"] == #"Basic realm="schema-registry""#)
            #expect(reply.errorCode == 401)
        }
        #expect(try send("GET", "/subjects", as: ("admin", "admin-pw")).status == 200)
        #expect(try send("GET", "/schemas/types", as: nil).status == 401)
    }

    @Test("SCHEMA_REGISTRY_AUTH_FILE turns authentication on too")
    func fromEnvironment() throws {
        let server = try Harness(environment: ["SCHEMA_REGISTRY_AUTH_FILE": fixture.path])
        #expect(try server.client.send("GET", "/subjects").status == 401)
        #expect(try server.client.send("GET", "/subjects", headers: basic("reader", "reader-pw")).status == 200)
    }

    @Test("reads of unreadable subjects look like missing subjects; listings are filtered")
    func readFiltering() throws {
        let admin = ("admin", "admin-pw"), reader = ("reader", "reader-pw")
        let idA = try #require(try send("POST", "/subjects/team-a-value/versions", as: admin, json: schemaBody(userV1)).json["id"]?.int)
        let idB = try #require(try send("POST", "/subjects/team-b-value/versions", as: admin,
                                        json: schemaBody(recordSchema("Other", fields: [nameField]))).json["id"]?.int)

        #expect(try send("GET", "/subjects", as: reader).json.strings == ["team-a-value"])
        #expect(try send("GET", "/subjects", as: admin).json.strings?.sorted() == ["team-a-value", "team-b-value"])
        #expect(try send("GET", "/schemas", as: reader).json.arrayValue?.compactMap { $0["subject"]?.stringValue } == ["team-a-value"])

        let hidden = try send("GET", "/subjects/team-b-value/versions", as: reader)
        let missing = try send("GET", "/subjects/no-such-subject/versions", as: admin)
        #expect(hidden.status == 404 && hidden.errorCode == 40401)
        #expect(hidden.message == "Subject 'team-b-value' not found.")
        #expect(missing.errorCode == 40401)
        #expect(try send("GET", "/subjects/team-a-value/versions/1", as: reader).status == 200)

        // The admin's read fills the shared answer cache first: the reader must still not get it.
        #expect(try send("GET", "/schemas/ids/\(idB)", as: admin).status == 200)
        #expect(try send("GET", "/schemas/ids/\(idA)", as: reader).status == 200)
        #expect(try send("GET", "/schemas/ids/\(idB)/schema", as: reader).errorCode == 40403)
        #expect(try send("GET", "/schemas/ids/\(idA)/versions", as: reader).json.arrayValue?.count == 1)
        #expect(try send("GET", "/schemas/ids/\(idB)/versions", as: reader).errorCode == 40403)
        #expect(try send("GET", "/schemas/ids/\(idA)?subject=team-b-value", as: reader).json["subject"] == nil)
        #expect(try send("GET", "/config/team-b-value", as: reader).errorCode == 40401)
        #expect(try send("POST", "/compatibility/subjects/team-b-value/versions", as: reader, json: schemaBody(userV1)).errorCode == 40401)
        // Paging applies to what the reader may see: a hidden subject sorting first takes no place on the page.
        #expect(try send("POST", "/subjects/aaa-hidden/versions", as: admin, json: schemaBody(userV2)).status == 200)
        #expect(try send("GET", "/schemas?limit=1", as: reader).json.arrayValue?.compactMap { $0["subject"]?.stringValue } == ["team-a-value"])
        let guidB = try #require(try send("GET", "/schemas/ids/\(idB)", as: admin).json["guid"]?.stringValue)
        #expect(try send("GET", "/schemas/guids/\(guidB)", as: admin).status == 200)
        #expect(try send("GET", "/schemas/guids/\(guidB)", as: reader).errorCode == 40403)
        #expect(try send("GET", "/schemas/guids/\(guidB)/ids", as: reader).errorCode == 40403)
        let hiddenId = try send("GET", "/schemas/ids/\(idB)", as: reader)
        #expect(hiddenId.status == 404 && hiddenId.errorCode == 40403)
        #expect(try send("GET", "/schemas/ids/\(idB)/subjects", as: reader).errorCode == 40403)
        #expect(try send("GET", "/schemas/ids/\(idA)/subjects", as: reader).json.strings == ["team-a-value"])
    }

    @Test("writes need Write (403, 40301); global config and mode need Config:")
    func writesAndConfig() throws {
        let reader = ("reader", "reader-pw"), writer = ("writer", "writer-pw")
        let denied = try send("POST", "/subjects/team-a-value/versions", as: reader, json: schemaBody(userV1))
        #expect(denied.status == 403 && denied.errorCode == 40301)
        #expect(try send("POST", "/subjects/team-a-value/versions", as: writer, json: schemaBody(userV1)).status == 200)
        #expect(try send("POST", "/subjects/team-b-value/versions", as: writer, json: schemaBody(userV1)).errorCode == 40301)
        #expect(try send("DELETE", "/subjects/team-a-value", as: reader).errorCode == 40301)

        #expect(try send("GET", "/config", as: writer).status == 200)
        #expect(try send("PUT", "/config", as: writer, json: ["compatibility": "NONE"]).errorCode == 40301)
        #expect(try send("GET", "/config", as: reader).errorCode == 40301)
        #expect(try send("GET", "/mode", as: reader).errorCode == 40301)
        #expect(try send("PUT", "/config", as: ("admin", "admin-pw"), json: ["compatibility": "NONE"]).status == 200)
    }

    @Test("an edited auth file takes effect without a restart; a broken one keeps the old rules")
    func reload() throws {
        let reader = ("reader", "reader-pw")
        #expect(try send("GET", "/subjects", as: reader).status == 200)
        try "{ broken".write(toFile: fixture.path, atomically: true, encoding: .utf8)
        Thread.sleep(forTimeInterval: 1.2)
        #expect(try send("GET", "/subjects", as: reader).status == 200)
        try fixture.write(users: [("reader", "new-pw")], permissions: [("reader", "Read", "Subject:")])
        Thread.sleep(forTimeInterval: 1.2)
        #expect(try send("GET", "/subjects", as: reader).status == 401)
        #expect(try send("GET", "/subjects", as: ("reader", "new-pw")).status == 200)
    }

    @Test("serve refuses to start with an invalid auth file and says why")
    func invalidFileAtStartup() throws {
        try #"{"users": []}"#.write(toFile: fixture.path, atomically: true, encoding: .utf8)
        let result = try runCLI(["serve", "--listen", "127.0.0.1:0", "--auth-file", fixture.path, "--db",
                                 FileManager.default.temporaryDirectory.appendingPathComponent("auth-\(UUID().uuidString)/r.db").path])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("auth file \(fixture.path)"))
    }
}
