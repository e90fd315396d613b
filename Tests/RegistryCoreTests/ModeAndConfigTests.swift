import Avro
import RegistryCore
import RegistrySQLite
import Testing
import RegistryModel

@Suite struct ModeAndConfigTests {
    @Test func configFallsBackFromSubjectToGlobalToBackward() throws {
        try withRegistry { registry, _ in
            #expect(try registry.config(subject: nil, defaultToGlobal: false).compatibilityLevel == .backward)
            let missing = registryError { try registry.config(subject: "s", defaultToGlobal: false) }
            #expect(missing?.code == 40408 && missing?.message == "Subject 's' does not have subject-level compatibility configured")
            #expect(try registry.config(subject: "s", defaultToGlobal: true).compatibilityLevel == .backward)
            #expect(try registry.setConfig(subject: nil, CompatibilityConfig(compatibilityLevel: .forward)).compatibilityLevel == .forward)
            #expect(try registry.config(subject: "s", defaultToGlobal: true).compatibilityLevel == .forward)
            _ = try registry.setConfig(subject: "s", CompatibilityConfig(compatibilityLevel: .fullTransitive))
            #expect(try registry.config(subject: "s", defaultToGlobal: false).compatibilityLevel == .fullTransitive)
            // Setting only normalize keeps the level.
            _ = try registry.setConfig(subject: "s", CompatibilityConfig(normalize: true))
            #expect(try registry.config(subject: "s", defaultToGlobal: false) == CompatibilityConfig(compatibilityLevel: .fullTransitive, normalize: true))
            #expect(try registry.deleteConfig(subject: "s").compatibilityLevel == .fullTransitive)
            expectError(40401) { try registry.deleteConfig(subject: "s") }
            #expect(try registry.deleteConfig(subject: nil).compatibilityLevel == .forward)
            #expect(try registry.config(subject: nil, defaultToGlobal: false).compatibilityLevel == .backward)
        }
    }

