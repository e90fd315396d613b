import Avro
import RegistryCore
import Testing

/// Registration and lookup find "the newest live version" without scanning a subject's whole list;
/// these pin what that must mean when soft-deleted versions sit in between.
@Suite struct LatestVersionTests {
    @Test func registrationIsCheckedAgainstTheNewestLiveVersionNotASoftDeletedOne() throws {
        try withRegistry { registry, _ in
            _ = try registry.register(subject: "s", request(userV1), normalize: false)
            _ = try registry.register(subject: "s", request(userV2), normalize: false)
            _ = try registry.deleteVersion(subject: "s", .latest, permanent: false)
            // Cannot read v2's string email, but reads v1 (no email) through the default.
            let intEmail = record("User", #"{"name":"id","type":"long"}"#, #"{"name":"email","type":"int","default":0}"#)
            let registered = try registry.register(subject: "s", request(intEmail), normalize: false)
            #expect(registered.version == 3)
            let againstDeleted = try registry.checkCompatibility(
                subject: "s", version: nil, request(userV2), normalize: false, verbose: false)
            #expect(!againstDeleted.isCompatible, "v2 is now checked against v3, whose email is an int")
        }
    }

    @Test func lookUpPrefersTheNewestLiveVersionHoldingTheSchema() throws {
        try withRegistry { registry, _ in
            let first = try registry.register(subject: "s", request(userV1), normalize: false)
            _ = try registry.register(subject: "s", request(userV2), normalize: false)
            _ = try registry.deleteVersion(subject: "s", .number(1), permanent: false)
            let third = try registry.register(subject: "s", request(userV1), normalize: false)
            #expect(third.version == 3 && third.schema.id == first.schema.id)
            #expect(try registry.lookUp(subject: "s", request(userV1), normalize: false, includeDeleted: false).version == 3)
            #expect(try registry.register(subject: "s", request(userV1), normalize: false).version == 3)

            _ = try registry.deleteVersion(subject: "s", .number(3), permanent: false)
            expectError(40403) { try registry.lookUp(subject: "s", request(userV1), normalize: false, includeDeleted: false) }
            let deleted = try registry.lookUp(subject: "s", request(userV1), normalize: false, includeDeleted: true)
            #expect(deleted.version == 3 && deleted.deleted)
        }
    }
}
