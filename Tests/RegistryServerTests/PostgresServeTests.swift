import Foundation
import JSON
import TestSupport
import Testing

@Suite("schema-registry serve --db postgresql://...")
struct PostgresServeTests {
    @Test("registers and reads schemas over HTTP, and a new server on the same database finds them")
    func registersAndReads() throws {
        let uri = try TestPostgres.shared().createDatabase()
        var firstId: Int?
        do {
            let server = try TestServer.start(dbPath: uri)
            let client = HTTPConnection(port: server.port)
            let registered = try client.send("POST", "/subjects/orders-value/versions", json: schemaBody(userV1))
            #expect(registered.status == 200, "\(registered.text)")
            firstId = registered.json["id"]?.int
            #expect(try client.send("POST", "/subjects/orders-value/versions", json: schemaBody(userV2)).status == 200)
            #expect(try client.send("POST", "/subjects/orders-value/versions", json: schemaBody(userIncompatible)).status == 409)
            #expect(try client.send("GET", "/health").json["database"]?.stringValue == "ok")
            #expect(server.stop() == 0)
        }
        let restarted = try TestServer.start(dbPath: uri)
        let client = HTTPConnection(port: restarted.port)
        #expect(try client.send("GET", "/subjects/orders-value/versions").text == "[1,2]")
        let byId = try client.send("GET", "/schemas/ids/\(firstId ?? 0)")
        #expect(byId.json["schema"]?.stringValue == userV1, "\(byId.text)")
        #expect(try client.send("GET", "/subjects/orders-value/versions/latest").json["version"]?.int == 2)
    }

    @Test("a database that cannot be reached, or refuses the password, ends the start with a clear message")
    func unreachableDatabase() throws {
        let cluster = try TestPostgres.shared()
        let unreachable = "postgresql://registry:secret-1@127.0.0.1:\(try TestPostgres.freePort())/registry"
        for (uri, reason) in [(unreachable, "Connection refused"), (cluster.uri(password: "secret-2"), "password authentication failed")] {
            let result = try runCLI(["serve", "--listen", "127.0.0.1:0", "--db", uri], timeout: 30)
            #expect(result.status != 0)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("cannot open the database"), "\(result.stderr)")
            #expect(result.stderr.contains(reason), "\(result.stderr)")
            #expect(!result.stderr.contains("secret-"), "the password must not be printed: \(result.stderr)")
        }
    }

    /// A cluster of this test's own, stopped and started under the server.
    @Test("with --db-wait a node starts before its database; /health and writes follow the database's outages")
    func waitsForTheDatabaseAndOutlivesItsOutage() throws {
        let cluster = try TestPostgres.start()
        defer { cluster.remove() }
        let uri = try cluster.createDatabase()
        try cluster.stopServer()
        let starter = Thread {
            Thread.sleep(forTimeInterval: 2)
            try? cluster.startServer()
        }
        starter.start()
        let server = try TestServer.start(dbPath: uri, arguments: ["--db-wait", "60"], timeout: 60)
        // The server's stderr is gathered in the background.
        for _ in 0..<20 where !server.standardError().contains("waiting for the database") { Thread.sleep(forTimeInterval: 0.1) }
        #expect(server.standardError().contains("waiting for the database"), "\(server.standardError())")
        let client = HTTPConnection(port: server.port)
        #expect(try client.send("GET", "/health").status == 200)
        #expect(try client.send("POST", "/subjects/s/versions", json: schemaBody(userV1)).status == 200)

        try cluster.stopServer()
        let health = try client.send("GET", "/health")
        #expect(health.status == 503, "\(health.text)")
        let write = try client.send("POST", "/subjects/s/versions", json: schemaBody(userV2))
        #expect(write.status == 503 && write.errorCode == 50001, "\(write.text)")
        #expect(write.headers["retry-after"] == "1")

        try cluster.startServer()
        #expect(try client.send("GET", "/health").status == 200)
        let after = try client.send("POST", "/subjects/s/versions", json: schemaBody(userV2))
        #expect(after.status == 200 && after.json["id"]?.int == 2, "\(after.text)")
    }
}
