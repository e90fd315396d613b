import Avro
import Foundation
import JSON
import RegistryCore
import RegistryModel
import Testing

/// What every store must do, run against SQLite and PostgreSQL alike: the registry's state survives a restart
/// whole, a failed transaction stores nothing, ids are never given twice, each context counts on its own.
@Suite struct BackendTests {
    @Test(arguments: Backend.allCases) func everythingSurvivesARestart(_ backend: Backend) throws {
        let database = try BackendDatabase(backend)
        defer { database.remove() }
        let doc = "Ünïcode ✓ \u{1F600}"
        let rules: JSONValue = ["domainRules": [["name": "r", "kind": "CONDITION"]]]
        let documented = record("Doc", #"{"name":"id","type":"long","doc":"\#(doc)"}"#)
        do {
            let registry = try database.open()
            _ = try registry.register(subject: "s", request(userV1, metadata: ["properties": ["owner": "me"]]), normalize: false)
            _ = try registry.register(subject: "s", request(userV2, ruleSet: rules), normalize: false)
            _ = try registry.deleteVersion(subject: "s", .number(1), permanent: false)
            _ = try registry.register(subject: "docs", request(documented), normalize: false)
            _ = try registry.setConfig(subject: "s", CompatibilityConfig(compatibilityLevel: .full, normalize: true))
            _ = try registry.setConfig(subject: "docs", CompatibilityConfig(compatibilityLevel: .forward))
            _ = try registry.deleteConfig(subject: "docs")
            _ = try registry.setConfig(subject: nil, CompatibilityConfig(compatibilityLevel: .forwardTransitive))
            _ = try registry.setMode(subject: "s", .readOnly, force: false)
            _ = try registry.setMode(subject: nil, .readWrite, force: false)
        }
        let reopened = try database.open()
        #expect(try reopened.versions(subject: "s", includeDeleted: true, deletedOnly: false) == [1, 2])
        #expect(try reopened.versions(subject: "s", includeDeleted: false, deletedOnly: false) == [2])
        #expect(try reopened.schema(id: 1).metadata == ["properties": ["owner": "me"]])
        #expect(try reopened.schema(id: 2).ruleSet == rules)
        #expect(try reopened.schema(id: 3).schema.contains(doc))
        #expect(try reopened.config(subject: "s", defaultToGlobal: false) == CompatibilityConfig(compatibilityLevel: .full, normalize: true))
        expectError(40408) { try reopened.config(subject: "docs", defaultToGlobal: false) }
        #expect(try reopened.config(subject: nil, defaultToGlobal: false).compatibilityLevel == .forwardTransitive)
        #expect(try reopened.mode(subject: "s", defaultToGlobal: false) == .readOnly)
        #expect(try reopened.mode(subject: nil, defaultToGlobal: false) == .readWrite)
        #expect(try reopened.lookUp(subject: "s", request(userV2, ruleSet: rules), normalize: false, includeDeleted: false).version == 2)
        #expect(try reopened.schema(guid: reopened.schema(id: 2).guid).id == 2)
        // The subject's read-only mode came back too: writes to it are refused.
        expectError(42205) { try reopened.register(subject: "s", request(userV1), normalize: false) }
    }

    @Test(arguments: Backend.allCases) func referencesSurviveARestart(_ backend: Backend) throws {
        let database = try BackendDatabase(backend)
        defer { database.remove() }
        let address = #"{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}"#
        let person = #"{"type":"record","name":"Person","fields":[{"name":"home","type":"Address"}]}"#
        let reference = SchemaReference(name: "Address", subject: "address", version: 1)
        do {
            let registry = try database.open()
            _ = try registry.register(subject: "address", request(address), normalize: false)
            _ = try registry.register(subject: "person", request(person, references: [reference]), normalize: false)
        }
        let reopened = try database.open()
        #expect(try reopened.schema(id: 2).references == [reference])
        #expect(try reopened.referencedBy(subject: "address", .number(1)) == [2])
        expectError(42206) { try reopened.deleteSubject("address", permanent: false) }
        // The referring schema is parsed again from what was stored, with its reference.
        let compatible = try reopened.checkCompatibility(
            subject: "person", version: nil, request(person, references: [reference]), normalize: false, verbose: false)
        #expect(compatible.isCompatible)
    }

    @Test(arguments: Backend.allCases) func aFailedTransactionStoresNothing(_ backend: Backend) throws {
        let database = try BackendDatabase(backend)
        defer { database.remove() }
        let store = try database.store()
        let schema = StoredSchema(id: 1, guid: "g1", schema: #""string""#)
        try store.apply([.insertSchema(schema), .insertVersion(StoredVersion(subject: "s", version: 1, schemaId: 1, deleted: false))])
        let failure = registryError {
            try store.apply([
                .insertSchema(StoredSchema(id: 2, guid: "g2", schema: #""int""#)),
                .insertVersion(StoredVersion(subject: "s", version: 2, schemaId: 2, deleted: false)),
                .setConfig(subject: nil, CompatibilityConfig(compatibilityLevel: .full)),
                // The same version twice violates the primary key: the whole request must roll back.
                .insertVersion(StoredVersion(subject: "s", version: 2, schemaId: 2, deleted: false)),
            ])
        }
        #expect(failure?.code == 50001 && failure?.httpStatus == 500)
        #expect(failure?.storage?.kind == .constraint)
        #expect(failure?.storage?.statement?.contains("INSERT INTO versions") == true)
        // Each backend's own words for it.
        #expect(failure?.message.contains(backend == .sqlite ? "UNIQUE" : "duplicate key") == true, "\(failure?.message ?? "")")
        // The store is still usable, and holds the first transaction only.
        let contents = try store.loadAll()
        #expect(contents.schemas.map(\.id) == [1])
        #expect(contents.versions.map(\.version) == [1])
        #expect(contents.configs.isEmpty)
        #expect(contents.maxSchemaIds == [".": 1])
        try store.apply([.insertVersion(StoredVersion(subject: "s", version: 2, schemaId: 1, deleted: false))])
        #expect(try store.loadAll().versions.map(\.version).sorted() == [1, 2])
    }

    @Test(arguments: Backend.allCases) func idsAreNeverReusedAfterHardDeleteAndRestart(_ backend: Backend) throws {
        let database = try BackendDatabase(backend)
        defer { database.remove() }
        do {
            let registry = try database.open()
            _ = try registry.register(subject: "a", request(userV1), normalize: false)
            _ = try registry.register(subject: "b", request(userV2), normalize: false)
            _ = try registry.deleteSubject("b", permanent: false)
            _ = try registry.deleteSubject("b", permanent: true)
            expectError(40403) { try registry.schema(id: 2) }
        }
        let reopened = try database.open()
        #expect(reopened.maxSchemaId() == 2)
        expectError(40403) { try reopened.schema(id: 2) }
        // The hard-deleted content comes back under a new id.
        let again = try reopened.register(subject: "b", request(userV2), normalize: false)
        #expect(again.schema.id == 3 && again.version == 1)
    }

    @Test(arguments: Backend.allCases) func importedIdsRaiseTheCounter(_ backend: Backend) throws {
        let database = try BackendDatabase(backend)
        defer { database.remove() }
        do {
            let registry = try database.open()
            _ = try registry.setMode(subject: nil, .import, force: true)
            var imported = request(userV1)
            imported.id = 100
            imported.version = 7
            let registered = try registry.register(subject: "imported", imported, normalize: false)
            #expect(registered.schema.id == 100 && registered.version == 7)
            _ = try registry.setMode(subject: nil, .readWrite, force: false)
        }
        let reopened = try database.open()
        #expect(reopened.maxSchemaId() == 100)
        #expect(try reopened.register(subject: "next", request(userV2), normalize: false).schema.id == 101)
    }

    @Test(arguments: Backend.allCases) func idsArePerContextAndContextsAreForgotten(_ backend: Backend) throws {
        let database = try BackendDatabase(backend)
        defer { database.remove() }
        do {
            let registry = try database.open()
            let plain = try registry.register(subject: "orders", request(userV1), normalize: false)
            let team = try registry.register(subject: ":.team-a:orders", request(userV2), normalize: false)
            let teamAgain = try registry.register(subject: ":.team-a:payments", request(userV1), normalize: false)
            #expect(plain.schema.id == 1 && team.schema.id == 1 && teamAgain.schema.id == 2)
            _ = try registry.register(subject: ":.gone:s", request(userV1), normalize: false)
            _ = try registry.deleteSubject(":.gone:s", permanent: false)
            _ = try registry.deleteSubject(":.gone:s", permanent: true)
        }
        do {
            let reopened = try database.open()
            #expect(try reopened.schema(id: 2, context: ".team-a").guid == reopened.schema(id: 1).guid)
            #expect(reopened.maxSchemaId() == 1 && reopened.maxSchemaId(in: ".team-a") == 2)
            // A context whose subjects are all gone keeps its counter until the context itself is deleted.
            #expect(reopened.maxSchemaId(in: ".gone") == 1)
            try reopened.deleteContext(".gone")
        }
        let again = try database.open()
        #expect(again.contexts().contains(".team-a") && !again.contexts().contains(".gone"))
        #expect(try again.register(subject: ":.team-a:more", request(userBreaking), normalize: false).schema.id == 3)
    }

    @Test(arguments: Backend.allCases) func theHealthProbeCommits(_ backend: Backend) throws {
        let database = try BackendDatabase(backend)
        defer { database.remove() }
        try StoreHealthProbe(store: database.store()).check()
    }

    @Test(arguments: Backend.allCases) func opensManySchemas(_ backend: Backend) throws {
        let database = try BackendDatabase(backend)
        defer { database.remove() }
        let count = 3_000
        var changes: [StoreChange] = []
        for id in 1...count {
            let text = #"{"type":"record","name":"R\#(id)","fields":[{"name":"f","type":"long"}]}"#
            changes.append(.insertSchema(StoredSchema(id: id, guid: "guid-\(id)", schema: text)))
            changes.append(.insertVersion(StoredVersion(subject: "subject-\(id % 10)", version: id, schemaId: id, deleted: false)))
        }
        try database.store().apply(changes)
        let registry = try database.open()
        #expect(registry.maxSchemaId() == count)
        #expect(try registry.schema(id: 1_234).schema.contains("R1234"))
        #expect(registry.subjects(prefix: ":*:", includeDeleted: false, deletedOnly: false).count == 10)
        #expect(try registry.versions(subject: "subject-7", includeDeleted: false, deletedOnly: false).count == count / 10)
    }
}
