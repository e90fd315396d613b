import Foundation
import RegistryCore
import Synchronization
import Testing

/// Writes that arrive while a commit is in progress are committed together in the next transaction,
/// answered only after it, and invisible to readers until then.
@Suite struct GroupCommitTests {
    @Test func writesQueuedDuringACommitShareOneTransaction() throws {
        let store = GatedStore()
        let registry = try Registry(store: store)
        let first = Thread { _ = try? registry.register(subject: "chain", request(userV1), normalize: false) }
        store.holdNextCommit()
        first.start()
        store.waitUntilHeld()

        let writers = 15
        let results = Mutex<[Result<RegisteredVersion, RegistryError>]>([])
        let started = Mutex(0)
        let done = DispatchGroup()
        for index in 0..<writers {
            done.enter()
            Thread {
                started.withLock { $0 += 1 }
                // Each adds a different optional field: compatible with any other as the latest.
                let schema = record("User", #"{"name":"id","type":"long"}"#, #"{"name":"f\#(index)","type":["null","int"],"default":null}"#)
                let result = Result { () throws(RegistryError) -> RegisteredVersion in
                    try registry.register(subject: "chain", request(schema), normalize: false)
                }
                results.withLock { $0.append(result) }
                done.leave()
            }.start()
        }
        while started.withLock({ $0 }) < writers { Thread.sleep(forTimeInterval: 0.01) }
        Thread.sleep(forTimeInterval: 0.2)
        store.release()
        done.wait()

        let registered = try results.withLock { try $0.map { try $0.get() } }
        #expect(Set(registered.map(\.version)) == Set(2...(writers + 1)))
        #expect(Set(registered.map(\.schema.id)).count == writers)
        #expect(try registry.versions(subject: "chain", includeDeleted: true, deletedOnly: false) == Array(1...(writers + 1)))
        let transactions = store.transactions
        #expect(transactions.count < writers + 1, "every registration had a transaction of its own")
        #expect(transactions.map(\.count).max()! > 2, "no transaction held more than one registration")
        #expect(transactions.joined().count == 2 * (writers + 1))
    }

    @Test func readersDoNotSeeAWriteBeforeItIsCommitted() throws {
        let store = GatedStore()
        let registry = try Registry(store: store)
        let registered = Mutex<RegisteredVersion?>(nil)
        let done = DispatchSemaphore(value: 0)
        store.holdNextCommit()
        Thread {
            let result = try? registry.register(subject: "s", request(userV1), normalize: false)
            registered.withLock { $0 = result }
            done.signal()
        }.start()
        store.waitUntilHeld()

        #expect(registry.subjects(prefix: ":*:", includeDeleted: true, deletedOnly: false).isEmpty)
        expectError(40403) { try registry.schema(id: 1) }
        #expect(registry.maxSchemaId() == 0)
        #expect(registered.withLock { $0 } == nil)

        store.release()
        done.wait()
        #expect(registered.withLock { $0 }?.schema.id == 1)
        #expect(registry.subjects(prefix: ":*:", includeDeleted: false, deletedOnly: false) == ["s"])
        #expect(try registry.schema(id: 1).id == 1)
    }

    @Test func aWriteTheStoreRefusesFailsAloneAndOthersInItsBatchCommit() throws {
        let store = GatedStore(refusing: "poison")
        let registry = try Registry(store: store)
        store.holdNextCommit()
        let first = Thread { _ = try? registry.register(subject: "first", request(userV1), normalize: false) }
        first.start()
        store.waitUntilHeld()

        let subjects = ["good-1", "poison", "good-2"]
        let results = Mutex<[String: Result<RegisteredVersion, RegistryError>]>([:])
        let done = DispatchGroup()
        for (index, subject) in subjects.enumerated() {
            done.enter()
            Thread {
                let schema = record("R\(index)", #"{"name":"x","type":"int"}"#)
                let result = Result { () throws(RegistryError) -> RegisteredVersion in
                    try registry.register(subject: subject, request(schema), normalize: false)
                }
                results.withLock { $0[subject] = result }
                done.leave()
            }.start()
        }
        Thread.sleep(forTimeInterval: 0.2)
        store.release()
        done.wait()

        let outcome = results.withLock { $0 }
        let poisonError: RegistryError?
        if case .failure(let error) = outcome["poison"] { poisonError = error } else { poisonError = nil }
        #expect(poisonError?.code == 50001)
        let good = try ["good-1", "good-2"].map { try outcome[$0]!.get() }
        #expect(Set(good.map(\.schema.id)).count == 2)
        #expect(registry.subjects(prefix: ":*:", includeDeleted: true, deletedOnly: false) == ["first", "good-1", "good-2"])
        // What the registry serves is exactly what the store holds.
        let storedIds = Set(store.transactions.joined().compactMap { change -> Int? in
            if case .insertSchema(let schema) = change { return schema.id }
            return nil
        })
        #expect(storedIds == Set(good.map(\.schema.id) + [1]))
        for id in storedIds { #expect(try registry.schema(id: id).id == id) }
        #expect(registry.maxSchemaId() == storedIds.max())
    }
}

/// A store in memory that can hold a commit until released, and refuses every transaction that
/// touches one subject, as a store with a damaged page might.
final class GatedStore: RegistryStore {
    private let refusedSubject: String?
    private let committed = Mutex<[[StoreChange]]>([])
    private let holding = Mutex(false)
    private let held = DispatchSemaphore(value: 0)
    private let gate = DispatchSemaphore(value: 0)

    init(refusing subject: String? = nil) {
        refusedSubject = subject
    }

    /// The changes of each committed transaction, in order.
    var transactions: [[StoreChange]] { committed.withLock { $0 } }

    func holdNextCommit() { holding.withLock { $0 = true } }
    func waitUntilHeld() { held.wait() }
    func release() { gate.signal() }

    func loadAll() throws(RegistryError) -> StoreContents { StoreContents() }

    func apply(_ changes: [StoreChange]) throws(RegistryError) {
        if holding.withLock({ hold in defer { hold = false }; return hold }) {
            held.signal()
            gate.wait()
        }
        let refused = changes.contains { change in
            if case .insertVersion(let version) = change { return version.subject == refusedSubject }
            return false
        }
        if refused { throw .storeFailure("database disk image is malformed") }
        committed.withLock { $0.append(changes) }
    }
}
