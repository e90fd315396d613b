import JSON
import Foundation
import Testing
import TestSupport

@Suite("authentication and ACLs (serve --auth-file)")
struct AuthTests {
    private let fixture: AuthFixture
    private let h: Harness

    init() throws {
        fixture = try AuthFixture.teamA()
        h = try Harness(arguments: ["--auth-file", fixture.path])
    }

    @Test("missing or wrong credentials get 401 with a Basic challenge and a JSON error")
    func unauthenticated() throws {
        for user in [nil, ("admin", "wrong"), ("nobody", "admin-pw")] as [(String, String)?] {
            let reply = try h.send("GET", "/subjects", as: user)
            #expect(reply.status == 401)
            #expect(reply.headers["www-authenticate"] == #"Basic realm="schema-registry""#)
            #expect(reply.errorCode == 401)
        }
        #expect(try h.send("GET", "/subjects", as: ("admin", "admin-pw")).status == 200)
        #expect(try h.send("GET", "/schemas/types", as: nil).status == 401)
    }

    @Test("SCHEMA_REGISTRY_AUTH_FILE turns authentication on too")
    func fromEnvironment() throws {
        let server = try Harness(environment: ["SCHEMA_REGISTRY_AUTH_FILE": fixture.path])
        #expect(try server.client.send("GET", "/subjects").status == 401)
        #expect(try server.client.send("GET", "/subjects", headers: basic("reader", "reader-pw")).status == 200)
    }

    @Test("an edited auth file takes effect without a restart; a broken one keeps the old rules")
    func reload() throws {
        let reader = ("reader", "reader-pw")
        #expect(try h.send("GET", "/subjects", as: reader).status == 200)
        try "{ broken".write(toFile: fixture.path, atomically: true, encoding: .utf8)
        Thread.sleep(forTimeInterval: 1.2)
        #expect(try h.send("GET", "/subjects", as: reader).status == 200)
        try fixture.write(users: [("reader", "new-pw")], permissions: [("reader", "Read", "Subject:")])
        Thread.sleep(forTimeInterval: 1.2)
        #expect(try h.send("GET", "/subjects", as: reader).status == 401)
        #expect(try h.send("GET", "/subjects", as: ("reader", "new-pw")).status == 200)
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
