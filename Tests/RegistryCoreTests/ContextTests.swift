import Avro
import RegistryCore
import RegistryModel
import Testing

/// Contexts: independent scopes of subjects and ids (`:.ctx:subject`).
@Suite struct ContextTests {
    @Test func idsArePerContext() throws {
        let database = TempDatabase()
        defer { database.remove() }
        let registry = try database.open()
        let plain = try registry.register(subject: "orders", request(userV1), normalize: false)
        let team = try registry.register(subject: ":.team-a:orders", request(userV2), normalize: false)
        let teamAgain = try registry.register(subject: ":.team-a:payments", request(userV1), normalize: false)
        // Each context counts from 1; the same content gets one id per context.
        #expect(plain.schema.id == 1 && plain.schema.context == ".")
        #expect(team.schema.id == 1 && team.schema.context == ".team-a")
        #expect(teamAgain.schema.id == 2 && teamAgain.schema.context == ".team-a")
        #expect(try registry.schema(id: 1).schema == plain.schema.schema)
        #expect(try registry.schema(id: 1, context: ".team-a").schema == team.schema.schema)
        expectError(40403) { try registry.schema(id: 2) }
        #expect(registry.maxSchemaId() == 1 && registry.maxSchemaId(in: ".team-a") == 2)
        #expect(registry.ids(ofGuid: plain.schema.guid) == [ContextId(id: 1), ContextId(context: ".team-a", id: 2)])
        // `:.:name` is the default context's `name`.
        #expect(try registry.version(subject: ":.team-a:orders", .latest, includeDeleted: false).schema.id == 1)

        let reopened = try database.open()
        #expect(try reopened.schema(id: 2, context: ".team-a").guid == plain.schema.guid)
        #expect(reopened.maxSchemaId(in: ".team-a") == 2)
    }

    @Test func referencesAreReadInTheReferringSchemasContext() throws {
        let database = TempDatabase()
        defer { database.remove() }
        let registry = try database.open()
        let address = #"{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}"#
        let person = #"{"type":"record","name":"Person","fields":[{"name":"home","type":"Address"}]}"#
        _ = try registry.register(subject: ":.b:address", request(address), normalize: false)
        let reference = SchemaReference(name: "Address", subject: "address", version: 1)
        // In context .b the reference means :.b:address; in the default context there is no `address`.
        let registered = try registry.register(subject: ":.b:person", request(person, references: [reference]), normalize: false)
        #expect(registered.schema.references == [reference])
        expectError(42201) { try registry.register(subject: "person", request(person, references: [reference]), normalize: false) }
        #expect(try registry.referencedBy(subject: ":.b:address", .number(1)) == [registered.schema.id])
        expectError(42206) { try registry.deleteSubject(":.b:address", permanent: false) }
    }

    @Test func settingsResolveSubjectThenContextThenGlobal() throws {
        let database = TempDatabase()
        defer { database.remove() }
        let registry = try database.open()
        _ = try registry.setConfig(subject: nil, CompatibilityConfig(compatibilityLevel: .full))
        _ = try registry.setConfig(subject: ":.a:", CompatibilityConfig(compatibilityLevel: CompatibilityLevel.none, normalize: true))
        _ = try registry.setConfig(subject: ":.a:pinned", CompatibilityConfig(compatibilityLevel: .forward))
        #expect(try registry.config(subject: ":.a:s", defaultToGlobal: true) == CompatibilityConfig(compatibilityLevel: CompatibilityLevel.none, normalize: true))
        #expect(try registry.config(subject: ":.a:pinned", defaultToGlobal: true) == CompatibilityConfig(compatibilityLevel: .forward, normalize: true))
        // The top level governs the default context only; `:.__GLOBAL:` governs every context.
        #expect(try registry.config(subject: ":.b:s", defaultToGlobal: true).compatibilityLevel == .backward)
        #expect(try registry.config(subject: "s", defaultToGlobal: true).compatibilityLevel == .full)
        _ = try registry.setConfig(subject: ":.__GLOBAL:", CompatibilityConfig(compatibilityLevel: .forwardTransitive))
        #expect(try registry.config(subject: ":.b:s", defaultToGlobal: true).compatibilityLevel == .forwardTransitive)
        #expect(try registry.config(subject: "s", defaultToGlobal: true).compatibilityLevel == .full)
        _ = try registry.deleteConfig(subject: ":.__GLOBAL:")
        // NONE in context .a: an incompatible change goes through there and nowhere else.
        _ = try registry.register(subject: ":.a:s", request(userV1), normalize: false)
        _ = try registry.register(subject: ":.a:s", request(userBreaking), normalize: false)
        _ = try registry.register(subject: "s", request(userV1), normalize: false)
        expectError(40901) { try registry.register(subject: "s", request(userBreaking), normalize: false) }

        _ = try registry.setMode(subject: ":.a:", .readOnly, force: false)
        expectError(42205) { try registry.register(subject: ":.a:t", request(userV1), normalize: false) }
        _ = try registry.register(subject: ":.b:t", request(userV1), normalize: false)
        #expect(try registry.mode(subject: ":.a:t", defaultToGlobal: true) == .readOnly)
        // Entering IMPORT in a context minds only that context's subjects.
        expectError(42205) { try registry.setMode(subject: ":.b:", .import, force: false) }
        _ = try registry.setMode(subject: ":.c:", .import, force: false)
    }
}
