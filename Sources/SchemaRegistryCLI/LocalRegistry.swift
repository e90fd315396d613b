import RegistryCore
import RegistryModel
import SchemaRegistryClient

/// A registry database that no server is using, driven in this process through `Registry`: the same rules a server
/// applies, without reaching into the store.
struct LocalRegistry: RegistryEndpoint {
    let registry: Registry
    let displayName: String

    init(_ registry: Registry, displayName: String) {
        self.registry = registry
        self.displayName = displayName
    }

    func subjects(includeDeleted: Bool) async throws(SchemaRegistryError) -> [String] {
        registry.subjects(prefix: QualifiedSubject.wildcard, includeDeleted: includeDeleted, deletedOnly: false)
    }

    func versions(subject: String, includeDeleted: Bool) async throws(SchemaRegistryError) -> [Int] {
        try Self.mapped { () throws(RegistryError) in try registry.versions(subject: subject, includeDeleted: includeDeleted, deletedOnly: false) }
    }

    func allVersions(subjectPrefix: String, offset: Int, limit: Int) async throws(SchemaRegistryError) -> [RegisteredSchema]? {
        registry.schemas(subjectPrefix: subjectPrefix, includeDeleted: true, latestOnly: false, offset: offset, limit: limit).map(Self.registered)
    }

    func version(subject: String, version: Int) async throws(SchemaRegistryError) -> RegisteredSchema {
        Self.registered(try Self.mapped { () throws(RegistryError) in try registry.version(subject: subject, .number(version), includeDeleted: true) })
    }

    func schema(id: Int, context: String) async throws(SchemaRegistryError) -> SchemaInfo {
        Self.info(try Self.mapped { () throws(RegistryError) in try registry.schema(id: id, context: context) })
    }

    func maxSchemaId(context: String, knownId: Int) async throws(SchemaRegistryError) -> Int? {
        registry.maxSchemaId(in: context)
    }

    func contexts() async throws(SchemaRegistryError) -> [String] { registry.contexts() }

    func config(subject: String?) async throws(SchemaRegistryError) -> CompatibilityConfig? {
        try await unlessNotFound { () async throws(SchemaRegistryError) in
            try Self.mapped { () throws(RegistryError) in try registry.config(subject: subject, defaultToGlobal: false) }
        }
    }

    func setConfig(_ config: CompatibilityConfig, subject: String?) async throws(SchemaRegistryError) {
        _ = try Self.mapped { () throws(RegistryError) in try registry.setConfig(subject: subject, config) }
    }

    func mode(subject: String?) async throws(SchemaRegistryError) -> RegistryMode? {
        try await unlessNotFound { () async throws(SchemaRegistryError) in
            try Self.mapped { () throws(RegistryError) in try registry.mode(subject: subject, defaultToGlobal: false) }
        }
    }

    func setMode(_ mode: RegistryMode, subject: String?, force: Bool) async throws(SchemaRegistryError) {
        _ = try Self.mapped { () throws(RegistryError) in try registry.setMode(subject: subject, mode, force: force) }
    }

    func deleteMode(subject: String?) async throws(SchemaRegistryError) {
        _ = try Self.mapped { () throws(RegistryError) in try registry.deleteMode(subject: subject) }
    }

    func register(subject: String, schema: SchemaInfo, id: Int, version: Int) async throws(SchemaRegistryError) -> Int {
        let request = SchemaRequest(
            schema: schema.schema, schemaType: schema.schemaType.rawValue, references: schema.references,
            metadata: schema.metadata, ruleSet: schema.ruleSet, id: id, version: version)
        return try Self.mapped { () throws(RegistryError) in try registry.register(subject: subject, request, normalize: false) }.schema.id
    }

    func deleteVersion(subject: String, version: Int, permanent: Bool) async throws(SchemaRegistryError) {
        _ = try Self.mapped { () throws(RegistryError) in try registry.deleteVersion(subject: subject, .number(version), permanent: permanent) }
    }

    func deleteSubject(_ subject: String, permanent: Bool) async throws(SchemaRegistryError) {
        _ = try Self.mapped { () throws(RegistryError) in try registry.deleteSubject(subject, permanent: permanent) }
    }

    private static func registered(_ version: RegisteredVersion) -> RegisteredSchema {
        RegisteredSchema(
            subject: version.subject, version: version.version, id: version.schema.id, guid: version.schema.guid,
            schema: info(version.schema))
    }

    private static func info(_ schema: StoredSchema) -> SchemaInfo {
        SchemaInfo(
            schema: schema.schema, schemaType: SchemaType(rawValue: schema.schemaType), references: schema.references,
            metadata: schema.metadata, ruleSet: schema.ruleSet)
    }

    /// The registry's answer, its error carried over as the error a server would have sent.
    private static func mapped<T>(_ body: () throws(RegistryError) -> T) throws(SchemaRegistryError) -> T {
        do { return try body() } catch {
            throw SchemaRegistryError(kind: .server, errorCode: error.code, message: error.message, httpStatus: error.httpStatus)
        }
    }
}
