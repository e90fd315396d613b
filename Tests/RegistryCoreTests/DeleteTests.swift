import Avro
import RegistryCore
import Testing
import RegistryModel

@Suite struct DeleteTests {
    @Test func softDeletedVersionIsHiddenButItsIdStillServes() throws {
        try withRegistry { registry, _ in
            _ = try registry.register(subject: "s", request(userV1), normalize: false)
            let v2 = try registry.register(subject: "s", request(userV2), normalize: false)
            #expect(try registry.deleteVersion(subject: "s", .latest, permanent: false) == 2)
            #expect(try registry.versions(subject: "s", includeDeleted: false, deletedOnly: false) == [1])
            #expect(try registry.versions(subject: "s", includeDeleted: true, deletedOnly: false) == [1, 2])
            #expect(try registry.versions(subject: "s", includeDeleted: false, deletedOnly: true) == [2])
            #expect(try registry.version(subject: "s", .latest, includeDeleted: false).version == 1)
            expectError(40402) { try registry.version(subject: "s", .number(2), includeDeleted: false) }
            let deleted = try registry.version(subject: "s", .number(2), includeDeleted: true)
            #expect(deleted.deleted)
            expectError(40403) { try registry.lookUp(subject: "s", request(userV2), normalize: false, includeDeleted: false) }
            #expect(try registry.lookUp(subject: "s", request(userV2), normalize: false, includeDeleted: true).deleted)
            #expect(try registry.schema(id: v2.schema.id).schema == v2.schema.schema)
            #expect(try registry.subjectVersions(forSchema: ContextId(id: v2.schema.id), includeDeleted: false).isEmpty)
            #expect(try registry.subjectVersions(forSchema: ContextId(id: v2.schema.id), includeDeleted: true).count == 1)
            let again = registryError { try registry.deleteVersion(subject: "s", .number(2), permanent: false) }
            #expect(again?.code == 40406)
            #expect(again?.message == "Subject 's' Version 2 was soft deleted.Set permanent=true to delete permanently")
        }
    }

    @Test func reRegisteringASoftDeletedSchemaGivesANewVersionWithTheSameId() throws {
        try withRegistry { registry, _ in
            let first = try registry.register(subject: "s", request(userV1), normalize: false)
            _ = try registry.deleteVersion(subject: "s", .number(1), permanent: false)
            let again = try registry.register(subject: "s", request(userV1), normalize: false)
            #expect(again.version == 2 && again.schema.id == first.schema.id)
            // Another subject reuses the id of a schema only soft-deleted elsewhere.
            _ = try registry.deleteSubject("s", permanent: false)
            #expect(try registry.register(subject: "t", request(userV1), normalize: false).schema.id == first.schema.id)
        }
    }

    @Test func hardDeleteNeedsASoftDeleteFirst() throws {
        try withRegistry { registry, _ in
            let v1 = try registry.register(subject: "s", request(userV1), normalize: false)
            _ = try registry.register(subject: "s", request(userV2), normalize: false)
            let live = registryError { try registry.deleteVersion(subject: "s", .number(1), permanent: true) }
            #expect(live?.code == 40407)
            #expect(live?.message == "Subject 's' Version 1 was not deleted first before being permanently deleted")
            _ = try registry.deleteVersion(subject: "s", .number(1), permanent: false)
            #expect(try registry.deleteVersion(subject: "s", .number(1), permanent: true) == 1)
            #expect(try registry.versions(subject: "s", includeDeleted: true, deletedOnly: false) == [2])
            expectError(40403) { try registry.schema(id: v1.schema.id) }
            expectError(40402) { try registry.deleteVersion(subject: "s", .number(1), permanent: true) }
            expectError(40401) { try registry.deleteVersion(subject: "nobody", .number(1), permanent: false) }
        }
    }

    @Test func subjectDeleteMatrix() throws {
        try withRegistry { registry, _ in
            _ = try registry.register(subject: "s", request(userV1), normalize: false)
            _ = try registry.register(subject: "s", request(userV2), normalize: false)
            _ = try registry.setConfig(subject: "s", CompatibilityConfig(compatibilityLevel: .full))
            _ = try registry.setMode(subject: "s", .readWrite, force: false)
            let live = registryError { try registry.deleteSubject("s", permanent: true) }
            #expect(live?.code == 40405 && live?.message == "Subject 's' was not deleted first before being permanently deleted")
            #expect(try registry.deleteSubject("s", permanent: false) == [1, 2])
            #expect(registry.subjects(prefix: ":*:", includeDeleted: false, deletedOnly: false).isEmpty)
            expectError(40401) { try registry.versions(subject: "s", includeDeleted: false, deletedOnly: false) }
            let twice = registryError { try registry.deleteSubject("s", permanent: false) }
            #expect(twice?.code == 40404 && twice?.message == "Subject 's' was soft deleted.Set permanent=true to delete permanently")
            // Settings survive a soft delete and go with the hard delete.
            #expect(try registry.config(subject: "s", defaultToGlobal: false).compatibilityLevel == .full)
            #expect(try registry.deleteSubject("s", permanent: true) == [1, 2])
            #expect(registry.subjects(prefix: ":*:", includeDeleted: true, deletedOnly: false).isEmpty)
            expectError(40408) { try registry.config(subject: "s", defaultToGlobal: false) }
            expectError(40409) { try registry.mode(subject: "s", defaultToGlobal: false) }
            expectError(40401) { try registry.deleteSubject("s", permanent: false) }
            // A subject whose versions were all hard-deleted starts again at version 1, with a new id.
            let fresh = try registry.register(subject: "s", request(userV1), normalize: false)
            #expect(fresh.version == 1 && fresh.schema.id == 3)
        }
    }

    @Test func readOnlyRefusesDeletes() throws {
        try withRegistry { registry, _ in
            _ = try registry.register(subject: "s", request(userV1), normalize: false)
            _ = try registry.setMode(subject: nil, .readOnly, force: false)
            expectError(42205) { try registry.deleteVersion(subject: "s", .latest, permanent: false) }
            expectError(42205) { try registry.deleteSubject("s", permanent: false) }
            #expect(try registry.versions(subject: "s", includeDeleted: false, deletedOnly: false) == [1])
        }
    }
}
