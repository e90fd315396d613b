import Foundation
import Testing
import TestSupport

@Suite("connection limits")
struct LimitTests {
    @Test("--per-ip-connection-limit turns away connections past the limit")
    func perIPLimit() throws {
        let h = try Harness(arguments: ["--per-ip-connection-limit", "2"])
        let second = HTTPConnection(port: h.server.port)
        #expect(try h.get("/").status == 200)
        #expect(try second.send("GET", "/").status == 200)
        let third = HTTPConnection(port: h.server.port)
        #expect(throws: (any Error).self) { try third.send("GET", "/") }
        second.close()
        Thread.sleep(forTimeInterval: 0.2)
        #expect(try HTTPConnection(port: h.server.port).send("GET", "/").status == 200)
    }

    @Test("past --connection-limit, new connections wait unserved until one closes")
    func connectionLimit() throws {
        let h = try Harness(arguments: ["--connection-limit", "1"])
        #expect(try h.get("/").status == 200)
        let waiting = HTTPConnection(port: h.server.port)
        try waiting.write(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(!waiting.canRead(within: 1))
        h.client.close()
        #expect(waiting.canRead(within: 5))
        #expect(try waiting.readReply().status == 200)
    }

    @Test("a client that stops sending mid-request (slowloris) is cut off after --idle-timeout")
    func slowloris() throws {
        let h = try Harness(arguments: ["--idle-timeout", "1"])
        try h.client.write(Array("GET /subjects HTTP/1.1\r\nHost: x\r\nX-Slow: ".utf8))
        #expect(!h.client.serverClosed(within: 0))
        #expect(h.client.serverClosed(within: 4))
    }

    @Test("--max-header-bytes caps the request head")
    func headerCap() throws {
        let h = try Harness(arguments: ["--max-header-bytes", "8192"])
        #expect(try h.client.send("GET", "/", headers: ["X-Small": String(repeating: "a", count: 1000)]).status == 200)
        let big = try h.client.send("GET", "/", headers: ["X-Big": String(repeating: "a", count: 16_000)])
        #expect(big.status == 431)
    }
}
