import Avro
import JSON
import Foundation
import RegistryCore
import RegistrySQLite
import Testing

@Suite struct RegistrationTests {
    @Test func sameSchemaGetsOneIdAcrossSubjects() throws {
        try withRegistry { registry, _ in
            let first = try registry.register(subject: "a", request(userV1), normalize: false)
            let second = try registry.register(subject: "b", request(userV1), normalize: false)
            let other = try registry.register(subject: "a", request(userV2), normalize: false)
            #expect(first.schema.id == 1 && first.version == 1)
            #expect(second.schema.id == 1 && second.version == 1)
            #expect(other.schema.id == 2 && other.version == 2)
            #expect(registry.maxSchemaId() == 2)
            #expect(try registry.subjectVersions(forSchema: ContextId(id: 1), includeDeleted: false)
                == [SubjectVersion(subject: "a", version: 1), SubjectVersion(subject: "b", version: 1)])
        }
    }

    @Test func reRegisteringIsIdempotentAndIgnoresFormatting() throws {
        try withRegistry { registry, _ in
            _ = try registry.register(subject: "s", request(userV1), normalize: false)
            _ = try registry.register(subject: "s", request(userV2), normalize: false)
            // v1 again, spaced out and with keys reordered: still version 1, no new version and no compatibility check.
            let reordered = #"{ "fields": [ { "type": "long", "name": "id" } ], "namespace": "com.acme", "name": "User", "type": "record" }"#
            let again = try registry.register(subject: "s", request(reordered), normalize: false)
            #expect(again.version == 1 && again.schema.id == 1)
            #expect(try registry.versions(subject: "s", includeDeleted: true, deletedOnly: false) == [1, 2])
            let found = try registry.lookUp(subject: "s", request(reordered), normalize: false, includeDeleted: false)
            #expect(found.version == 1 && found.schema.id == 1)
            // Stored text is the compact form Java's Schema.toString writes.
            #expect(found.schema.schema == #"{"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"id","type":"long"}]}"#)
        }
    }

    @Test func metadataAndRuleSetArePartOfIdentity() throws {
        try withRegistry { registry, _ in
            let plain = try registry.register(subject: "s", request(userV1), normalize: false)
            let metadata: JSONValue = ["properties": ["owner": "team-a", "tier": "gold"]]
            let withMetadata = try registry.register(subject: "s", request(userV1, metadata: metadata), normalize: false)
            #expect(withMetadata.schema.id != plain.schema.id)
            #expect(withMetadata.version == 2)
            #expect(withMetadata.schema.metadata == metadata)
            // Key order inside metadata does not matter.
            let reordered: JSONValue = ["properties": ["tier": "gold", "owner": "team-a"]]
            let again = try registry.register(subject: "other", request(userV1, metadata: reordered), normalize: false)
            #expect(again.schema.id == withMetadata.schema.id)
            let rules: JSONValue = ["domainRules": [["name": "r", "kind": "CONDITION", "type": "CEL", "expr": "true"]]]
            let withRules = try registry.register(subject: "s", request(userV1, metadata: metadata, ruleSet: rules), normalize: false)
            #expect(withRules.schema.id != withMetadata.schema.id)
            #expect(withRules.schema.ruleSet == rules)
            #expect(try registry.schema(id: withRules.schema.id).ruleSet == rules)
        }
    }

    @Test func guidIsAStableUUIDOfTheIdentity() throws {
        try withRegistry { registry, _ in
            let registered = try registry.register(subject: "s", request(userV1), normalize: false)
            let guid = registered.schema.guid
            #expect(guid.count == 36 && guid.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
            #expect(try registry.schema(guid: guid).id == registered.schema.id)
            expectError(40403) { try registry.schema(guid: "00000000-0000-0000-0000-000000000000") }
            let withMetadata = try registry.register(subject: "t", request(userV1, metadata: ["properties": ["a": "b"]]), normalize: false)
            #expect(withMetadata.schema.guid != guid)
        }
    }

    @Test func incompatibleSchemaIsRejectedWithConfluentMessage() throws {
        try withRegistry { registry, _ in
            _ = try registry.register(subject: "s", request(userV1), normalize: false)
            let error = registryError { try registry.register(subject: "s", request(userBreaking), normalize: false) }
            #expect(error?.code == 40901)
            #expect(error?.httpStatus == 409)
            let message = error?.message ?? ""
            #expect(message.hasPrefix(#"Schema being registered is incompatible with an earlier schema for subject "s", details: ["#))
            #expect(message.contains("{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'"))
            #expect(message.contains("{oldSchemaVersion: 1}"))
            #expect(message.hasSuffix("{validateFields: 'false', compatibility: 'BACKWARD'}]"))
            #expect(try registry.versions(subject: "s", includeDeleted: true, deletedOnly: false) == [1])
            #expect(registry.maxSchemaId() == 1)
            // With NONE on the subject the same schema goes in.
            _ = try registry.setConfig(subject: "s", CompatibilityConfig(compatibilityLevel: CompatibilityLevel.none))
            #expect(try registry.register(subject: "s", request(userBreaking), normalize: false).version == 2)
        }
    }

    @Test func transitiveLevelChecksEveryLiveVersion() throws {
        try withRegistry { registry, _ in
            _ = try registry.setConfig(subject: "s", CompatibilityConfig(compatibilityLevel: .backwardTransitive))
            _ = try registry.register(subject: "s", request(userV1), normalize: false)
            _ = try registry.setConfig(subject: "s", CompatibilityConfig(compatibilityLevel: CompatibilityLevel.none))
            // v2 adds `name` without a default (allowed under NONE); v3 adds a defaulted field: fine against v2,
            // but it cannot read v1 data, which lacks `name`.
            let v2 = record("User", #"{"name":"id","type":"long"}"#, #"{"name":"name","type":"string"}"#)
            let v3 = record("User", #"{"name":"id","type":"long"}"#, #"{"name":"name","type":"string"}"#, #"{"name":"n","type":"int","default":0}"#)
            _ = try registry.register(subject: "s", request(v2), normalize: false)
            _ = try registry.setConfig(subject: "s", CompatibilityConfig(compatibilityLevel: .backward))
            #expect(try registry.checkCompatibility(subject: "s", version: nil, request(v3), normalize: false, verbose: false).isCompatible)
            _ = try registry.setConfig(subject: "s", CompatibilityConfig(compatibilityLevel: .backwardTransitive))
            let verdict = try registry.checkCompatibility(subject: "s", version: nil, request(v3), normalize: false, verbose: true)
            #expect(!verdict.isCompatible)
            #expect(verdict.messages.contains("{oldSchemaVersion: 1}"))
            // Soft-deleting v1 takes it out of the check.
            _ = try registry.deleteVersion(subject: "s", .number(1), permanent: false)
            #expect(try registry.register(subject: "s", request(v3), normalize: false).version == 3)
        }
    }

    @Test func newVersionIsOneMoreThanEveryVersionIncludingSoftDeleted() throws {
        try withRegistry { registry, _ in
            _ = try registry.register(subject: "s", request(userV1), normalize: false)
            _ = try registry.register(subject: "s", request(userV2), normalize: false)
            _ = try registry.deleteVersion(subject: "s", .number(2), permanent: false)
            let v3 = record("User", #"{"name":"id","type":"long"}"#, #"{"name":"n","type":"int","default":0}"#)
            #expect(try registry.register(subject: "s", request(v3), normalize: false).version == 3)
            // An explicit version outside IMPORT must be the next one.
            var explicit = request(record("User", #"{"name":"id","type":"long"}"#, #"{"name":"m","type":"int","default":1}"#))
            explicit.version = 7
            expectError(message: "Version is not one more than previous version") { try registry.register(subject: "s", explicit, normalize: false) }
            explicit.version = 4
            #expect(try registry.register(subject: "s", explicit, normalize: false).version == 4)
        }
    }

    @Test func invalidRequestsGiveConfluentErrors() throws {
        try withRegistry { registry, _ in
            expectError(42208) { try registry.register(subject: "bad\u{7}subject", request(userV1), normalize: false) }
            expectError(42208) { try registry.register(subject: "__GLOBAL", request(userV1), normalize: false) }
            var json = request(#"{"type":"object"}"#)
            json.schemaType = "JSON"
            let typeError = registryError { try registry.register(subject: "s", json, normalize: false) }
            #expect(typeError?.code == 42201 && typeError?.message == "Invalid schema type JSON")
            expectError(message: "Empty schema") { try registry.register(subject: "s", request(""), normalize: false) }
            let invalid = registryError { try registry.register(subject: "s", request(#"{"type":"record","name":"X"}"#), normalize: false) }
            #expect(invalid?.code == 42201 && invalid?.httpStatus == 422)
            #expect(invalid?.message.hasPrefix("Invalid schema: ") == true)
            let badDefault = record("User", #"{"name":"id","type":"long","default":"x"}"#)
            expectError(42201) { try registry.register(subject: "s", request(badDefault), normalize: false) }
            expectError(42201) { try registry.register(subject: "s", request("{not json"), normalize: false) }
            #expect(registry.subjects(prefix: ":*:", includeDeleted: true, deletedOnly: false).isEmpty)
        }
    }

    @Test func lookUpMissesAreDistinguished() throws {
        try withRegistry { registry, _ in
            expectError(40401) { try registry.lookUp(subject: "s", request(userV1), normalize: false, includeDeleted: false) }
            _ = try registry.register(subject: "s", request(userV1), normalize: false)
            let miss = registryError { try registry.lookUp(subject: "s", request(userV2), normalize: false, includeDeleted: false) }
            #expect(miss?.code == 40403, "\(String(describing: miss))")
            #expect(miss?.message == "Schema not found")
            expectError(message: "Schema 99 not found") { try registry.schema(id: 99) }
        }
    }

    @Test func normalizeStoresTheNormalizedFormAndSharesTheId() throws {
        try withRegistry { registry, _ in
            let a = #"{"type":"record","name":"R","zeta":1,"alpha":2,"aliases":["Z","A"],"fields":[{"name":"f","type":"int"}]}"#
            let b = #"{"type":"record","name":"R","alpha":2,"zeta":1,"aliases":["A","Z"],"fields":[{"name":"f","type":"int"}]}"#
            let normalized = try registry.register(subject: "n", request(a), normalize: true)
            #expect(normalized.schema.schema == #"{"type":"record","name":"R","fields":[{"name":"f","type":"int"}],"aliases":["A","Z"],"alpha":2,"zeta":1}"#)
            let plain = try registry.register(subject: "p", request(b), normalize: false)
            #expect(plain.schema.id == normalized.schema.id)
            // A subject config with normalize=true normalizes without the flag.
            _ = try registry.setConfig(subject: "c", CompatibilityConfig(normalize: true))
            let third = record("Other", #"{"name":"x","type":"int","b":1,"a":2}"#)
            let stored = try registry.register(subject: "c", request(third), normalize: false)
            #expect(stored.schema.schema.contains(#""a":2,"b":1"#))
        }
    }

    @Test func readsListSubjectsVersionsAndSchemas() throws {
        try withRegistry { registry, _ in
            _ = try registry.register(subject: "orders-value", request(userV1), normalize: false)
            _ = try registry.register(subject: "orders-value", request(userV2), normalize: false)
            _ = try registry.register(subject: "users-value", request(userV1), normalize: false)
            _ = try registry.register(subject: "gone", request(userV1), normalize: false)
            _ = try registry.deleteSubject("gone", permanent: false)
            #expect(registry.subjects(prefix: ":*:", includeDeleted: false, deletedOnly: false) == ["orders-value", "users-value"])
            #expect(registry.subjects(prefix: ":*:", includeDeleted: true, deletedOnly: false) == ["gone", "orders-value", "users-value"])
            #expect(registry.subjects(prefix: ":*:", includeDeleted: false, deletedOnly: true) == ["gone"])
            #expect(registry.subjects(prefix: "users", includeDeleted: false, deletedOnly: false) == ["users-value"])
            let all = registry.schemas(subjectPrefix: "", includeDeleted: false, latestOnly: false, offset: 0, limit: -1)
            #expect(all.map { "\($0.subject)/\($0.version)" } == ["orders-value/1", "orders-value/2", "users-value/1"])
            let latest = registry.schemas(subjectPrefix: "orders", includeDeleted: false, latestOnly: true, offset: 0, limit: -1)
            #expect(latest.map(\.version) == [2])
            #expect(registry.schemas(subjectPrefix: "", includeDeleted: true, latestOnly: false, offset: 1, limit: 2).map(\.subject)
                == ["orders-value", "orders-value"])
            #expect(try registry.version(subject: "orders-value", .latest, includeDeleted: false).version == 2)
            expectError(message: "Version 5 not found.") { try registry.version(subject: "orders-value", .number(5), includeDeleted: false) }
            expectError(message: "Subject 'nobody' not found.") { try registry.version(subject: "nobody", .latest, includeDeleted: false) }
        }
    }

    @Test func versionSelectorParsesLikeConfluent() throws {
        #expect(try VersionSelector(parsing: "latest") == .latest)
        #expect(try VersionSelector(parsing: " LATEST ") == .latest)
        #expect(try VersionSelector(parsing: "-1") == .latest)
        #expect(try VersionSelector(parsing: "3") == .number(3))
        #expect(try VersionSelector(parsing: "2147483647") == .number(2_147_483_647))
        for bad in ["0", "-2", "2147483648", "one", ""] {
            let error = registryError { try VersionSelector(parsing: bad) }
            #expect(error?.code == 42202)
            #expect(error?.message == "The specified version '\(bad)' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"")
        }
    }

    @Test func storeFailureChangesNothing() throws {
        let store = FlakyStore()
        let registry = try Registry(store: store)
        store.failing.withLock { $0 = true }
        let error = registryError { try registry.register(subject: "s", request(userV1), normalize: false) }
        #expect(error?.code == 50001 && error?.httpStatus == 500)
        #expect(registry.subjects(prefix: ":*:", includeDeleted: true, deletedOnly: false).isEmpty)
        #expect(registry.maxSchemaId() == 0)
        expectError(40403) { try registry.schema(id: 1) }
        store.failing.withLock { $0 = false }
        let registered = try registry.register(subject: "s", request(userV1), normalize: false)
        #expect(registered.schema.id == 1 && registered.version == 1)
    }
}

import Synchronization
import RegistryModel

/// A store in memory that can be told to fail, as a full disk would.
final class FlakyStore: RegistryStore {
    let failing = Mutex(false)
    let applied = Mutex<[StoreChange]>([])

    func loadAll() throws(RegistryError) -> StoreContents { StoreContents() }

    func apply(_ changes: [StoreChange]) throws(RegistryError) {
        if failing.withLock({ $0 }) { throw .storeFailure("database or disk is full") }
        applied.withLock { $0 += changes }
    }
}
