import JSON
import Foundation
import Locking
import RegistryModel

/// A client for the Confluent Schema Registry REST API, with the caches a serializer needs.
///
/// Safe to share between threads and tasks. After the first call for an id, a (subject, schema) pair or a version,
/// the answer comes from memory: a warm serializer or deserializer makes no network call.
///
/// ```swift
/// let client = try SchemaRegistryClient(SchemaRegistryConfiguration(url: "http://localhost:8081"))
/// let id = try await client.register(subject: "orders-value", schema: SchemaInfo(schema: orderSchemaJSON))
/// let schema = try await client.schema(id: id)
/// ```
public final class SchemaRegistryClient: Sendable {
    public let configuration: SchemaRegistryConfiguration
    private let connection: RESTConnection
    private let cache: SchemaCache
    /// Requests under way for cacheable answers, so concurrent callers on a cold cache share one request.
    private let inFlight = Locked<[SchemaCache.MissKey: Task<Result<JSONValue, SchemaRegistryError>, Never>]>([:])

    public convenience init(_ configuration: SchemaRegistryConfiguration) throws(SchemaRegistryError) {
        try self.init(configuration, clock: ContinuousClock())
    }

    /// A client whose cache expiries (`latestCacheTTL`, `negativeCacheTTL`) follow `clock`.
    public init<C: Clock<Duration>>(_ configuration: SchemaRegistryConfiguration, clock: C) throws(SchemaRegistryError)
    where C: Sendable, C.Instant: Sendable {
        self.configuration = configuration
        self.connection = try RESTConnection(configuration: configuration, transport: try Self.transport(for: configuration))
        self.cache = SchemaCache(
            latestTTL: configuration.latestCacheTTL, negativeTTL: configuration.negativeCacheTTL, clock: clock)
    }

    // MARK: Registering and finding schemas

    /// Registers a schema under a subject (or finds it already registered) and returns its global id.
    public func register(subject: String, schema: SchemaInfo, normalize: Bool = false) async throws(SchemaRegistryError)
        -> Int
    {
        let key = SchemaCache.SubjectSchemaKey(subject: subject, schema: schema, normalize: normalize)
        if let id = cache.registeredID(key) { return id }
        let response = try await connection.call(
            "POST", "/subjects/\(Self.segment(subject))/versions", query: Self.flag("normalize", normalize),
            body: WireShapes.requestBody(schema))
        let id = try WireShapes.id(response)
        cache.store(registeredID: id, for: key)
        return id
    }

    /// Finds the version of a subject that holds this schema (`POST /subjects/{subject}`), without registering it.
    public func lookUp(subject: String, schema: SchemaInfo, normalize: Bool = false) async throws(SchemaRegistryError)
        -> RegisteredSchema
    {
        let key = SchemaCache.SubjectSchemaKey(subject: subject, schema: schema, normalize: normalize)
        if let found = cache.lookup(key) { return found }
        let response = try await cachingMiss(.lookup(key)) { [connection] () async throws(SchemaRegistryError) in
            try await connection.call(
                "POST", "/subjects/\(Self.segment(subject))", query: Self.flag("normalize", normalize),
                body: WireShapes.requestBody(schema))
        }
        let found = try WireShapes.registeredSchema(response, subject: subject)
        cache.store(lookup: found, for: key)
        return found
    }

    /// The schema with a global id. `subject` selects the registry context to look in (`:.ctx:subject`).
    public func schema(id: Int, subject: String? = nil) async throws(SchemaRegistryError) -> SchemaInfo {
        let key = SchemaCache.IDKey(context: SchemaCache.context(ofSubject: subject), id: id)
        if let schema = cache.schema(key) { return schema }
        let response = try await cachingMiss(.id(key)) { [connection] () async throws(SchemaRegistryError) in
            try await connection.call("GET", "/schemas/ids/\(id)", query: subject.map { [("subject", $0)] } ?? [])
        }
        let schema = try WireShapes.schemaInfo(response)
        cache.store(schema: schema, for: key)
        if let guid = response["guid"]?.stringValue { cache.store(schema: schema, guid: guid) }
        return schema
    }

