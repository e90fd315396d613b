import RegistryCore
import RegistryModel
import SchemaRegistryClient

/// A registry as `import`, `export --from URL` and `restore --to URL` read and write it: through the Confluent REST
/// API (`RemoteRegistry`) or in this process over a database no server is using (`LocalRegistry`). Both offer the
/// API's operations and nothing more, so a copy follows the registry's own IMPORT rules whichever side it talks to.
///
/// Failures are `SchemaRegistryError`s either way, with the registry's error codes, so the copy branches on them once.
protocol RegistryEndpoint: Sendable {
    /// How messages name this registry (a URL without credentials, or a database location).
    var displayName: String { get }

    /// Qualified subjects of every context, sorted; with `includeDeleted` also those with only soft-deleted versions.
    func subjects(includeDeleted: Bool) async throws(SchemaRegistryError) -> [String]
    func versions(subject: String, includeDeleted: Bool) async throws(SchemaRegistryError) -> [Int]
    /// A page of every version, soft-deleted ones included, of the subjects `subjectPrefix` selects (`GET /schemas`),
    /// by subject then version; nil when the registry has no such listing.
    func allVersions(subjectPrefix: String, offset: Int, limit: Int) async throws(SchemaRegistryError) -> [RegisteredSchema]?
    /// One version, soft-deleted or not.
    func version(subject: String, version: Int) async throws(SchemaRegistryError) -> RegisteredSchema
    /// The schema with this id in `context`.
    func schema(id: Int, context: String) async throws(SchemaRegistryError) -> SchemaInfo
    /// The highest id issued in `context`, hard-deleted ones included, asked through an id held there; nil when the
    /// registry does not tell.
    func maxSchemaId(context: String, knownId: Int) async throws(SchemaRegistryError) -> Int?
    func contexts() async throws(SchemaRegistryError) -> [String]

    /// The config of a subject or context (nil when it has none of its own), or the global one for nil.
    func config(subject: String?) async throws(SchemaRegistryError) -> CompatibilityConfig?
    func setConfig(_ config: CompatibilityConfig, subject: String?) async throws(SchemaRegistryError)
    /// The mode of a subject or context (nil when it has none of its own), or the global one for nil.
    func mode(subject: String?) async throws(SchemaRegistryError) -> RegistryMode?
    func setMode(_ mode: RegistryMode, subject: String?, force: Bool) async throws(SchemaRegistryError)
    func deleteMode(subject: String?) async throws(SchemaRegistryError)

    /// Registers with a given id and version (IMPORT mode); returns the id the registry gives.
    func register(subject: String, schema: SchemaInfo, id: Int, version: Int) async throws(SchemaRegistryError) -> Int
    func deleteVersion(subject: String, version: Int, permanent: Bool) async throws(SchemaRegistryError)
    func deleteSubject(_ subject: String, permanent: Bool) async throws(SchemaRegistryError)
}

extension RegistryEndpoint {
    /// `body`, with a registry's "not found" answer (40401, 40408, 40409…) read as nil.
    func unlessNotFound<T>(_ body: () async throws(SchemaRegistryError) -> T) async throws(SchemaRegistryError) -> T? {
        do { return try await body() } catch where error.isNotFound { return nil }
    }
}
