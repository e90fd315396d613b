import Avro
import RegistryCore
import Testing
import RegistryModel

@Suite struct ReferenceTests {
    let address = #"{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"}]}"#
    let country = #"{"type":"record","name":"Country","namespace":"com.acme","fields":[{"name":"code","type":"string"}]}"#
    let addressWithCountry =
        #"{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"},{"name":"country","type":"com.acme.Country"}]}"#
    let person = #"{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":"com.acme.Address"}]}"#

    @Test func referencesResolveTransitivelyAndAreListedByReferrer() throws {
        try withRegistry { registry, database in
            _ = try registry.register(subject: "country", request(country), normalize: false)
            let addressVersion = try registry.register(
                subject: "address", request(addressWithCountry, references: [SchemaReference(name: "com.acme.Country", subject: "country", version: 1)]),
                normalize: false)
            let personVersion = try registry.register(
                subject: "person", request(person, references: [SchemaReference(name: "com.acme.Address", subject: "address", version: -1)]),
                normalize: false)
            // -1 is stored as the version it resolved to.
            #expect(personVersion.schema.references == [SchemaReference(name: "com.acme.Address", subject: "address", version: 1)])
            #expect(try registry.referencedBy(subject: "address", .number(1)) == [personVersion.schema.id])
            #expect(try registry.referencedBy(subject: "country", .latest) == [addressVersion.schema.id])
            #expect(try registry.referencedBy(subject: "person", .latest).isEmpty)

            // After a restart the referencing schema parses lazily, with its references, for a compatibility check.
            let reopened = try database.open()
            let next = #"{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":"com.acme.Address"},{"name":"work","type":["null","com.acme.Address"],"default":null}]}"#
            let refs = [SchemaReference(name: "com.acme.Address", subject: "address", version: 1)]
            #expect(try reopened.register(subject: "person", request(next, references: refs), normalize: false).version == 2)
        }
    }

    @Test func unresolvableReferenceIs42201() throws {
        try withRegistry { registry, _ in
            let error = registryError {
                try registry.register(
                    subject: "person", request(person, references: [SchemaReference(name: "com.acme.Address", subject: "address", version: 3)]),
                    normalize: false)
            }
            #expect(error?.code == 42201)
            #expect(error?.message == #"No schema reference found for subject "address" and version 3"#)
            // Without the reference the type name is undefined: also 42201.
            expectError(42201) { try registry.register(subject: "person", request(person), normalize: false) }
        }
    }

    @Test func referencedVersionCannotBeDeleted() throws {
        try withRegistry { registry, _ in
            _ = try registry.register(subject: "address", request(address), normalize: false)
            let refs = [SchemaReference(name: "com.acme.Address", subject: "address", version: 1)]
            _ = try registry.register(subject: "person", request(person, references: refs), normalize: false)
            let error = registryError { try registry.deleteVersion(subject: "address", .number(1), permanent: false) }
            #expect(error?.code == 42206)
            #expect(error?.message == "One or more references exist to the schema {subject=address,version=1}.")
            expectError(42206) { try registry.deleteSubject("address", permanent: false) }
            // Once the referrer is soft-deleted the soft delete goes through, but a hard delete still needs it gone.
            _ = try registry.deleteSubject("person", permanent: false)
            #expect(try registry.deleteVersion(subject: "address", .number(1), permanent: false) == 1)
            expectError(42206) { try registry.deleteVersion(subject: "address", .number(1), permanent: true) }
            _ = try registry.deleteSubject("person", permanent: true)
            #expect(try registry.deleteVersion(subject: "address", .number(1), permanent: true) == 1)
        }
    }

    @Test func referencesArePartOfIdentity() throws {
        try withRegistry { registry, _ in
            _ = try registry.register(subject: "a1", request(address), normalize: false)
            _ = try registry.register(subject: "a2", request(address), normalize: false)
            let viaA1 = try registry.register(
                subject: "p1", request(person, references: [SchemaReference(name: "com.acme.Address", subject: "a1", version: 1)]),
                normalize: false)
            let viaA2 = try registry.register(
                subject: "p2", request(person, references: [SchemaReference(name: "com.acme.Address", subject: "a2", version: 1)]),
                normalize: false)
            #expect(viaA1.schema.id != viaA2.schema.id)
        }
    }
}
