import Foundation
import RegistryCore
import RegistryModel
import SchemaRegistryClient

/// A running registry, reached through `SchemaRegistryClient`: ours, Confluent's, Karapace, Redpanda or Apicurio's
/// Confluent API.
struct RemoteRegistry: RegistryEndpoint {
    let client: SchemaRegistryClient
    let displayName: String

    init(client: SchemaRegistryClient) {
        self.client = client
        displayName = client.configuration.urls.map(CompatRegistry.withoutCredentials).joined(separator: ",")
    }

    func subjects(includeDeleted: Bool) async throws(SchemaRegistryError) -> [String] {
        try await client.subjects(includeDeleted: includeDeleted).sorted()
    }

    func versions(subject: String, includeDeleted: Bool) async throws(SchemaRegistryError) -> [Int] {
        try await client.versions(subject: subject, includeDeleted: includeDeleted)
    }

    func allVersions(subjectPrefix: String, offset: Int, limit: Int) async throws(SchemaRegistryError) -> [RegisteredSchema]? {
        do {
            return try await client.schemas(subjectPrefix: subjectPrefix, includeDeleted: true, offset: offset, limit: limit)
        } catch where error.httpStatus == 404 || error.httpStatus == 405 {
            return nil
        }
    }

    func version(subject: String, version: Int) async throws(SchemaRegistryError) -> RegisteredSchema {
        try await client.version(subject: subject, version: version, includeDeleted: true)
    }

    func schema(id: Int, context: String) async throws(SchemaRegistryError) -> SchemaInfo {
        try await client.schema(id: id, subject: Self.subject(naming: context))
    }

    func maxSchemaId(context: String, knownId: Int) async throws(SchemaRegistryError) -> Int? {
        try await client.maxSchemaId(knownId: knownId, subject: Self.subject(naming: context))
    }

    func contexts() async throws(SchemaRegistryError) -> [String] {
        // Registries without contexts (Karapace, Redpanda) have only the default one.
        (try await unlessNotFound { () async throws(SchemaRegistryError) in try await client.contexts() }) ?? [QualifiedSubject.defaultContext]
    }

    func config(subject: String?) async throws(SchemaRegistryError) -> CompatibilityConfig? {
        try await unlessNotFound { () async throws(SchemaRegistryError) in try await client.config(subject: subject) }
    }

    func setConfig(_ config: CompatibilityConfig, subject: String?) async throws(SchemaRegistryError) {
        try await client.setConfig(config, subject: subject)
    }

    func mode(subject: String?) async throws(SchemaRegistryError) -> RegistryMode? {
        guard let name = try await unlessNotFound({ () async throws(SchemaRegistryError) in try await client.mode(subject: subject) })
        else { return nil }
        guard let mode = RegistryMode(rawValue: name) else {
            throw SchemaRegistryError(kind: .invalidResponse, errorCode: 50005, message: "unknown mode '\(name)'")
        }
        return mode
    }

    func setMode(_ mode: RegistryMode, subject: String?, force: Bool) async throws(SchemaRegistryError) {
        try await client.setMode(mode.rawValue, subject: subject, force: force)
    }

    func deleteMode(subject: String?) async throws(SchemaRegistryError) {
        try await client.deleteMode(subject: subject)
    }

    func register(subject: String, schema: SchemaInfo, id: Int, version: Int) async throws(SchemaRegistryError) -> Int {
        try await client.register(subject: subject, schema: schema, id: id, version: version)
    }

    func deleteVersion(subject: String, version: Int, permanent: Bool) async throws(SchemaRegistryError) {
        try await client.deleteVersion(subject: subject, version: .number(version), permanent: permanent)
    }

    func deleteSubject(_ subject: String, permanent: Bool) async throws(SchemaRegistryError) {
        try await client.deleteSubject(subject, permanent: permanent)
    }

    /// The subject that names a context in `?subject=`: none for the default context, `:.ctx:` for another.
    private static func subject(naming context: String) -> String? {
        context == QualifiedSubject.defaultContext ? nil : QualifiedSubject.prefix(ofContext: context)
    }
}