    /// The schema with a GUID (registries from Confluent 8.0 on).
    public func schema(guid: String) async throws(SchemaRegistryError) -> SchemaInfo {
        if let schema = cache.schema(guid: guid) { return schema }
        let response = try await cachingMiss(.guid(guid)) { [connection] () async throws(SchemaRegistryError) in
            try await connection.call("GET", "/schemas/guids/\(Self.segment(guid))")
        }
        let schema = try WireShapes.schemaInfo(response)
        cache.store(schema: schema, guid: guid)
        return schema
    }

    /// The latest version of a subject, kept for `latestCacheTTL`.
    public func latestVersion(subject: String) async throws(SchemaRegistryError) -> RegisteredSchema {
        if let latest = cache.latest(subject) { return latest }
        let response = try await cachingMiss(.latest(subject)) { [connection] () async throws(SchemaRegistryError) in
            try await connection.call("GET", "/subjects/\(Self.segment(subject))/versions/latest")
        }
        let latest = try WireShapes.registeredSchema(response, subject: subject)
        cache.store(latest: latest)
        return latest
    }

    /// One version of a subject.
    public func version(subject: String, version: Int) async throws(SchemaRegistryError) -> RegisteredSchema {
        let key = SchemaCache.SubjectVersion(subject: subject, version: version)
        if let found = cache.version(key) { return found }
        let response = try await cachingMiss(.version(key)) { [connection] () async throws(SchemaRegistryError) in
            try await connection.call("GET", "/subjects/\(Self.segment(subject))/versions/\(version)")
        }
        let found = try WireShapes.registeredSchema(response, subject: subject)
        cache.store(version: found)
        return found
    }

    // MARK: Listing (never cached)

    public func subjects(prefix: String? = nil, includeDeleted: Bool = false) async throws(SchemaRegistryError)
        -> [String]
    {
        var query = Self.flag("deleted", includeDeleted)
        if let prefix { query.append(("subjectPrefix", prefix)) }
        return try WireShapes.strings(try await connection.call("GET", "/subjects", query: query))
    }

    public func versions(subject: String, includeDeleted: Bool = false) async throws(SchemaRegistryError) -> [Int] {
        try WireShapes.ints(
            try await connection.call(
                "GET", "/subjects/\(Self.segment(subject))/versions", query: Self.flag("deleted", includeDeleted)))
    }

    // MARK: Compatibility and configuration (never cached)

    /// Tests a schema against one version of a subject, or, with `version` nil, against the versions the subject's
    /// compatibility level names (exactly as registering would). `verbose` asks the registry for reasons.
    public func testCompatibility(
        subject: String, version: VersionSelector? = nil, schema: SchemaInfo, normalize: Bool = false,
        verbose: Bool = false
    ) async throws(SchemaRegistryError) -> CompatibilityResult {
        var path = "/compatibility/subjects/\(Self.segment(subject))/versions"
        if let version { path += "/\(version.description)" }
        let response = try await connection.call(
            "POST", path, query: Self.flag("normalize", normalize) + Self.flag("verbose", verbose),
            body: WireShapes.requestBody(schema))
        return try WireShapes.compatibility(response)
    }

    /// The compatibility configuration of a subject, or of the registry when `subject` is nil.
    /// `defaultToGlobal` answers with the global configuration when the subject has none of its own.
    public func config(subject: String? = nil, defaultToGlobal: Bool = false) async throws(SchemaRegistryError)
        -> CompatibilityConfig
    {
        let path = subject.map { "/config/\(Self.segment($0))" } ?? "/config"
        return try WireShapes.config(
            try await connection.call("GET", path, query: Self.flag("defaultToGlobal", defaultToGlobal)))
    }

    /// Sets the compatibility configuration of a subject, or of the registry when `subject` is nil.
    @discardableResult
    public func setConfig(_ config: CompatibilityConfig, subject: String? = nil) async throws(SchemaRegistryError)
        -> CompatibilityConfig
    {
        let path = subject.map { "/config/\(Self.segment($0))" } ?? "/config"
        return try WireShapes.config(
            try await connection.call("PUT", path, body: config.json(.update)))
    }

    /// Removes a subject's own configuration, so the global one applies again; returns the removed configuration.
    @discardableResult
    public func deleteConfig(subject: String) async throws(SchemaRegistryError) -> CompatibilityConfig {
        try WireShapes.config(try await connection.call("DELETE", "/config/\(Self.segment(subject))"))
    }

    // MARK: Deleting

