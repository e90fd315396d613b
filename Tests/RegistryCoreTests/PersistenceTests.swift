import Avro
import Foundation
import RegistryCore
import RegistrySQLite
import Testing
import RegistryModel

@Suite struct PersistenceTests {
    @Test func everythingSurvivesARestart() throws {
        let database = TempDatabase()
        defer { database.remove() }
        do {
            let registry = try database.open()
            _ = try registry.register(subject: "s", request(userV1, metadata: ["properties": ["owner": "me"]]), normalize: false)
            _ = try registry.register(subject: "s", request(userV2), normalize: false)
            _ = try registry.deleteVersion(subject: "s", .number(1), permanent: false)
            _ = try registry.setConfig(subject: "s", CompatibilityConfig(compatibilityLevel: .full, normalize: true))
            _ = try registry.setConfig(subject: nil, CompatibilityConfig(compatibilityLevel: .forwardTransitive))
            _ = try registry.setMode(subject: "s", .readOnly, force: false)
            // WAL mode: the log sits next to the database while it is open.
            #expect(FileManager.default.fileExists(atPath: database.path + "-wal"))
        }
        let reopened = try database.open()
        #expect(try reopened.versions(subject: "s", includeDeleted: true, deletedOnly: false) == [1, 2])
        #expect(try reopened.versions(subject: "s", includeDeleted: false, deletedOnly: false) == [2])
        #expect(try reopened.schema(id: 1).metadata == ["properties": ["owner": "me"]])
        #expect(try reopened.config(subject: "s", defaultToGlobal: false) == CompatibilityConfig(compatibilityLevel: .full, normalize: true))
        #expect(try reopened.config(subject: nil, defaultToGlobal: false).compatibilityLevel == .forwardTransitive)
        #expect(try reopened.mode(subject: "s", defaultToGlobal: false) == .readOnly)
        #expect(try reopened.lookUp(subject: "s", request(userV2), normalize: false, includeDeleted: false).version == 2)
        #expect(try reopened.schema(guid: reopened.schema(id: 2).guid).id == 2)
    }

    // Ids after a hard delete and a failed transaction: BackendTests, on every backend.

    @Test func unusableDatabaseFileIsAClearStoreError() throws {
        let database = TempDatabase()
        defer { database.remove() }
        try FileManager.default.createDirectory(atPath: database.path, withIntermediateDirectories: true)
        let error = registryError { try SQLiteRegistryStore(path: database.path) }
        #expect(error?.code == 50001)
        #expect(error?.message.contains(database.path) == true)
    }

    @Test func opensManySchemasWithoutParsingThem() throws {
        let database = TempDatabase()
        defer { database.remove() }
        let count = 20_000
        let store = try SQLiteRegistryStore(path: database.path)
        var changes: [StoreChange] = []
        for id in 1...count {
            let text = #"{"type":"record","name":"R\#(id)","fields":[{"name":"f","type":"long"}]}"#
            changes.append(.insertSchema(StoredSchema(id: id, guid: "guid-\(id)", schema: text)))
            changes.append(.insertVersion(StoredVersion(subject: "subject-\(id % 100)", version: id, schemaId: id, deleted: false)))
        }
        try store.apply(changes)
        let registry = try Registry(store: SQLiteRegistryStore(path: database.path))
        #expect(registry.maxSchemaId() == count)
        #expect(try registry.schema(id: 12_345).schema.contains("R12345"))
        #expect(registry.subjects(prefix: ":*:", includeDeleted: false, deletedOnly: false).count == 100)
        #expect(try registry.versions(subject: "subject-7", includeDeleted: false, deletedOnly: false).count == count / 100)
        // A new registration gets the next id, and the latest version of its subject is parsed on demand.
        let next = try registry.register(subject: "subject-0", request(#"{"type":"record","name":"R20000","fields":[{"name":"f","type":"long"},{"name":"g","type":"int","default":0}]}"#), normalize: false)
        #expect(next.schema.id == count + 1 && next.version == count + 1)
    }
}
