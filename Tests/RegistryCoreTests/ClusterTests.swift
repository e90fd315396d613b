import Avro
import Foundation
import RegistryCore
import RegistryModel
import RegistryPostgres
import Synchronization
import Testing
import TestSupport

/// Several registry nodes in one process, each with its own store (its own connections) on one PostgreSQL database:
/// the rules of one node must hold across them.
@Suite("Nodes sharing one PostgreSQL database")
struct ClusterTests {
    /// `count` nodes on a new database.
    private func nodes(_ count: Int) throws -> [Registry] {
        let uri = try TestPostgres.shared().createDatabase()
        return try (0..<count).map { _ in try Registry(store: PostgresRegistryStore(uri: uri)) }
    }

    /// Waits (at most 10 s) until `condition` holds; false when it never did.
    private func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return condition()
    }

    @Test("an id given by one node is found on another at once, and registrations and checks see the other node's versions")
    func writesOfOneNodeAreCurrentOnTheOthers() throws {
        let uri = try TestPostgres.shared().createDatabase()
        let nodes = try (0..<2).map { _ in try Registry(store: PostgresRegistryStore(uri: uri)) }
        let (a, b) = (nodes[0], nodes[1])
        let first = try a.register(subject: "users", request(userV1), normalize: false)
        // Read through: B has not been told yet, or has; either way the id answers.
        #expect(try b.schema(id: first.schema.id).schema == first.schema.schema)
        let third = try Registry(store: PostgresRegistryStore(uri: uri))
        let next = try a.register(subject: "others", request(userV2), normalize: false)
        #expect(try third.locateSchema(id: next.schema.id, subject: "others").holder == SubjectVersion(subject: "others", version: 1))
        #expect(try nodes[1].subjectVersions(forSchema: ContextId(id: next.schema.id), includeDeleted: false) == [SubjectVersion(subject: "others", version: 1)])
        expectError(40403) { try b.schema(id: next.schema.id + 1) }
        // B's compatibility check and registration see A's version 1 (BACKWARD by default).
        #expect(try b.checkCompatibility(subject: "users", version: nil, request(userBreaking), normalize: false, verbose: false).isCompatible == false)
        expectError(40901) { try b.register(subject: "users", request(userBreaking), normalize: false) }
        let second = try b.register(subject: "users", request(userV2), normalize: false)
        #expect(second.version == 2 && second.schema.id == next.schema.id)
        // The same schema on A is the version B registered.
        let again = try a.register(subject: "users", request(userV2), normalize: false)
        #expect(again.version == 2 && again.schema.id == second.schema.id)
    }

    @Test("other nodes show subjects, versions, config, mode and deletes after a short while, without being asked")
    func changesReachTheOtherNodes() throws {
        let nodes = try nodes(3)
        _ = try nodes[0].register(subject: "orders", request(userV1), normalize: false)
        _ = try nodes[1].setConfig(subject: "orders", CompatibilityConfig(compatibilityLevel: CompatibilityLevel.none))
        _ = try nodes[2].setMode(subject: "frozen", .readOnly, force: false)
        _ = try nodes[0].register(subject: "gone", request(userV1), normalize: false)
        _ = try nodes[1].deleteSubject("gone", permanent: false)
        for node in nodes {
            #expect(eventually { (try? node.versions(subject: "orders", includeDeleted: false, deletedOnly: false)) == [1] })
            #expect(eventually { (try? node.config(subject: "orders", defaultToGlobal: false))?.compatibilityLevel == CompatibilityLevel.none })
            #expect(eventually { (try? node.mode(subject: "frozen", defaultToGlobal: false)) == .readOnly })
            #expect(eventually { node.subjects(prefix: "", includeDeleted: false, deletedOnly: false) == ["orders"] })
        }
        // The read-only mode set on node 2 holds on node 0.
        expectError(42205) { try nodes[0].register(subject: "frozen", request(userV1), normalize: false) }
    }

    @Test("concurrent registrations on three nodes: one id per schema, consecutive versions, no id for two schemas")
    func concurrentRegistrationsKeepTheRules() throws {
        let nodes = try nodes(3)
        for node in nodes { _ = try node.setConfig(subject: nil, CompatibilityConfig(compatibilityLevel: CompatibilityLevel.none)) }
        let results = Mutex<[RegisteredVersion]>([])
        let failures = Mutex<[String]>([])
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        let threadsPerNode = 4, schemasPerThread = 10
        for (n, node) in nodes.enumerated() {
            for t in 0..<threadsPerNode {
                done.enter()
                Thread {
                    start.wait()
                    for i in 0..<schemasPerThread {
                        // Every thread registers the shared schemas 0..<schemasPerThread (same content on every node)
                        // into one subject, and schemas of its own into another, all of them racing.
                        let shared = record("Shared", #"{"name":"f\#(i)","type":"int"}"#)
                        let own = record("Own", #"{"name":"n\#(n)t\#(t)i\#(i)","type":"int"}"#)
                        for (subject, schema) in [("shared", shared), ("race", own), ("other-\(t)", shared)] {
                            do {
                                let registered = try node.register(subject: subject, request(schema), normalize: false)
                                results.withLock { $0.append(registered) }
                            } catch {
                                failures.withLock { $0.append("\(error)") }
                            }
                        }
                    }
                    done.leave()
                }.start()
            }
        }
        for _ in 0..<(nodes.count * threadsPerNode) { start.signal() }
        done.wait()
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 }.prefix(3))")
        let registered = results.withLock { $0 }
        // One id per schema text, and one schema per id, across every node's answers.
        var idsByText: [String: Set<Int>] = [:]
        var textsById: [Int: Set<String>] = [:]
        for version in registered {
            idsByText[version.schema.schema, default: []].insert(version.schema.id)
            textsById[version.schema.id, default: []].insert(version.schema.schema)
        }
        #expect(idsByText.values.allSatisfy { $0.count == 1 })
        #expect(textsById.values.allSatisfy { $0.count == 1 })
        // Versions are 1...n without gaps or repeats, and every node agrees on them.
        let ownCount = nodes.count * threadsPerNode * schemasPerThread
        for node in nodes {
            try node.catchUp()
            #expect(try node.versions(subject: "race", includeDeleted: true, deletedOnly: false) == Array(1...ownCount))
            #expect(try node.versions(subject: "shared", includeDeleted: true, deletedOnly: false) == Array(1...schemasPerThread))
            for (subject, version) in registered.map({ ($0.subject, $0.version) }) {
                let answered = registered.first { $0.subject == subject && $0.version == version }!
                #expect(try node.version(subject: subject, .number(version), includeDeleted: true).schema.id == answered.schema.id)
            }
        }
        // Ids are consecutive too: the shared schemas plus every thread's own.
        #expect(nodes[0].maxSchemaId() == schemasPerThread + ownCount)
    }

    @Test("IMPORT mode set on one node lets another register with ids; a taken id with other content is refused everywhere")
    func importModeAcrossNodes() throws {
        let nodes = try nodes(2)
        _ = try nodes[0].setMode(subject: nil, .import, force: false)
        var imported = request(userV1)
        imported.id = 40
        imported.version = 3
        let registered = try nodes[1].register(subject: "moved", imported, normalize: false)
        #expect(registered.schema.id == 40 && registered.version == 3)
        var clash = request(userV2)
        clash.id = 40
        expectError(42205) { try nodes[0].register(subject: "other", clash, normalize: false) }
        _ = try nodes[0].setMode(subject: nil, .readWrite, force: false)
        // New ids continue above the imported one on either node.
        #expect(try nodes[1].register(subject: "fresh", request(userV2), normalize: false).schema.id == 41)
    }

    @Test("a node whose missed log entries were pruned reloads everything instead")
    func prunedLogMeansReload() throws {
        let cluster = try TestPostgres.shared()
        let uri = try cluster.createDatabase()
        let store = try PostgresRegistryStore(uri: uri)
        let registry = try Registry(store: store)
        for i in 0..<3 { _ = try registry.register(subject: "s\(i)", request(userV1), normalize: false) }
        guard case .changes(let changes, let position) = try store.changes(after: .start) else {
            Issue.record("expected the log's entries")
            return
        }
        #expect(position.number == 3 && changes.count == 4)  // one schema, three versions, in three entries
        try cluster.psql("DELETE FROM changes WHERE seq < 3", database: String(uri.split(separator: "/").last!))
        guard case .reload(let contents, let reloadedAt) = try store.changes(after: .start) else {
            Issue.record("expected a reload")
            return
        }
        #expect(reloadedAt == position && contents.versions.count == 3)
        // Entry 2 is gone, so its token cannot be checked; entry 3 follows it.
        guard case .changes(let rest, _) = try store.changes(after: ChangePosition(number: 2, token: "pruned")) else {
            Issue.record("entry 3 is still there")
            return
        }
        #expect(rest == [.insertVersion(StoredVersion(subject: "s2", version: 1, schemaId: 1, deleted: false))])
    }

    @Test("a node finding the database's log behind it (commits lost to a restore or a lagging replica) reloads from the database")
    func databaseBehindTheNodeMeansReload() throws {
        let cluster = try TestPostgres.shared()
        let uri = try cluster.createDatabase()
        let registry = try Registry(store: PostgresRegistryStore(uri: uri))
        for i in 0..<3 { _ = try registry.register(subject: "s\(i)", request(userV1), normalize: false) }
        // The database as it was after the first commit.
        try cluster.psql(
            "DELETE FROM versions WHERE subject <> 's0'; DELETE FROM changes WHERE seq > 1",
            database: String(uri.split(separator: "/").last!))
        try registry.catchUp()
        #expect(registry.subjects(prefix: "", includeDeleted: true, deletedOnly: false) == ["s0"])
        // And goes on from there: the next version is the database's next.
        #expect(try registry.register(subject: "s1", request(userV1), normalize: false).version == 1)
    }

    @Test("a database that lost entries and wrote others under the same numbers is told apart by their tokens")
    func replacedEntriesMeanReload() throws {
        let cluster = try TestPostgres.shared()
        let uri = try cluster.createDatabase()
        let store = try PostgresRegistryStore(uri: uri)
        let writer = try Registry(store: store)
        for i in 0..<3 { _ = try writer.register(subject: "s\(i)", request(userV1), normalize: false) }
        let (_, seen) = try store.loadAllWithPosition()
        #expect(seen.number == 3)
        // The database goes back to its first entry, then another node writes entries 2 and 3 again.
        try cluster.psql(
            "DELETE FROM versions WHERE subject <> 's0'; DELETE FROM changes WHERE seq > 1",
            database: String(uri.split(separator: "/").last!))
        let other = try Registry(store: PostgresRegistryStore(uri: uri))
        for i in 0..<2 { _ = try other.register(subject: "t\(i)", request(userV1), normalize: false) }
        guard case .reload(let contents, let position) = try store.changes(after: seen) else {
            Issue.record("expected a reload: entry 3 is not the one the node saw")
            return
        }
        #expect(position.number == 3 && position != seen)
        #expect(Set(contents.versions.map(\.subject)) == ["s0", "t0", "t1"])
    }
}