    @Test func globalLevelGovernsRegistration() throws {
        try withRegistry { registry, _ in
            _ = try registry.register(subject: "s", request(userV1), normalize: false)
            _ = try registry.setConfig(subject: nil, CompatibilityConfig(compatibilityLevel: CompatibilityLevel.none))
            #expect(try registry.register(subject: "s", request(userBreaking), normalize: false).version == 2)
            _ = try registry.setConfig(subject: "s", CompatibilityConfig(compatibilityLevel: .backward))
            let dropsAge = record("User", #"{"name":"id","type":"long"}"#, #"{"name":"age","type":"int"}"#, #"{"name":"x","type":"int"}"#)
            expectError(40901) { try registry.register(subject: "s", request(dropsAge), normalize: false) }
        }
    }

    @Test func levelAndModeNamesParse() throws {
        #expect(try CompatibilityConfig.level(parsing: "backward_transitive") == .backwardTransitive)
        #expect(try CompatibilityConfig.level(parsing: "NONE") == CompatibilityLevel.none)
        let level = registryError { try CompatibilityConfig.level(parsing: "sideways") }
        #expect(level?.code == 42203)
        #expect(level?.message.hasPrefix("Invalid compatibility level. Valid values are none, backward") == true)
        #expect(try RegistryMode(parsing: "readonly") == .readOnly)
        #expect(try RegistryMode(parsing: "IMPORT") == .import)
        expectError(42204) { try RegistryMode(parsing: "FAST") }
    }

    @Test func modeFallsBackAndDeletes() throws {
        try withRegistry { registry, _ in
            #expect(try registry.mode(subject: nil, defaultToGlobal: false) == .readWrite)
            let missing = registryError { try registry.mode(subject: "s", defaultToGlobal: false) }
            #expect(missing?.code == 40409 && missing?.message == "Subject 's' does not have subject-level mode configured")
            #expect(try registry.mode(subject: "s", defaultToGlobal: true) == .readWrite)
            _ = try registry.setMode(subject: nil, .readOnly, force: false)
            #expect(try registry.mode(subject: "s", defaultToGlobal: true) == .readOnly)
            _ = try registry.setMode(subject: "s", .readWrite, force: false)
            #expect(try registry.mode(subject: "s", defaultToGlobal: false) == .readWrite)
            #expect(try registry.deleteMode(subject: "s") == .readWrite)
            expectError(40401) { try registry.deleteMode(subject: "s") }
            #expect(try registry.deleteMode(subject: nil) == .readOnly)
            #expect(try registry.mode(subject: nil, defaultToGlobal: false) == .readWrite)
        }
    }

    @Test func readOnlyRefusesWritesButServesReads() throws {
        try withRegistry { registry, _ in
            _ = try registry.register(subject: "s", request(userV1), normalize: false)
            _ = try registry.setMode(subject: "s", .readOnly, force: false)
            let error = registryError { try registry.register(subject: "s", request(userV2), normalize: false) }
            #expect(error?.code == 42205 && error?.httpStatus == 422)
            expectError(42205) { try registry.setConfig(subject: "s", CompatibilityConfig(compatibilityLevel: .full)) }
            // An identical schema is already there: answered without a write.
            #expect(try registry.register(subject: "s", request(userV1), normalize: false).version == 1)
            // Other subjects still take writes; READONLY_OVERRIDE on the global level stops them too.
            _ = try registry.register(subject: "t", request(userV1), normalize: false)
            _ = try registry.setMode(subject: nil, .readOnlyOverride, force: false)
            expectError(42205) { try registry.register(subject: "u", request(userV1), normalize: false) }
        }
    }

    @Test func enteringImportClearsSoftDeletedLeftovers() throws {
        try withRegistry { registry, _ in
            let old = try registry.register(subject: "s", request(userV1), normalize: false)
            _ = try registry.deleteSubject("s", permanent: false)
            // Only soft-deleted versions remain, so no force is needed; they are hard-deleted on the way in.
            _ = try registry.setMode(subject: nil, .import, force: false)
            #expect(registry.subjects(prefix: ":*:", includeDeleted: true, deletedOnly: false).isEmpty)
            expectError(40403) { try registry.schema(id: old.schema.id) }
            var imported = request(userV2)
            imported.id = 50
            imported.version = 1
            #expect(try registry.register(subject: "s", imported, normalize: false).version == 1)
        }
    }

    @Test func importModeTakesCallerIdsAndVersions() throws {
        try withRegistry { registry, _ in
            _ = try registry.register(subject: "live", request(userV1), normalize: false)
            let refused = registryError { try registry.setMode(subject: nil, .import, force: false) }
            #expect(refused?.code == 42205 && refused?.message == "Cannot import since found existing subjects")
            // An id outside IMPORT is refused.
            var withId = request(userV2)
            withId.id = 100
            let outside = registryError { try registry.register(subject: "other", withId, normalize: false) }
            #expect(outside?.code == 42205 && outside?.message == "Subject other in context  is not in import mode")

            _ = try registry.setMode(subject: nil, .import, force: true)
            withId.version = 5
            let imported = try registry.register(subject: "imported", withId, normalize: false)
            #expect(imported.schema.id == 100 && imported.version == 5)
            #expect(try registry.schema(id: 100).schema == imported.schema.schema)
            // No compatibility check in IMPORT: a breaking schema goes in.
            var breaking = request(userBreaking)
            breaking.id = 101
            breaking.version = 6
            #expect(try registry.register(subject: "imported", breaking, normalize: false).version == 6)
            // An id that holds different content is refused, as Confluent's checkIfSchemaWithIdExist refuses it.
            var clash = request(record("Other", #"{"name":"x","type":"int"}"#))
            clash.id = 100
            let clashError = registryError { try registry.register(subject: "imported", clash, normalize: false) }
            #expect(clashError?.code == 42205 && clashError?.message == "Overwrite new schema with id 100 in context  is not permitted.")
            // Known content under another id gets that id too (Confluent since 7.2): both ids answer it.
            var moved = request(userV2)
            moved.id = 200
            let second = try registry.register(subject: "elsewhere", moved, normalize: false)
            #expect(second.schema.id == 200)
            #expect(try registry.schema(id: 200).guid == registry.schema(id: 100).guid)
            // Without an id IMPORT refuses.
            let noId = registryError { try registry.register(subject: "imported", request(userV1), normalize: false) }
            #expect(noId?.code == 42205 && noId?.message == "Subject imported in context  is not in read-write mode")

            _ = try registry.setMode(subject: nil, .readWrite, force: false)
            // Ids continue above the highest imported one.
            let next = try registry.register(subject: "after", request(record("After", #"{"name":"x","type":"int"}"#)), normalize: false)
            #expect(next.schema.id == 201)
            #expect(registry.maxSchemaId() == 201)
        }
    }

    @Test func modeChangesCanBeSwitchedOffAndForceKeepsLeftovers() throws {
        let database = TempDatabase()
        defer { database.remove() }
        do {
            let fixed = try Registry(store: SQLiteRegistryStore(path: database.path), allowsModeChanges: false)
            let refused = registryError { try fixed.setMode(subject: nil, .readOnly, force: false) }
            #expect(refused?.code == 42205 && refused?.message == "Mode changes are not allowed")
            expectError(42205) { try fixed.deleteMode(subject: nil) }
        }
        let registry = try database.open()
        _ = try registry.register(subject: "live", request(userV1), normalize: false)
        _ = try registry.register(subject: "gone", request(userV2), normalize: false)
        _ = try registry.deleteSubject("gone", permanent: false)
        // With force, Confluent enters IMPORT as things are: the soft-deleted version stays.
        _ = try registry.setMode(subject: nil, .import, force: true)
        #expect(try registry.versions(subject: "gone", includeDeleted: true, deletedOnly: false) == [1])
    }
}
