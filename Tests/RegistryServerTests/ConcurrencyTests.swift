import Avro
import Foundation
import Locking
import Testing

@Suite("Concurrent clients")
struct ConcurrencyTests {
    @Test("32 clients registering the same new schema at once get one id and one version")
    func sameSchemaAtOnce() throws {
        let h = try Harness()
        let schema = recordSchema("Raced", fields: [nameField])
        let ids = Locked<[Int: Int?]>([:])
        let port = h.server.port
        // One thread per client (concurrentPerform would run only as many as there are CPUs); each connects
        // first and then waits at the gate, so the 32 requests leave together.
        let gate = DispatchSemaphore(value: 0)
        let connected = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for index in 0..<32 {
            done.enter()
            Thread.detachNewThread {
                let client = HTTPConnection(port: port)
                defer { client.close(); done.leave() }
                _ = try? client.send("GET", "/")
                connected.signal()
                gate.wait()
                let reply = try? client.send("POST", "/subjects/raced/versions", json: schemaBody(schema))
                let id = reply?.status == 200 ? reply?.json["id"]?.int : nil
                ids.withLock { $0[index] = id }
            }
        }
        for _ in 0..<32 { connected.wait() }
        for _ in 0..<32 { gate.signal() }
        #expect(done.wait(timeout: .now() + 30) == .success)
        let all = ids.withLock { Array($0.values) }
        #expect(all.count == 32)
        #expect(Set(all.compactMap { $0 }).count == 1)
        #expect(all.allSatisfy { $0 != nil })
        #expect(try h.get("/subjects/raced/versions").json.ints == [1])
    }

    @Test("parallel readers and writers on distinct subjects all succeed")
    func mixedLoad() throws {
        let h = try Harness()
        let succeeded = Locked<[Int: Bool]>([:])
        let port = h.server.port
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            let client = HTTPConnection(port: port)
            defer { client.close() }
            for round in 0..<5 {
                let subject = "load-\(index)"
                let field = #"{"name":"f\#(round)","type":"int","default":\#(round)}"#
                let schema = recordSchema("Load", fields: [nameField] + (round == 0 ? [] : [field]))
                let registered = try? client.send("POST", "/subjects/\(subject)/versions", json: schemaBody(schema))
                let latest = try? client.send("GET", "/subjects/\(subject)/versions/latest")
                let ok = registered?.status == 200 && latest?.json["version"]?.int == round + 1
                succeeded.withLock { $0[index * 10 + round] = ok }
            }
        }
        #expect(succeeded.withLock { $0.count == 80 && $0.values.allSatisfy { $0 } })
    }
}