    /// Deletes a subject (soft by default; `permanent` after a soft delete) and returns the versions deleted.
    @discardableResult
    public func deleteSubject(_ subject: String, permanent: Bool = false) async throws(SchemaRegistryError) -> [Int] {
        defer { cache.forget(subject: subject) }
        return try WireShapes.ints(
            try await connection.call(
                "DELETE", "/subjects/\(Self.segment(subject))", query: Self.flag("permanent", permanent)))
    }

    /// Deletes one version of a subject (soft by default) and returns its number.
    @discardableResult
    public func deleteVersion(subject: String, version: VersionSelector, permanent: Bool = false)
        async throws(SchemaRegistryError) -> Int
    {
        defer { cache.forget(subject: subject) }
        return try WireShapes.integer(
            try await connection.call(
                "DELETE", "/subjects/\(Self.segment(subject))/versions/\(version.description)",
                query: Self.flag("permanent", permanent)))
    }

    // MARK: Reading and writing a whole registry, for moving one (never cached)

    /// One version of a subject, also when it is soft-deleted (`deleted=true`). Never cached: a migration reads what
    /// the registry holds now.
    public func version(subject: String, version: Int, includeDeleted: Bool) async throws(SchemaRegistryError)
        -> RegisteredSchema
    {
        let response = try await connection.call(
            "GET", "/subjects/\(Self.segment(subject))/versions/\(version)", query: Self.flag("deleted", includeDeleted))
        return try WireShapes.registeredSchema(response, subject: subject)
    }

    /// One page of every version of the subjects `subjectPrefix` selects (`GET /schemas`), by subject then
    /// version; soft-deleted ones too with `includeDeleted`. Registries cap a page (Confluent's default: 1,000).
    public func schemas(subjectPrefix: String, includeDeleted: Bool, offset: Int, limit: Int) async throws(SchemaRegistryError)
        -> [RegisteredSchema]
    {
        let query = [("subjectPrefix", subjectPrefix), ("offset", String(offset)), ("limit", String(limit))]
            + Self.flag("deleted", includeDeleted)
        let response = try await connection.call("GET", "/schemas", query: query)
        guard let entries = response.arrayValue else {
            throw SchemaRegistryError(kind: .invalidResponse, errorCode: SchemaRegistryError.Code.invalidResponse, message: "expected an array of schemas")
        }
        var result: [RegisteredSchema] = []
        for entry in entries {
            guard let subject = entry["subject"]?.stringValue else {
                throw SchemaRegistryError(kind: .invalidResponse, errorCode: SchemaRegistryError.Code.invalidResponse, message: "a schema without a subject")
            }
            result.append(try WireShapes.registeredSchema(entry, subject: subject))
        }
        return result
    }

    /// The highest id the registry has issued in the context of `subject` (a plain subject or nil: the default
    /// context), hard-deleted ids included (`fetchMaxId`). `knownId` must be an id the registry holds there; nil
    /// when the registry does not report the highest id.
    public func maxSchemaId(knownId: Int, subject: String? = nil) async throws(SchemaRegistryError) -> Int? {
        var query: [(String, String)] = [("fetchMaxId", "true")]
        if let subject { query.append(("subject", subject)) }
        let response = try await connection.call("GET", "/schemas/ids/\(knownId)", query: query)
        return response["maxId"]?.numberValue?.int64Value.flatMap { Int(exactly: $0) }
    }

    /// Registers a schema with the id and version it has elsewhere; the registry or subject must be in IMPORT mode.
    /// Returns the id the registry answers with.
    public func register(subject: String, schema: SchemaInfo, id: Int, version: Int) async throws(SchemaRegistryError)
        -> Int
    {
        var body = WireShapes.requestBody(schema)
        if case .object(var object) = body {
            object["id"] = .number(JSONNumber(id))
            object["version"] = .number(JSONNumber(version))
            body = .object(object)
        }
        return try WireShapes.id(try await connection.call("POST", "/subjects/\(Self.segment(subject))/versions", body: body))
    }

    /// The registry's contexts (`GET /contexts`), `.` (the default context) included.
    public func contexts() async throws(SchemaRegistryError) -> [String] {
        try WireShapes.strings(try await connection.call("GET", "/contexts"))
    }

