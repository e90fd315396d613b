import Foundation
import JSON
import Synchronization
import TestSupport
import Testing

/// Registry nodes as real processes on one PostgreSQL database, under load, with faults: a node killed, the database
/// shut down at once and started again.
@Suite("A cluster of schema-registry serve processes on PostgreSQL", .serialized)
struct ClusterServeTests {
    @Test("kill -9 of one of three nodes under concurrent registrations loses nothing acknowledged")
    func killedNodeLosesNothing() throws {
        let uri = try TestPostgres.shared().createDatabase()
        let nodes = try (0..<3).map { _ in try TestServer.start(dbPath: uri) }
        #expect(try HTTPConnection(port: nodes[0].port).send("PUT", "/config", json: ["compatibility": "NONE"]).status == 200)
        let load = RegistrationLoad(ports: nodes.map(\.port), threads: 6)
        load.start()
        load.waitForAcknowledged(60)
        nodes[2].kill()
        let killedAt = load.acknowledged.count
        load.waitForAcknowledged(killedAt + 60)
        load.stop()
        #expect(load.unexpected.isEmpty, "\(load.unexpected.prefix(5))")
        try load.verify(on: [nodes[0].port, nodes[1].port])
        // A node started afterwards on the same database knows everything too.
        let late = try TestServer.start(dbPath: uri)
        try load.verify(on: [late.port])
    }

    @Test("PostgreSQL shut down at once and restarted under load: 5xx answers in bounded time, health follows, nodes recover")
    func databaseOutageUnderLoad() throws {
        // Acknowledged means durable only with PostgreSQL's own durability on.
        let cluster = try TestPostgres.start(durable: true)
        defer { cluster.remove() }
        let uri = try cluster.createDatabase()
        let nodes = try (0..<2).map { _ in try TestServer.start(dbPath: uri) }
        #expect(try HTTPConnection(port: nodes[0].port).send("PUT", "/config", json: ["compatibility": "NONE"]).status == 200)
        let load = RegistrationLoad(ports: nodes.map(\.port), threads: 4)
        load.start()
        load.waitForAcknowledged(40)

        try cluster.stopServer(immediately: true)
        // Every answer while it is down is a Confluent-shaped 5xx; none waits past the client's 15 s.
        for node in nodes {
            let health = try HTTPConnection(port: node.port).send("GET", "/health")
            #expect(health.status == 503 && health.json["status"]?.stringValue == "DOWN", "\(health.text)")
        }
        let failuresBefore = load.serverErrors.count
        Thread.sleep(forTimeInterval: 1.5)
        #expect(load.serverErrors.count > failuresBefore, "writes during the outage must fail with 5xx")

        try cluster.startServer()
        for node in nodes {
            let deadline = Date().addingTimeInterval(30)
            var status = 0
            while Date() < deadline {
                status = (try? HTTPConnection(port: node.port).send("GET", "/health").status) ?? 0
                if status == 200 { break }
                Thread.sleep(forTimeInterval: 0.1)
            }
            #expect(status == 200, "the node did not report its database up again")
        }
        let recoveredAt = load.acknowledged.count
        load.waitForAcknowledged(recoveredAt + 40)
        load.stop()
        #expect(load.unexpected.isEmpty, "\(load.unexpected.prefix(5))")
        #expect(load.serverErrors.allSatisfy { $0.status >= 500 && $0.errorCode.map { $0 >= 50001 && $0 <= 50003 } == true },
                "\(load.serverErrors.prefix(3))")
        #expect(load.slowestAnswer < 15, "an answer took \(load.slowestAnswer) s")
        for node in nodes { #expect(node.isRunning) }
        try load.verify(on: nodes.map(\.port))
    }

    @Test("confluent-kafka-python with two node URLs keeps registering and reading after the first node is killed")
    func pythonClientFailsOver() throws {
        let uri = try TestPostgres.shared().createDatabase()
        let nodes = try (0..<2).map { _ in try TestServer.start(dbPath: uri) }
        #expect(try HTTPConnection(port: nodes[0].port).send("PUT", "/config", json: ["compatibility": "NONE"]).status == 200)
        let script = repositoryRoot.appendingPathComponent("scripts/interop/confluent_failover.py").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, nodes.map(\.url.absoluteString).joined(separator: ",")]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        // Gathered as it comes rather than read to the end: a server another test starts meanwhile may inherit the
        // pipes' write ends, and the end of file would then wait for that server.
        let out = CollectedText(output.fileHandleForReading), err = CollectedText(errors.fileHandleForReading)
        try process.run()
        #expect(out.waitFor("phase 1 done\n", seconds: 120), "stdout:\n\(out.text)\nstderr:\n\(err.text)")
        nodes[0].kill()
        input.fileHandleForWriting.write(Data("go\n".utf8))
        process.waitUntilExit()
        #expect(out.waitFor("failover: all steps passed", seconds: 5), "stdout:\n\(out.text)\nstderr:\n\(err.text)")
        #expect(process.terminationStatus == 0, "stdout:\n\(out.text)\nstderr:\n\(err.text)")
    }
}

/// A pipe's text, gathered in the background.
final class CollectedText: Sendable {
    private let collected = Mutex("")

