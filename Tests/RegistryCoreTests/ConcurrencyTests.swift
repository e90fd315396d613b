import Foundation
import RegistryCore
import Synchronization
import Testing

@Suite struct ConcurrencyTests {
    @Test func thirtyTwoThreadsRegisteringTheSameSchemaGetOneIdAndOneVersion() throws {
        try withRegistry { registry, _ in
            _ = try registry.register(subject: "warm", request(userV1), normalize: false)
            let schema = record("Concurrent", #"{"name":"x","type":"int"}"#)
            let results = Mutex<[Result<RegisteredVersion, RegistryError>]>([])
            let threads = 32
            let start = DispatchSemaphore(value: 0)
            let done = DispatchGroup()
            for _ in 0..<threads {
                done.enter()
                Thread {
                    start.wait()
                    let result = Result { () throws(RegistryError) -> RegisteredVersion in
                        try registry.register(subject: "race", request(schema), normalize: false)
                    }
                    results.withLock { $0.append(result) }
                    done.leave()
                }.start()
            }
            for _ in 0..<threads { start.signal() }
            done.wait()
            let versions = try results.withLock { try $0.map { try $0.get() } }
            #expect(versions.count == threads)
            #expect(Set(versions.map(\.schema.id)) == [2])
            #expect(Set(versions.map(\.version)) == [1])
            #expect(try registry.versions(subject: "race", includeDeleted: true, deletedOnly: false) == [1])
            #expect(registry.maxSchemaId() == 2)
        }
    }

    @Test func concurrentReadersSeeSchemasWhileWritersRegister() throws {
        try withRegistry { registry, _ in
            let first = try registry.register(subject: "s", request(userV1), normalize: false)
            let failures = Mutex(0)
            let done = DispatchGroup()
            for writer in 0..<4 {
                done.enter()
                Thread {
                    for index in 0..<10 {
                        let schema = record("W\(writer)_\(index)", #"{"name":"x","type":"int"}"#)
                        if (try? registry.register(subject: "w\(writer)-\(index)", request(schema), normalize: false)) == nil {
                            failures.withLock { $0 += 1 }
                        }
                    }
                    done.leave()
                }.start()
            }
            for _ in 0..<4 {
                done.enter()
                Thread {
                    for _ in 0..<2_000 where (try? registry.schema(id: first.schema.id)) == nil {
                        failures.withLock { $0 += 1 }
                    }
                    done.leave()
                }.start()
            }
            done.wait()
            #expect(failures.withLock { $0 } == 0)
            #expect(registry.maxSchemaId() == 41)
        }
    }
}