    /// The mode (`READWRITE`, `READONLY`, `IMPORT`…) of a subject or context, or of the registry when `subject` is nil.
    /// A subject without a mode of its own is 40409 unless `defaultToGlobal`.
    public func mode(subject: String? = nil, defaultToGlobal: Bool = false) async throws(SchemaRegistryError) -> String {
        let path = subject.map { "/mode/\(Self.segment($0))" } ?? "/mode"
        return try WireShapes.mode(try await connection.call("GET", path, query: Self.flag("defaultToGlobal", defaultToGlobal)))
    }

    /// Sets the mode of a subject or context, or of the registry when `subject` is nil. `force` enters IMPORT even
    /// while subjects exist in scope.
    @discardableResult
    public func setMode(_ mode: String, subject: String? = nil, force: Bool = false) async throws(SchemaRegistryError)
        -> String
    {
        let path = subject.map { "/mode/\(Self.segment($0))" } ?? "/mode"
        return try WireShapes.mode(
            try await connection.call("PUT", path, query: Self.flag("force", force), body: ["mode": .string(mode)]))
    }

    /// Removes the mode of a subject or context, or the registry's own, and returns what it was.
    @discardableResult
    public func deleteMode(subject: String? = nil) async throws(SchemaRegistryError) -> String {
        let path = subject.map { "/mode/\(Self.segment($0))" } ?? "/mode"
        return try WireShapes.mode(try await connection.call("DELETE", path))
    }

    // MARK: Synchronous cache peeks, for hot paths

    /// The schema with this id if it is cached; never touches the network.
    public func cachedSchema(id: Int, subject: String? = nil) -> SchemaInfo? {
        cache.schema(SchemaCache.IDKey(context: SchemaCache.context(ofSubject: subject), id: id))
    }

    /// The id of this schema under this subject if a registration or lookup of it is cached; never touches the network.
    public func cachedID(subject: String, schema: SchemaInfo, normalize: Bool = false) -> Int? {
        cache.registeredID(SchemaCache.SubjectSchemaKey(subject: subject, schema: schema, normalize: normalize))
    }

    /// The latest version of a subject if it is cached and fresh; never touches the network.
    public func cachedLatestVersion(subject: String) -> RegisteredSchema? { cache.latest(subject) }

    /// Forgets everything cached, positive and negative.
    public func clearCaches() { cache.removeAll() }

    // MARK: Helpers

    /// Runs a request for a cacheable answer once for all concurrent callers, remembering a "not found" answer.
    private func cachingMiss(
        _ key: SchemaCache.MissKey, _ call: @escaping @Sendable () async throws(SchemaRegistryError) -> JSONValue
    ) async throws(SchemaRegistryError) -> JSONValue {
        if let miss = cache.miss(key) { throw miss }
        let task = inFlight.withLock { tasks in
            if let running = tasks[key] { return running }
            let task = Task { [cache, inFlight] () async -> Result<JSONValue, SchemaRegistryError> in
                let result: Result<JSONValue, SchemaRegistryError>
                do throws(SchemaRegistryError) {
                    result = .success(try await call())
                } catch {
                    cache.store(miss: error, for: key)
                    result = .failure(error)
                }
                inFlight.withLock { $0[key] = nil }
                return result
            }
            tasks[key] = task
            return task
        }
        return try await task.value.get()
    }

    private static func segment(_ text: String) -> String { RESTConnection.encode(text) }

    private static func flag(_ name: String, _ value: Bool) -> [(String, String)] { value ? [(name, "true")] : [] }

    private static func transport(for configuration: SchemaRegistryConfiguration) throws(SchemaRegistryError)
        -> any HTTPTransport
    {
        let tlsFilesGiven = [configuration.tlsCAFile, configuration.tlsCertificateFile, configuration.tlsKeyFile]
            .contains { $0 != nil }
        #if os(Linux)
        // libcurl directly: FoundationNetworking's URLSession cannot use a CA file or a client certificate, and it
        // truncates timeouts to whole seconds (a 300 ms timeout fires at once).
        let tls = CurlTransport.TLS(
            caFile: configuration.tlsCAFile, certificateFile: configuration.tlsCertificateFile,
            keyFile: configuration.tlsKeyFile)
        if CurlTransport.isUnavailable && !tlsFilesGiven { return URLSessionTransport() }
        return try CurlTransport(tls: tls)
        #else
        guard !tlsFilesGiven else {
            throw .configuration("TLS CA and client certificate files are supported on Linux only")
        }
        return URLSessionTransport()
        #endif
    }
}