    init(_ handle: FileHandle) {
        handle.readabilityHandler = { [weak self] handle in
            guard let self else { return }
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            self.collected.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
    }

    var text: String { collected.withLock { $0 } }

    /// Whether `marker` shows up within `seconds`.
    func waitFor(_ marker: String, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if text.contains(marker) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return text.contains(marker)
    }
}

/// Threads registering new schemas through a set of nodes, each going to the next node when one does not answer,
/// as a client with several URLs does; it keeps what was acknowledged and what went wrong.
final class RegistrationLoad: @unchecked Sendable {
    struct Acknowledged: Sendable {
        let subject: String
        let version: Int
        let id: Int
        let schema: String
    }

    struct ServerError: Sendable, CustomStringConvertible {
        let status: Int
        let errorCode: Int?
        let text: String
        var description: String { "\(status) \(text)" }
    }

    let ports: [Int]
    let threads: Int
    private let state = Mutex<(acknowledged: [Acknowledged], serverErrors: [ServerError], unexpected: [String], slowest: Double)>(
        ([], [], [], 0))
    private let stopping = Atomic(false)
    private let finished = DispatchGroup()

    init(ports: [Int], threads: Int) {
        self.ports = ports
        self.threads = threads
    }

    var acknowledged: [Acknowledged] { state.withLock { $0.acknowledged } }
    var serverErrors: [ServerError] { state.withLock { $0.serverErrors } }
    /// Answers that are neither success nor a Confluent-shaped 5xx.
    var unexpected: [String] { state.withLock { $0.unexpected } }
    var slowestAnswer: Double { state.withLock { $0.slowest } }

    func start() {
        for thread in 0..<threads {
            finished.enter()
            Thread { [self] in
                run(thread)
                finished.leave()
            }.start()
        }
    }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        finished.wait()
    }

    /// Waits (at most 60 s) until `count` registrations were acknowledged.
    func waitForAcknowledged(_ count: Int) {
        let deadline = Date().addingTimeInterval(60)
        while acknowledged.count < count && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    }

    private func run(_ thread: Int) {
        var connections: [Int: HTTPConnection] = [:]
        var next = thread % ports.count
        var number = 0
        while !stopping.load(ordering: .relaxed) {
            let subject = "load-\(thread)"
            let schema = #"{"type":"record","name":"T\#(thread)","fields":[{"name":"f\#(number)","type":"int"}]}"#
            let port = ports[next]
            let connection = connections[port] ?? HTTPConnection(port: port)
            connections[port] = connection
            let started = Date()
            do {
                let reply = try connection.send("POST", "/subjects/\(subject)/versions", json: ["schema": .string(schema)])
                let elapsed = Date().timeIntervalSince(started)
                if reply.status == 200, let id = reply.json["id"]?.int {
                    // The version this id holds under the subject, read back from the same node.
                    let version = try connection.send("POST", "/subjects/\(subject)", json: ["schema": .string(schema)]).json["version"]?.int ?? 0
                    state.withLock {
                        $0.acknowledged.append(Acknowledged(subject: subject, version: version, id: id, schema: schema))
                        $0.slowest = max($0.slowest, elapsed)
                    }
                    number += 1
                } else if reply.status >= 500, reply.errorCode != nil {
                    state.withLock {
                        $0.serverErrors.append(ServerError(status: reply.status, errorCode: reply.errorCode, text: reply.text))
                        $0.slowest = max($0.slowest, elapsed)
                    }
                    Thread.sleep(forTimeInterval: 0.05)
                } else {
                    state.withLock { $0.unexpected.append("\(reply.status) \(reply.text)") }
                }
            } catch {
                // No answer: the node is gone (or restarting); the next one takes the retry.
                connections[port] = nil
                next = (next + 1) % ports.count
                Thread.sleep(forTimeInterval: 0.01)
            }
        }
    }

    /// Every acknowledged registration answers on each node with its id and version, and no id means two schemas.
    func verify(on ports: [Int]) throws {
        let acknowledged = self.acknowledged
        #expect(!acknowledged.isEmpty)
        var schemasById: [Int: Set<String>] = [:]
        for ack in acknowledged { schemasById[ack.id, default: []].insert(ack.schema) }
        #expect(schemasById.values.allSatisfy { $0.count == 1 }, "an id was acknowledged for two schemas")
        #expect(Set(acknowledged.map(\.schema)).count == acknowledged.count, "a schema was acknowledged twice")
        for port in ports {
            let connection = HTTPConnection(port: port)
            // Reads on a node show other nodes' writes within a bounded time: wait for the last ones to arrive.
            let deadline = Date().addingTimeInterval(10)
            for ack in acknowledged {
                var version = try connection.send("GET", "/subjects/\(ack.subject)/versions/\(ack.version)")
                while version.status == 404 && Date() < deadline {
                    Thread.sleep(forTimeInterval: 0.01)
                    version = try connection.send("GET", "/subjects/\(ack.subject)/versions/\(ack.version)")
                }
                #expect(version.json["id"]?.int == ack.id, "\(ack.subject) v\(ack.version) on \(port): \(version.text)")
                let byId = try connection.send("GET", "/schemas/ids/\(ack.id)")
                let stored = byId.json["schema"]?.stringValue.flatMap { try? JSONParser.parse($0) }
                #expect(stored == (try? JSONParser.parse(ack.schema)), "id \(ack.id) on \(port): \(byId.text)")
            }
        }
    }
}
